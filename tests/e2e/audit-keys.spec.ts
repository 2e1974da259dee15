// Issue 16, bug 1: the audit queue's single-key shortcuts (a = accept, x = reject, j/k, space) must stay
// quiet while the lead types in any field. The gold pair's "Explanation" input has no type attribute;
// the queue's old guard only knew input[type=text|search|number], so typing "Blurry hand" there
// accepted the highlighted vote and swallowed the "a".
import { expect, test } from '@playwright/test';
import { signIn } from '../helpers/sign-in.ts';

test('typing in the gold pair explanation writes text and reviews nothing', async ({ page }) => {
	await signIn(page, 'lead@pickwise.test', 'pickwise-lead');
	await page.goto('/c/agiqa-demo/audit?sort=oldest');
	const rows = page.locator('article[data-vote]');
	// the keys work once the page has hydrated: j moves to the second row
	await expect(async () => {
		await page.keyboard.press('j');
		await expect(rows.nth(1)).toBeFocused({ timeout: 500 });
	}).toPass({ timeout: 10_000 });
	const progress = page.locator('#review-progress');
	const before = await progress.textContent();

	const row = page
		.getByRole('list', { name: 'Votes' })
		.getByRole('listitem')
		.filter({ has: page.getByText('Mark as gold pair') })
		.first();
	await row.getByText('Mark as gold pair').click();
	const explanation = row.getByLabel('Explanation');
	await explanation.click();
	await page.keyboard.type('Blurry hand');

	await expect(explanation).toHaveValue('Blurry hand');
	await expect(explanation).toBeFocused();
	await page.waitForLoadState('networkidle');
	await expect(page.getByText(/(Accepted|Rejected) \d+ votes?\./)).toHaveCount(0);
	// nothing was reviewed, on this page or in the database
	await page.reload();
	await expect(progress).toHaveText(before!);
});
