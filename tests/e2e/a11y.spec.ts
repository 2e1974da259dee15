// axe-core over every page each demo role can open, and the vote page's panels: no serious or
// critical violation. Moderate and minor ones are printed (they are worth reading, not blocking).
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { signIn } from '../helpers/sign-in.ts';

const CAMPAIGN = '/c/agiqa-demo';

/** A page, its expected status, and states to reach on it (each audited after the page itself). */
type Step = { name: string; path: string; status?: number; states?: { name: string; reach: (page: Page) => Promise<void> }[] };

const VOTE_STATES: Step['states'] = [
	{
		name: 'guidelines open',
		reach: async (page) => {
			await page.getByRole('button', { name: /Guidelines/ }).click();
			await expect(page.getByRole('heading', { name: /Guidelines/ })).toBeVisible();
		}
	},
	{
		name: 'compare open',
		reach: async (page) => {
			await page.keyboard.press('Escape');
			await page.getByRole('button', { name: /Compare/ }).click();
			await expect(page.getByRole('dialog')).toBeVisible();
		}
	},
	{
		// the marks UI: the keyboard cursor placed a point (numbered outline, mark list, live region)
		name: 'a mark placed',
		reach: async (page) => {
			await page.keyboard.press('Escape');
			await expect(page.getByRole('dialog')).toBeHidden();
			await page.locator('#prompt').focus();
			await page.keyboard.press('m');
			await expect(page.locator('#image-left')).toBeFocused();
			await page.keyboard.press('Enter');
			await expect(page.getByRole('list', { name: 'Marks on the left image' }).getByRole('listitem')).toHaveCount(1);
		}
	}
];

// the demo has no gold pairs: mark one from the audit queue, then audit the page with a row on it
const GOLD_STATES: Step['states'] = [
	{
		name: 'with a gold pair',
		reach: async (page) => {
			await page.goto(`${CAMPAIGN}/audit?sort=oldest`);
			const row = page
				.getByRole('list', { name: 'Votes' })
				.getByRole('listitem')
				.filter({ has: page.getByText('Mark as gold pair') })
				.first();
			await expect(async () => {
				await row.getByText('Mark as gold pair').click();
				await expect(row.getByRole('button', { name: 'Save gold pair' })).toBeVisible({ timeout: 1000 });
			}).toPass({ timeout: 10_000 });
			await row.getByRole('button', { name: 'Save gold pair' }).click();
			await expect(page.getByText('Marked as a gold pair.')).toBeVisible();
			await page.goto(`${CAMPAIGN}/gold`);
			await expect(page.getByText(/Accuracy so far/).first()).toBeVisible();
		}
	}
];

const ACCOUNTS: { role: string; email: string; password: string; steps: Step[] }[] = [
	{
		role: 'evaluator',
		email: 'evaluator@pickwise.test',
		password: 'pickwise-evaluator',
		steps: [
			{ name: 'home', path: '/' },
			{ name: 'campaign', path: CAMPAIGN },
			{ name: 'settings', path: '/settings' },
			{ name: 'vote', path: `${CAMPAIGN}/vote`, states: VOTE_STATES },
			{ name: 'feedback', path: `${CAMPAIGN}/me` },
			{ name: '403 (manage)', path: `${CAMPAIGN}/manage`, status: 403 },
			{ name: '404 (unknown campaign)', path: '/c/no-such-campaign', status: 404 }
		]
	},
	{
		role: 'researcher',
		email: 'researcher@pickwise.test',
		password: 'pickwise-researcher',
		steps: [
			{ name: 'home', path: '/' },
			{ name: 'campaign', path: CAMPAIGN },
			{ name: 'settings', path: '/settings' },
			{ name: 'results', path: `${CAMPAIGN}/results` },
			{ name: '403 (vote)', path: `${CAMPAIGN}/vote`, status: 403 },
			{ name: '403 (gold pairs)', path: `${CAMPAIGN}/gold`, status: 403 },
			{ name: '404 (unknown page)', path: '/no/such/page', status: 404 }
		]
	},
	{
		role: 'lead',
		email: 'lead@pickwise.test',
		password: 'pickwise-lead',
		steps: [
			{ name: 'home', path: '/' },
			{ name: 'campaign', path: CAMPAIGN },
			{ name: 'settings', path: '/settings' },
			{ name: 'results', path: `${CAMPAIGN}/results` },
			{ name: 'audit', path: `${CAMPAIGN}/audit` },
			{ name: 'evaluators', path: `${CAMPAIGN}/evaluators` },
			{ name: 'gold pairs', path: `${CAMPAIGN}/gold`, states: GOLD_STATES },
			{ name: 'manage', path: `${CAMPAIGN}/manage` },
			{ name: '403 (admin)', path: '/admin', status: 403 }
		]
	},
	{
		role: 'admin',
		email: 'admin@pickwise.test',
		password: 'pickwise-admin',
		steps: [
			{ name: 'home', path: '/' },
			{ name: 'campaign', path: CAMPAIGN },
			{ name: 'settings', path: '/settings' },
			{ name: 'admin', path: '/admin' },
			{ name: 'results', path: `${CAMPAIGN}/results` },
			{ name: 'audit', path: `${CAMPAIGN}/audit` },
			{ name: 'evaluators', path: `${CAMPAIGN}/evaluators` },
			{ name: 'gold pairs', path: `${CAMPAIGN}/gold` },
			{ name: 'manage', path: `${CAMPAIGN}/manage` },
			{ name: '400 (bad query)', path: `${CAMPAIGN}/results?from=not-a-date`, status: 400 }
		]
	}
];

/** Runs axe on the page as it is now; prints moderate/minor findings and returns the serious/critical ones. */
async function audit(page: Page, label: string): Promise<string[]> {
	const { violations } = await new AxeBuilder({ page }).analyze();
	const blocking: string[] = [];
	for (const v of violations) {
		const where = v.nodes.map((n) => n.target.join(' ')).slice(0, 5);
		const line = `${label}: [${v.impact}] ${v.id} (${v.help}) at ${where.join(' | ')}${v.nodes.length > 5 ? ` and ${v.nodes.length - 5} more` : ''}`;
		if (v.impact === 'serious' || v.impact === 'critical') blocking.push(line);
		else console.log(`axe ${line}`);
	}
	return blocking;
}

test('the sign-in page has no serious or critical axe violation', async ({ page }) => {
	await page.goto('/login');
	await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
	expect(await audit(page, 'login (signed out)')).toEqual([]);
});

// axe on a full results or audit page takes a while on a busy machine
test.describe.configure({ timeout: 180_000 });

for (const account of ACCOUNTS) {
	for (const step of account.steps) {
		test(`${account.role}: ${step.name} (${step.path}) has no serious or critical axe violation`, async ({ page }) => {
			await signIn(page, account.email, account.password);
			const response = await page.goto(step.path);
			expect(response?.status(), step.path).toBe(step.status ?? 200);
			await page.waitForLoadState('networkidle');
			const found = await audit(page, `${account.role} ${step.name} ${step.path}`);
			for (const state of step.states ?? []) {
				await state.reach(page);
				found.push(...(await audit(page, `${account.role} ${step.name} ${step.path} (${state.name})`)));
			}
			expect(found).toEqual([]);
		});
	}
}

test('error pages have a title, a main landmark, a heading, a plain sentence and a way back', async ({ page }) => {
	await signIn(page, 'researcher@pickwise.test', 'pickwise-researcher');

	await page.goto(`${CAMPAIGN}/vote`);
	await expect(page).toHaveTitle('Not allowed · pickwise');
	const main = page.getByRole('main');
	await expect(main.getByRole('heading', { level: 1 })).toHaveText('Not allowed');
	await expect(main).toContainText('As a researcher in agiqa-demo you cannot vote');
	await main.getByRole('link', { name: 'Back to the campaign agiqa-demo' }).click();
	await expect(page).toHaveURL(new RegExp(`${CAMPAIGN}$`));

	await page.goto('/c/no-such-campaign');
	await expect(page).toHaveTitle('Not found · pickwise');
	await expect(page.getByRole('main').getByRole('heading', { level: 1 })).toHaveText('Not found');
	await expect(page.getByRole('main')).toContainText('does not exist, or you are not a member');
	await page.getByRole('main').getByRole('link', { name: 'Back to your campaigns' }).click();
	await expect(page.getByRole('heading', { name: 'Your campaigns' })).toBeVisible();
});
