// Issue 16, lead flow: after a review the focus moves on to the next row (never to <body>) and the
// vote reads as reviewed; a gold pair is confirmed where it was made, badged on its row, and can be
// edited and removed on the gold pairs page, reached from the campaign navigation.
import { expect, test, type Page } from '@playwright/test';
import { signIn } from '../helpers/sign-in.ts';

const signInAs = (page: Page) => signIn(page, 'lead@pickwise.test', 'pickwise-lead');

/** Waits until the page's keys work (hydrated): j moves from the first row to the second. */
async function hydrated(page: Page) {
	const rows = page.locator('article[data-vote]');
	await expect(async () => {
		await rows.first().click({ position: { x: 5, y: 5 } });
		await page.keyboard.press('j');
		await expect(rows.nth(1)).toBeFocused({ timeout: 500 });
	}).toPass({ timeout: 10_000 });
	await page.keyboard.press('k');
	await expect(rows.first()).toBeFocused();
}

test('accepting with a moves the focus to the next row, and the vote reads as accepted', async ({ page }) => {
	await signInAs(page);
	await page.goto('/c/agiqa-demo/audit?status=unreviewed&sort=oldest');
	await hydrated(page);
	const rows = page.locator('article[data-vote]');
	const first = await rows.nth(0).getAttribute('data-vote');
	const second = await rows.nth(1).getAttribute('data-vote');
	const progress = page.locator('#review-progress');
	const reviewed = Number((await progress.textContent())!.trim().split(' ')[0]);

	await page.keyboard.press('a');
	await expect(page.getByText('Accepted 1 vote.')).toBeVisible();
	await expect(progress).toContainText(`${reviewed + 1} of`);
	// "unreviewed": the accepted vote left the list, and the focus is on the row that followed it
	await expect(page.locator(`article[data-vote="${first}"]`)).toHaveCount(0);
	await expect(page.locator(`article[data-vote="${second}"]`)).toBeFocused();

	// the same keys go on from there: x rejects the focused row, and focus moves on again
	const third = await rows.nth(1).getAttribute('data-vote');
	await page.keyboard.press('x');
	await expect(page.getByText('Rejected 1 vote.')).toBeVisible();
	await expect(page.locator(`article[data-vote="${third}"]`)).toBeFocused();

	await page.goto(`/c/agiqa-demo/audit?vote=${first}`);
	await expect(page.locator(`article[data-vote="${first}"]`)).toContainText(/✓ accepted by Lee Lead · \d{4}-\d\d-\d\d \d\d:\d\d/);
	await page.goto(`/c/agiqa-demo/audit?vote=${second}`);
	await expect(page.locator(`article[data-vote="${second}"]`)).toContainText(/rejected by Lee Lead/);
});

test('a gold pair is confirmed on its row, then edited and removed on the gold pairs page', async ({ page }) => {
	await signInAs(page);
	await page.goto('/c/agiqa-demo/audit?sort=newest');
	await hydrated(page);
	const row = page
		.getByRole('list', { name: 'Votes' })
		.getByRole('listitem')
		.filter({ has: page.getByText('Mark as gold pair') })
		.first();
	const vote = await row.locator('article[data-vote]').getAttribute('data-vote');
	const left = await row.getByRole('img', { name: 'Left image' }).getAttribute('src');
	const right = await row.getByRole('img', { name: 'Right image' }).getAttribute('src');
	await row.getByText('Mark as gold pair').click();
	await row.getByLabel('Expected').selectOption('right');
	await row.getByLabel('Explanation').fill('The left hand has six fingers.');
	await row.getByRole('button', { name: 'Save gold pair' }).click();

	// the answer is on the row, where the focus stays; the row carries the badge
	const mine = page
		.getByRole('list', { name: 'Votes' })
		.getByRole('listitem')
		.filter({ has: page.locator(`[data-vote="${vote}"]`) });
	await expect(mine.getByRole('status')).toHaveText('Marked as a gold pair.');
	await expect(mine.getByText('Gold pair, expects right')).toBeFocused();
	await expect(mine.locator('.badge.gold')).toHaveText('Gold pair');
	await expect(mine.getByRole('button', { name: 'Save gold pair' })).toHaveCount(0);

	// the campaign navigation leads to the gold pairs page and marks it as the current page
	await page.getByRole('navigation', { name: 'Campaign' }).getByRole('link', { name: 'Gold pairs' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Gold pairs/);
	await expect(page.getByRole('navigation', { name: 'Campaign' }).getByRole('link', { name: 'Gold pairs' })).toHaveAttribute(
		'aria-current',
		'page'
	);
	const gold = page
		.locator('article')
		.filter({ has: page.locator(`img[src="${left}"]`) })
		.filter({ has: page.locator(`img[src="${right}"]`) });
	await expect(gold).toHaveCount(1);
	await expect(gold.getByLabel('Expected answer')).toHaveValue('right');
	await expect(gold.getByLabel(/Explanation/)).toHaveValue('The left hand has six fingers.');
	await expect(gold).toContainText('Accuracy so far: no answers yet');

	await gold.getByLabel('Expected answer').selectOption('tie');
	await gold.getByLabel(/Explanation/).fill('Both are equally good.');
	await gold.getByRole('button', { name: 'Save' }).click();
	await expect(gold.getByRole('status')).toHaveText('Gold pair saved.');
	await page.reload();
	await expect(gold.getByLabel('Expected answer')).toHaveValue('tie');
	await expect(gold.getByLabel(/Explanation/)).toHaveValue('Both are equally good.');

	await gold.getByRole('button', { name: 'Remove gold pair' }).click();
	await expect(page.getByText('Gold pair removed: its answers are no longer scored.')).toBeVisible();
	await expect(gold).toHaveCount(0);
	// and the audit row offers to mark it again
	await page.goto(`/c/agiqa-demo/audit?vote=${vote}`);
	await expect(page.getByText('Mark as gold pair')).toBeVisible();
});
