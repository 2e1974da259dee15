import { expect, test } from '@playwright/test';
import { signIn } from '../helpers/sign-in.ts';

test('a researcher opens the controlled tab, reads coefficients and Δrank, changes the controls and opens a head-to-head', async ({
	page
}) => {
	await signIn(page, 'researcher@pickwise.test', 'pickwise-researcher');
	await page.goto('/c/agiqa-demo/results');
	await page.getByRole('navigation', { name: 'Results views' }).getByRole('link', { name: 'Controlled' }).click();
	await expect(page.getByRole('heading', { name: 'Controlled leaderboard' })).toBeVisible();
	const board = page.getByRole('table', { name: /Controlled leaderboard/ });
	await expect(board.getByRole('columnheader', { name: 'Δrank' })).toBeVisible();
	await expect(board.getByRole('row')).toHaveCount(9);
	const coefficients = page.getByRole('table', { name: /Coefficients/ });
	await expect(coefficients.getByRole('rowheader', { name: 'Left side' })).toBeVisible();
	await expect(coefficients).toContainText(/Left side [+−]?\d+ Elo \[/);
	await expect(coefficients.getByRole('rowheader', { name: 'Bytes per pixel ratio' })).toBeVisible();

	// the researcher chooses the controls; the choice is in the URL
	await page.getByRole('checkbox', { name: 'Bytes per pixel ratio' }).uncheck();
	await page.getByRole('button', { name: 'Update' }).click();
	await expect(page).toHaveURL(/control=/);
	await expect(page).not.toHaveURL(/control=bpp/);
	await expect(coefficients.getByRole('rowheader', { name: 'Bytes per pixel ratio' })).toHaveCount(0);
	await expect(coefficients.getByRole('rowheader', { name: 'Left side' })).toBeVisible();

	await page.getByRole('navigation', { name: 'Results views' }).getByRole('link', { name: 'Head-to-head' }).click();
	await expect(page).toHaveURL(/results\/head-to-head/);
	// the demo's eight systems and the "Choose…" option
	await expect(page.getByLabel('System A').locator('option')).toHaveCount(9);
	const systems = await page.getByLabel('System A').locator('option').allTextContents();
	const [a, b] = systems.filter((s) => s !== 'Choose…');
	await page.getByLabel('System A').selectOption(a);
	await page.getByLabel('System B').selectOption(b);
	await page.getByRole('button', { name: 'Compare' }).click();
	await expect(page.getByRole('heading', { name: `${a} vs ${b}` })).toBeVisible();
	await expect(page.getByRole('status')).toContainText(/\d+ battles/);
	// both images of the first prompt are shown (served to researchers by image id)
	const images = page.locator('section.prompt').first().getByRole('img');
	await expect(images).toHaveCount(2);
	await expect(images.first()).toHaveAccessibleName(new RegExp(`for prompt`));
	await expect
		.poll(() =>
			images.evaluateAll((els) => els.every((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0))
		)
		.toBe(true);

	await page.getByRole('navigation', { name: 'Results views' }).getByRole('link', { name: 'By category' }).click();
	await expect(page).toHaveURL(/results\/categories/);
	await expect(page.getByRole('heading', { level: 1 })).toContainText('Results');
	await expect(page.getByText(/No prompt of this campaign has a category|Ratings by category/)).toBeVisible();
});

test('a lead reaches every evaluator’s personal board beside the consensus', async ({ page }) => {
	await signIn(page, 'lead@pickwise.test', 'pickwise-lead');
	await page.goto('/c/agiqa-demo/results');
	await page.getByRole('navigation', { name: 'Results views' }).getByRole('link', { name: 'Personal boards' }).click();
	await expect(page).toHaveURL(/results\/personal/);
	await expect(page.getByRole('heading', { name: 'Consensus' }).or(page.getByText(/No evaluator has \d+ counted votes yet/))).toBeVisible();
});
