// An exported chart says what it shows: its title and a caption line (context and export time).
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';

test('a chart downloaded as SVG carries its title and a caption line', async ({ page }) => {
	await page.goto('/login');
	await page.getByLabel('Email').fill('researcher@pickwise.test');
	await page.getByLabel('Password').fill('pickwise-researcher');
	await page.keyboard.press('Enter');
	await expect(page.getByRole('heading', { name: 'Your campaigns' })).toBeVisible();
	await page.goto('/c/agiqa-demo/results');
	const figure = page.getByRole('figure', { name: 'Ratings with 95% intervals' });
	// a click before hydration does nothing: retry until the download starts
	let svg = '';
	await expect(async () => {
		const [download] = await Promise.all([
			page.waitForEvent('download', { timeout: 2_000 }),
			figure.getByRole('button', { name: 'Download SVG' }).click()
		]);
		svg = readFileSync((await download.path())!, 'utf8');
	}).toPass({ timeout: 20_000 });
	expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
	expect(svg).toContain('>Ratings with 95% intervals</text>');
	expect(svg).toMatch(/>(?:.+ · )?exported \d{4}-\d\d-\d\d \d\d:\d\d UTC from pickwise<\/text>/);
});
