// The results page's first screen (summary sentence and forest plot above the fold at 1366×768, filters
// folded into one line), the evaluator checklist (type to filter, vote counts, pseudonyms for
// researchers), and the "no ranking" explanation with its prior button.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { pickwise } from '../helpers/cli.ts';
import { signIn } from '../helpers/sign-in.ts';

const votesShown = async (page: Page) => Number((await page.locator('.live').textContent())!.match(/(\d+) votes/)![1]);

/** Serious or critical axe findings inside `selector`. */
async function axeBlocking(page: Page, selector: string): Promise<string[]> {
	const { violations } = await new AxeBuilder({ page }).include(selector).analyze();
	return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`);
}

/** Whole box inside the viewport: seen without scrolling. */
async function expectAboveTheFold(page: Page, what: ReturnType<Page['locator']>) {
	const box = (await what.boundingBox())!;
	const viewport = page.viewportSize()!;
	expect(box.y).toBeGreaterThanOrEqual(0);
	expect(box.x).toBeGreaterThanOrEqual(0);
	expect(box.y + box.height).toBeLessThanOrEqual(viewport.height);
	expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
}

test.use({ viewport: { width: 1366, height: 768 } });

test('a researcher sees the summary and the forest plot without scrolling, filters folded, pseudonyms only', async ({ page }) => {
	await signIn(page, 'researcher@pickwise.test', 'pickwise-researcher');
	await page.goto('/c/agiqa-demo/results');
	const summary = page.getByRole('region', { name: 'Summary' });
	// the demo: a leader that six others overlap, GLIDE and AttnGAN clearly worse (seeded votes)
	await expect(summary).toContainText(/^.+ leads/);
	await expect(summary).toContainText(/\d+ votes\./);
	const forest = page.getByRole('img', { name: /Ratings with 95% intervals/ });
	await expect(forest).toBeVisible();
	await expect(page.getByRole('heading', { name: 'Ratings with 95% intervals' })).toBeVisible();
	await expectAboveTheFold(page, summary);
	await expectAboveTheFold(page, forest);
	await expectAboveTheFold(page, page.getByRole('heading', { name: 'Ratings with 95% intervals' }));

	// the sentence agrees with the table: the leader is the table's first row
	const board = page.getByRole('table', { name: /Leaderboard/ });
	const top = (await board.getByRole('row').nth(1).getByRole('rowheader').textContent())!.trim();
	await expect(summary).toContainText(`${top} leads`);

	// filters folded into one line that says what is selected
	const filters = page.locator('details', { has: page.locator('form[aria-label="Filters"]') });
	await expect(filters).not.toHaveAttribute('open');
	await expect(filters.locator('summary')).toHaveText(/Filters: all votes · all evaluators · criterion: Overall\s+change/);
	await expect(page.getByLabel('Ties')).toBeHidden();

	// each criterion tab says how many of the votes it ranks
	const tabs = page.getByRole('navigation', { name: 'Criterion' });
	await expect(tabs.getByRole('link', { name: /^Overall · \d+ votes$/ })).toBeVisible();
	await expect(tabs.getByRole('link', { name: /^Prompt adherence · \d+ of \d+ votes rated it$/ })).toBeVisible();

	// researchers see pseudonyms with vote counts, never names
	await filters.locator('summary').click();
	const only = page.getByRole('group', { name: 'Only these evaluators' });
	await expect(only.getByRole('checkbox').first()).toBeVisible();
	const labels = await only.locator('label:not([hidden])').allTextContents();
	expect(labels.length).toBeGreaterThanOrEqual(5);
	for (const l of labels) expect(l.trim()).toMatch(/^ev_[0-9a-f]{12}\s+\d+ votes?$/);
	await expect(page.getByRole('form', { name: 'Filters' })).not.toContainText('Simulated rater');
	expect(await axeBlocking(page, 'details')).toEqual([]);
});

test('a lead finds one evaluator by typing, the count follows, and an unrankable selection is ranked with the prior button', async ({
	page,
	browser
}) => {
	// a fresh evaluator with exactly one vote: ranking their votes alone has no finite ratings
	const tag = Date.now().toString(36);
	const email = `one-vote-${tag}@pickwise.test`;
	const dataDir = process.env.E2E_DATA_DIR ?? 'test-results/e2e-data';
	const added = pickwise(
		dataDir,
		['user', 'add', '--email', email, '--role', 'member', '--name', `Quinn Onevote-${tag}`, '--password-stdin'],
		'one-vote-pass\n'
	);
	expect(added.code, added.stderr).toBe(0);
	const member = pickwise(dataDir, ['campaign', 'add-member', '--slug', 'agiqa-demo', '--email', email, '--role', 'evaluator']);
	expect(member.code, member.stderr).toBe(0);
	const context = await browser.newContext();
	const ev = await context.newPage();
	await signIn(ev, email, 'one-vote-pass');
	await signIn(page, 'lead@pickwise.test', 'pickwise-lead');
	// votes until one is a normal (ranked) one: other tests mark gold pairs in this campaign while this
	// one runs, and a hidden gold pair measures the evaluator without counting in the results
	let ranked = false;
	for (let attempt = 0; attempt < 6 && !ranked; attempt++) {
		const cast = await ev.evaluate(async () => {
			const next = await (await fetch('/api/v1/campaigns/agiqa-demo/next')).json();
			const voteId = crypto.randomUUID();
			const vote = await fetch('/api/v1/campaigns/agiqa-demo/votes', {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({
					vote_id: voteId,
					assignment_id: next.assignment.id,
					choice: 'left',
					rationale: 'The left image follows the prompt much more closely.'
				})
			});
			return { status: vote.status, voteId };
		});
		expect(cast.status).toBe(201);
		const jsonl = await (await page.request.get('/api/v1/campaigns/agiqa-demo/votes?format=jsonl')).text();
		ranked = jsonl.includes(`"vote_id":"${cast.voteId}"`);
	}
	expect(ranked, 'a normal vote within six tries').toBe(true);
	await context.close();

	await page.goto('/c/agiqa-demo/results?bootstrap=200');
	const before = await votesShown(page);
	expect(before).toBeGreaterThan(1);
	await page.locator('summary', { hasText: 'Filters:' }).click();
	const only = page.getByRole('group', { name: 'Only these evaluators' });
	await only.getByLabel('Filter only these evaluators').fill(`onevote-${tag}`);
	// typing narrows the list to the one match; leads see names, with the vote count
	await expect(only.locator('label:not([hidden])')).toHaveCount(1);
	await expect(only.locator('label:not([hidden])')).toHaveText(new RegExp(`Quinn Onevote-${tag}\\s+1 vote`));
	// Enter picks the only match (and does not submit the form)
	await only.getByLabel('Filter only these evaluators').press('Enter');
	await expect(only.getByRole('checkbox', { name: /Quinn Onevote/ })).toBeChecked();
	await expect(only).toContainText('1 selected');
	await expect(page).toHaveURL(/bootstrap=200$/);
	await page.getByRole('button', { name: 'Apply filters' }).click();
	await expect(page).toHaveURL(/evaluators=/);

	// one vote: the winner never lost, the loser never won; said in plain words, with the fix as a button
	const alert = page.getByRole('alert').filter({ hasText: 'No ranking for this selection yet' });
	await expect(alert).toBeVisible();
	await expect(alert).toContainText('never lost a vote against the others');
	await expect(alert).toContainText('never won a vote against the others');
	await expect(alert.getByText('--prior')).toHaveCount(0);
	await expect(page.locator('summary', { hasText: 'Filters:' })).toContainText('only 1 evaluator');
	expect(await axeBlocking(page, '[role="alert"]')).toEqual([]);
	await alert.getByRole('button', { name: 'Rank with a weak prior' }).click();
	await expect(page).toHaveURL(/prior=1/);
	await expect(page).toHaveURL(/evaluators=/);
	// the button produced a ranking of that one vote's two systems
	expect(await votesShown(page)).toBe(1);
	await expect(page.getByRole('table', { name: /Leaderboard/ }).getByRole('row')).toHaveCount(3);
	await expect(page.getByRole('region', { name: 'Summary' })).toContainText(/leads.*; 1 vote\./);
	await expect(page.getByRole('region', { name: 'Summary' })).toContainText('weak prior');
	await expect(page.locator('.live')).toContainText('prior 1');
});

test('the audit queue filters by one evaluator chosen from the same searchable list', async ({ page }) => {
	await signIn(page, 'lead@pickwise.test', 'pickwise-lead');
	await page.goto('/c/agiqa-demo/audit');
	const picker = page.getByRole('group', { name: 'Evaluator' });
	await expect(picker.getByRole('radio', { name: 'All' })).toBeChecked();
	const search = picker.getByLabel('Filter evaluator');
	// hydration: typing before it is lost, so retry until the list narrows
	await expect(async () => {
		await search.fill('');
		await search.fill('rater 3');
		await expect(picker.locator('label:not([hidden])')).toHaveCount(1, { timeout: 500 });
	}).toPass({ timeout: 10_000 });
	// the keyboard path: down into the list, space chooses
	await search.press('ArrowDown');
	await expect(picker.getByRole('radio', { name: 'Simulated rater 3' })).toBeFocused();
	await page.keyboard.press('Space');
	await expect(picker.getByRole('radio', { name: 'Simulated rater 3' })).toBeChecked();
	await page.getByRole('button', { name: 'Search' }).click();
	await expect(page).toHaveURL(/evaluator=/);
	const rows = page.locator('article.row');
	await expect(rows.first()).toBeVisible();
	for (const text of await rows.allTextContents()) expect(text).toContain('Simulated rater 3');
	await expect(page.getByRole('group', { name: 'Evaluator' }).getByRole('radio', { name: 'Simulated rater 3' })).toBeChecked();
});
