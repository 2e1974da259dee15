import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { signIn } from '../helpers/sign-in.ts';

const votesShown = async (page: Page) => Number((await page.locator('.live').textContent())!.match(/(\d+) votes/)![1]);

test('a researcher reads the results, changes a filter, sees chart and table agree and downloads the CSV', async ({ page }) => {
	await signIn(page, 'researcher@pickwise.test', 'pickwise-researcher');
	await page.goto('/c/agiqa-demo');
	await page.getByRole('link', { name: 'Results and exports' }).click();
	await expect(page.getByRole('heading', { name: 'Leaderboard' })).toBeVisible();
	const board = page.getByRole('table', { name: /Leaderboard/ });
	const firstRow = board.getByRole('row').nth(1);
	const topSystem = (await firstRow.getByRole('rowheader').textContent())!.trim();
	const topRating = (await firstRow.getByRole('cell').nth(1).textContent())!.trim();
	// the forest plot's own table shows the same numbers
	const forest = page.getByRole('region', { name: /Ratings with 95% intervals/ }).or(
		page
			.locator('section, div')
			.filter({ has: page.getByRole('heading', { name: 'Ratings with 95% intervals' }) })
			.last()
	);
	await expect(page.getByRole('img', { name: /Ratings with 95% intervals/ })).toBeVisible();
	// a click before the page has hydrated is lost; the button toggles, so click only while it is not pressed
	const tableButton = forest.getByRole('button', { name: 'Table' }).first();
	await expect(async () => {
		if ((await tableButton.getAttribute('aria-pressed')) !== 'true') await tableButton.click();
		await expect(tableButton).toHaveAttribute('aria-pressed', 'true', { timeout: 500 });
	}).toPass({ timeout: 10_000 });
	const forestTable = page.getByRole('table', { name: /Ratings with 95% intervals/ });
	await expect(forestTable).toBeVisible();
	await expect(forestTable.getByRole('row', { name: new RegExp(topSystem) }).first()).toContainText(topRating);

	// a filter goes into the URL and changes the counts
	const before = await votesShown(page);
	// the filters are folded into one line until opened
	await expect(page.getByLabel('Ties')).toBeHidden();
	await page.locator('summary', { hasText: 'Filters:' }).click();
	await page.getByLabel('Ties').selectOption('exclude');
	await page.getByLabel('Bootstrap rounds').selectOption('200');
	await page.getByRole('button', { name: 'Apply filters' }).click();
	await expect(page).toHaveURL(/ties=exclude/);
	await expect(page.locator('.live')).toContainText('ties exclude');
	await expect(page.locator('.live')).toContainText('200 bootstrap rounds');
	expect(await votesShown(page)).toBeLessThanOrEqual(before);

	const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'leaderboard CSV' }).click()]);
	const csv = readFileSync((await download.path())!, 'utf8')
		.trim()
		.split('\n');
	expect(csv[0]).toBe('rank,system,rating,ci_low,ci_high,battles,wins,losses,ties,win_rate,elo');
	expect(csv).toHaveLength(9);
	expect(download.suggestedFilename()).toBe('agiqa-demo-leaderboard.csv');
});

test('a lead searches the rationales, rejects a vote with the keyboard and the leaderboard count drops', async ({ page }) => {
	await signIn(page, 'lead@pickwise.test', 'pickwise-lead');
	await page.goto('/c/agiqa-demo/results?bootstrap=0');
	const before = await votesShown(page);
	await page.goto('/c/agiqa-demo/audit');
	await page.getByLabel('Search rationales').fill('cleaner artifacts');
	await page.getByRole('button', { name: 'Search' }).click();
	await expect(page).toHaveURL(/q=cleaner/);
	const rows = page.locator('article.row');
	await expect(rows.first()).toBeVisible();
	await expect(rows.first()).toContainText(/cleaner/i);
	// j then k lands on the first vote, x rejects it. Keys pressed before the page has hydrated are
	// lost, so repeat j, k (out of the search field first) until the first vote has the focus.
	await expect(async () => {
		await page.locator('main h1').click();
		await page.keyboard.press('j');
		await page.keyboard.press('k');
		await expect(rows.first()).toBeFocused({ timeout: 500 });
	}).toPass({ timeout: 10_000 });
	await page.keyboard.press('x');
	await expect(page.getByRole('status').filter({ hasText: 'Rejected 1 vote.' })).toBeVisible();
	await expect(page.locator('article.row.rejected')).toHaveCount(1);
	await page.goto('/c/agiqa-demo/results?bootstrap=0');
	expect(await votesShown(page)).toBe(before - 1);
	// and the evaluator dashboard lists the simulated raters
	await page.goto('/c/agiqa-demo/evaluators');
	await expect(page.getByRole('table', { name: /Quality signals per evaluator/ })).toContainText('Simulated rater 1');
	await expect(page.getByText(/Krippendorff/)).toBeVisible();
});

test('a new vote shows on an open results page within seconds, without a reload', async ({ page, browser }) => {
	await signIn(page, 'researcher@pickwise.test', 'pickwise-researcher');
	await page.goto('/c/agiqa-demo/results?bootstrap=0');
	const before = await votesShown(page);
	let reloads = 0;
	page.on('framenavigated', () => reloads++);

	const evaluator = await browser.newContext();
	const ev = await evaluator.newPage();
	await signIn(ev, 'evaluator@pickwise.test', 'pickwise-evaluator');
	const status = await ev.evaluate(async () => {
		const next = await (await fetch('/api/v1/campaigns/agiqa-demo/next')).json();
		const vote = await fetch('/api/v1/campaigns/agiqa-demo/votes', {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({
				vote_id: crypto.randomUUID(),
				assignment_id: next.assignment.id,
				choice: 'left',
				rationale: 'The left image is clearly the better one.'
			})
		});
		return vote.status;
	});
	expect(status).toBe(201);
	await expect.poll(() => votesShown(page), { timeout: 30_000 }).toBe(before + 1);
	expect(reloads).toBe(0);
	await evaluator.close();
});
