// A team starts a campaign in the browser: an admin invites a lead; the lead sets a password,
// creates a campaign, invites an evaluator and activates it; the evaluator joins and votes; the
// lead sees the vote in progress and results. The images come in through the CLI here (the
// browser upload step is added to this test where the upload page lands).
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pickwise } from '../helpers/cli.ts';
import { solidPng } from '../helpers/images.ts';

// the data folder of the server playwright.config.ts starts
const DATA_DIR = 'test-results/e2e-data';
const run = Date.now().toString(36);
const SLUG = `team-${run}`;
const LEAD = { email: `lena-${run}@team.test`, password: 'lena chooses a passphrase' };
const EVALUATOR = { email: `eric-${run}@team.test`, password: 'eric chooses a passphrase' };

async function signIn(page: Page, email: string, password: string) {
	await page.goto('/login');
	await page.getByLabel('Email').fill(email);
	await page.getByLabel('Password').fill(password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByRole('heading', { name: 'Your campaigns' })).toBeVisible();
}

async function signOut(page: Page) {
	await page.getByRole('button', { name: 'Sign out' }).click();
	await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
}

/** Opens a one-time link as a new person and chooses a password. */
async function acceptInvitation(page: Page, link: string, password: string, greeting: RegExp) {
	await page.goto(link);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(greeting);
	// a weak password is refused at its field
	await page.getByLabel('New password').fill('short');
	await page.getByLabel('Repeat the password').fill('short');
	await page.getByRole('button', { name: 'Set password and sign in' }).click();
	await expect(page.getByLabel('New password')).toHaveAttribute('aria-invalid', 'true');
	await expect(page.getByRole('alert')).toContainText('at least 8 characters');
	await page.getByLabel('New password').fill(password);
	await page.getByLabel('Repeat the password').fill(password);
	await page.getByRole('button', { name: 'Set password and sign in' }).click();
	await expect(page.getByRole('heading', { name: 'Your campaigns' })).toBeVisible();
}

function importImages() {
	const set = mkdtempSync(join(tmpdir(), 'pickwise-e2e-team-'));
	mkdirSync(set, { recursive: true });
	return (async () => {
		const lines = ['image_path,prompt,system'];
		for (let p = 0; p < 3; p++) {
			for (let s = 0; s < 3; s++) {
				writeFileSync(join(set, `${p}-${s}.png`), await solidPng(64, 64, { r: 40 + p * 60, g: 30 + s * 70, b: 120 }));
				lines.push(`${p}-${s}.png,a lighthouse at dusk number ${p},model-${s}`);
			}
		}
		writeFileSync(join(set, 'manifest.csv'), lines.join('\n') + '\n');
		const r = pickwise(DATA_DIR, ['import', 'images', '--campaign', SLUG, '--manifest', join(set, 'manifest.csv')]);
		expect(r.code, r.stderr).toBe(0);
	})();
}

test('an admin invites a lead, who starts a campaign that an invited evaluator votes in', async ({ page }) => {
	test.setTimeout(180_000);

	// the admin invites a lead who may create campaigns
	await signIn(page, 'admin@pickwise.test', 'pickwise-admin');
	await page.getByRole('link', { name: 'Admin', exact: true }).click();
	await page.getByLabel('Name').fill('Lena Lead');
	await page.getByLabel('Email').fill(LEAD.email);
	await page.getByLabel('May create campaigns').check();
	await page.getByRole('button', { name: 'Create invitation' }).click();
	const leadLink = await page.getByRole('textbox', { name: `Invitation link for ${LEAD.email}`, exact: true }).inputValue();
	expect(leadLink).toMatch(/\/invite\/[a-z2-7]+\.[a-z2-7]+$/);
	await expect(page.getByRole('row', { name: new RegExp(LEAD.email) })).toContainText('invited, no password yet');
	await signOut(page);

	// the lead accepts and creates a draft campaign
	await acceptInvitation(page, leadLink, LEAD.password, /Welcome, Lena Lead/);
	await page.getByRole('link', { name: 'New campaign' }).click();
	await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Team lighthouses');
	await page.getByLabel(/^Slug/).fill(SLUG);
	await page.getByLabel('Description', { exact: true }).fill('Three models, three prompts');
	await page.getByLabel(/^Guidelines/).fill('# Pick the better image\n\nPrefer the one that follows the prompt.');
	await page.getByLabel('Minimum rationale length (characters)').fill('10');
	await page.getByLabel('Battles per system pair to aim for').fill('2');
	await page.getByRole('button', { name: 'Create draft campaign' }).click();
	await expect(page.getByRole('heading', { name: 'Progress: Team lighthouses' })).toBeVisible();
	await expect(page.getByRole('heading', { name: 'Status: draft' })).toBeVisible();

	// images through the CLI (the browser upload is another step of this flow)
	await importImages();

	// the lead invites an evaluator: the link is shown to send
	await page.getByRole('link', { name: 'Members' }).click();
	await page.getByLabel('Email', { exact: true }).fill(EVALUATOR.email);
	await page.getByLabel('Role', { exact: true }).selectOption('evaluator');
	await page.getByLabel('Quota (pairs, optional)').fill('5');
	await page.getByRole('button', { name: 'Add member' }).click();
	const evaluatorLink = await page.getByRole('textbox', { name: `Invitation link for ${EVALUATOR.email}`, exact: true }).inputValue();
	await expect(page.getByRole('row', { name: new RegExp(EVALUATOR.email) })).toContainText('invited');

	// and activates the campaign
	await page.getByRole('link', { name: 'Progress' }).click();
	await page.getByRole('button', { name: 'Activate' }).click();
	await expect(page.getByRole('heading', { name: 'Status: active' })).toBeVisible();
	await signOut(page);

	// the evaluator joins and votes
	await acceptInvitation(page, evaluatorLink, EVALUATOR.password, /Welcome/);
	const row = page.getByRole('row', { name: /Team lighthouses/ });
	await expect(row).toContainText('Evaluator');
	await expect(row).toContainText('you: 0 of 5 judged');
	await row.getByRole('link', { name: 'Team lighthouses' }).click();
	await page.getByRole('link', { name: 'Start voting' }).click();
	await page.getByLabel('Left is better').check();
	await page.getByLabel('Rationale').fill('The left one follows the prompt more closely.');
	await page.getByRole('button', { name: 'Submit vote' }).click();
	await expect(page.getByLabel('Progress')).toHaveText(/^1 \/ 5 judged/);
	await signOut(page);

	// the lead sees the vote in progress and in results
	await signIn(page, LEAD.email, LEAD.password);
	await expect(page.getByRole('row', { name: /Team lighthouses/ })).toContainText('active');
	await page.goto(`/c/${SLUG}/progress`);
	const votes = page.getByRole('definition').first();
	await expect(votes).toContainText('1');
	await expect(page.getByText('Votes still needed')).toBeVisible();
	await page.getByRole('link', { name: 'Members' }).click();
	await expect(page.getByRole('row', { name: new RegExp(EVALUATOR.email) })).toContainText('1 / 5');
	await page.goto(`/c/${SLUG}/results`);
	await expect(page.getByRole('listbox', { name: 'Evaluators', exact: true })).toContainText(EVALUATOR.email.split('@')[0]);
	const perDay = page.getByRole('figure', { name: 'Votes per day' });
	await perDay.getByRole('button', { name: 'Table' }).click();
	await expect(perDay.getByRole('row', { name: new Date().toISOString().slice(0, 10) })).toContainText('1');
});
