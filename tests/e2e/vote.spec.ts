import { expect, test, type Page } from '@playwright/test';
import { signIn } from '../helpers/sign-in.ts';

/** The pair on screen as `left src | right src`: a next pair may share one image with the last one. */
const pairSrc = async (page: Page) => {
	const left = await page.getByRole('img', { name: 'Left image' }).first().getAttribute('src');
	const right = await page.getByRole('img', { name: 'Right image' }).first().getAttribute('src');
	return `${left} | ${right}`;
};

test('an evaluator votes with the keyboard only, and an empty rationale is refused at the field', async ({ page }) => {
	await signIn(page, 'evaluator@pickwise.test', 'pickwise-evaluator');
	await page.goto('/c/agiqa-demo/vote');
	const progress = page.getByLabel('Progress');
	// other tests may have voted as this evaluator already
	const start = Number((await progress.textContent())!.split(' ')[0]);
	const judged = (n: number) => `${start + n} / 200 judged`;
	await expect(progress).toHaveText(judged(0));
	const first = await pairSrc(page);

	// choose, then try to submit without a rationale. A key pressed before the page has hydrated is
	// lost, so press again until it takes (choosing the right image twice is the same as once).
	await expect(async () => {
		await page.keyboard.press('2');
		await expect(page.getByLabel('Right is better')).toBeChecked({ timeout: 500 });
	}).toPass({ timeout: 10_000 });
	await page.keyboard.press('Control+Enter');
	const rationale = page.getByLabel('Rationale');
	await expect(page.getByText(/Write at least 20 characters/)).toBeVisible();
	await expect(rationale).toHaveAttribute('aria-invalid', 'true');
	await expect(rationale).toHaveAttribute('aria-describedby', /rationale-error/);
	await expect(rationale).toBeFocused();
	expect(await pairSrc(page)).toBe(first);

	// the guidelines are one key away (Escape leaves the text field first)
	await page.keyboard.press('Escape');
	await expect(rationale).not.toBeFocused();
	await page.keyboard.press('g');
	await expect(page.getByRole('heading', { name: /Guidelines/ })).toBeVisible();
	await expect(page.getByText(/Pick the image that is/)).toBeVisible();
	await page.keyboard.press('Escape');
	await expect(page.getByRole('heading', { name: /Guidelines/ })).toBeHidden();

	// write the rationale and submit with Ctrl+Enter
	await page.keyboard.press('r');
	await expect(rationale).toBeFocused();
	await page.keyboard.type('The right image follows the prompt and has cleaner detail.');
	await page.keyboard.press('Control+Enter');
	await expect(progress).toHaveText(judged(1));
	await expect(page.getByRole('status')).toContainText('Vote saved.');
	await expect.poll(() => pairSrc(page)).not.toBe(first);
	await expect(rationale).toHaveValue('');

	// the keys work at once for the next pair: 1 selects left, f opens the compare view, space flips
	await page.keyboard.press('1');
	await expect(page.getByLabel('Left is better')).toBeChecked();
	await page.keyboard.press('f');
	const compare = page.getByRole('dialog', { name: 'Compare view' });
	await expect(compare).toBeVisible();
	// the dimensions, and neither a format nor a file size that could tell the generators apart
	await expect(compare).toContainText('Left · 512×512');
	await expect(compare).not.toContainText(/JPEG|PNG|WEBP|\d+ kB/i);
	await page.keyboard.press(' ');
	await expect(compare).toContainText('Flip: showing left');
	await page.keyboard.press(' ');
	await expect(compare).toContainText('Flip: showing right');
	await page.keyboard.press('Escape');
	await expect(compare).toBeHidden();

	// undo brings the last pair back
	await page.keyboard.press('u');
	await expect(page.getByRole('status')).toContainText('Vote undone');
	await expect(progress).toHaveText(judged(0));
	expect(await pairSrc(page)).toBe(first);
	await expect(page.getByLabel('Right is better')).toBeChecked();
	await page.keyboard.press('Control+Enter');
	await expect(progress).toHaveText(judged(1));
});

test('voting works without JavaScript through form actions', async ({ browser }) => {
	const context = await browser.newContext({ javaScriptEnabled: false });
	const page = await context.newPage();
	await page.goto('/login');
	await page.getByLabel('Email').fill('evaluator@pickwise.test');
	await page.getByLabel('Password').fill('pickwise-evaluator');
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.goto('/c/agiqa-demo/vote');
	const before = await page.getByLabel('Progress').textContent();
	await page.getByLabel('Left is better').check();
	await page.getByLabel('Rationale').fill('short');
	await page.getByRole('button', { name: 'Submit vote' }).click();
	await expect(page.getByText(/Write at least 20 characters/)).toBeVisible();
	await expect(page.getByLabel('Rationale')).toHaveValue('short');
	await page.getByLabel('Left is better').check();
	await page.getByLabel('Rationale').fill('The left image is the sharper of the two.');
	await page.getByRole('button', { name: 'Submit vote' }).click();
	await expect(page.getByText('Vote saved.')).toBeVisible();
	const done = (text: string | null) => Number(text?.split(' ')[0]);
	expect(done(await page.getByLabel('Progress').textContent())).toBe(done(before) + 1);
	await context.close();
});
