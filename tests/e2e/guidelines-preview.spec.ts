// The manage page's guidelines preview follows the typing, rendered and sanitized by the server,
// without saving; text it cannot render gets its message in the preview.
import { expect, test } from '@playwright/test';

test('a lead sees the guidelines preview change as they type, without saving', async ({ page }) => {
	await page.goto('/login');
	await page.getByLabel('Email').fill('lead@pickwise.test');
	await page.getByLabel('Password').fill('pickwise-lead');
	await page.keyboard.press('Enter');
	await expect(page.getByRole('heading', { name: 'Your campaigns' })).toBeVisible();
	await page.goto('/c/agiqa-demo/manage');
	const editor = page.getByLabel('Guidelines (Markdown)');
	const preview = page.getByRole('region', { name: /As evaluators will see them/ });
	await expect(preview).toContainText('Pick the image that is');
	const saved = await editor.inputValue();

	// typing before the page has hydrated sends nothing: type until the preview follows
	await expect(async () => {
		await editor.fill('# Check the hands\n\nCount **fingers** first. <img src=x onerror="document.title=1"> [x](javascript:alert(1))');
		await expect(preview.getByRole('heading', { name: 'Check the hands' })).toBeVisible({ timeout: 3000 });
	}).toPass({ timeout: 20_000 });
	await expect(preview.locator('strong')).toHaveText('fingers');
	// raw HTML shows as text, the script link is no link
	await expect(preview).toContainText('<img src=x onerror="document.title=1">');
	await expect(preview.locator('img')).toHaveCount(0);
	await expect(preview.locator('a[href^="javascript"]')).toHaveCount(0);
	await expect(page.getByText('(preview, not saved)')).toBeVisible();

	// markup it cannot render safely: the message, in the preview, at once without a save
	await editor.fill('>'.repeat(40) + ' deep');
	await expect(page.getByText(/nesting deeper than 10 levels/)).toBeVisible();

	// nothing was saved
	await page.reload();
	await expect(page.getByLabel('Guidelines (Markdown)')).toHaveValue(saved);
	await expect(page.getByRole('region', { name: /As evaluators will see them/ })).toContainText('Pick the image that is');
});
