// Region marks, missing prompt elements and reason tags in Chromium, on a campaign of its own (made
// with the real CLI in the e2e server's data folder): the lead sets reason tags on the manage page;
// an evaluator marks a box on the left image with the mouse and a point on the right image with the
// keyboard only, toggles a missing element and a tag, votes; the database holds exactly that. In
// the compare view, zoomed in and panned, a box placed with the keyboard only reaches the export
// where it was drawn. And the voting page fits a laptop and a desktop screen without scrolling.
import { expect, test, type Page } from '@playwright/test';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { signIn } from '../helpers/sign-in.ts';
import { promptElements } from '../../src/lib/marks.ts';
import { E2E_DATA_DIR as DATA_DIR, EVALUATOR, LEAD, seedE2eCampaign } from '../helpers/e2e-campaign.ts';

const SLUG = `marks-${Date.now().toString(36)}`;

test.beforeAll(() => seedE2eCampaign({ slug: SLUG, name: 'Marks' }));

function stored() {
	const db = new Database(join(DATA_DIR, 'pickwise.db'), { readonly: true });
	try {
		const vote = db
			.prepare(
				`SELECT v.id, v.choice FROM vote v JOIN campaign ON campaign.id = v.campaign_id JOIN user ON user.id = v.user_id
				 WHERE campaign.slug = ? AND user.email = ? ORDER BY v.submitted_at DESC LIMIT 1`
			)
			.get(SLUG, EVALUATOR.email) as { id: string; choice: string } | undefined;
		if (!vote) return null;
		const q = (sql: string) => db.prepare(sql).all(vote.id);
		return {
			choice: vote.choice,
			marks: q('SELECT side, position, kind, x, y, w, h FROM vote_mark WHERE vote_id = ? ORDER BY side, position') as {
				side: string;
				position: number;
				kind: string;
				x: number;
				y: number;
				w: number;
				h: number;
			}[],
			missing: q('SELECT side, element FROM vote_missing WHERE vote_id = ?'),
			tags: q('SELECT tag FROM vote_tag WHERE vote_id = ?')
		};
	} finally {
		db.close();
	}
}

/** Presses `key` until `done` holds: a key pressed before the page has hydrated is lost. */
async function pressUntil(page: Page, key: string, done: () => Promise<void>) {
	await expect(async () => {
		await page.keyboard.press(key);
		await done();
	}).toPass({ timeout: 10_000 });
}

test('marks with the mouse and the keyboard, a missing element and a tag are stored with the vote', async ({ page }) => {
	await signIn(page, LEAD.email, LEAD.password);
	await page.goto(`/c/${SLUG}/manage`);
	await page.getByLabel(/Reason tags, one per line/).fill('sharper: Sharper\nprompt: Follows the prompt');
	await page.getByRole('button', { name: 'Save tags and phrases' }).click();
	await expect(page.getByText('Reason tags and prompt phrases saved.')).toBeVisible();
	await page.context().clearCookies();

	await signIn(page, EVALUATOR.email, EVALUATOR.password);
	await page.setViewportSize({ width: 1366, height: 768 });
	await page.goto(`/c/${SLUG}/vote`);
	const prompt = (await page.locator('#prompt q').textContent())!;

	// the mouse: a box on the left image, from 20% to 60% of the drawn image (not of its frame: bars aside)
	const left = page.locator('#image-left');
	const img = left.getByRole('img', { name: 'Left image' });
	const natural = await img.evaluate((el: HTMLImageElement) => ({ w: el.naturalWidth, h: el.naturalHeight }));
	const frame = (await left.boundingBox())!;
	const scale = Math.min(frame.width / natural.w, frame.height / natural.h);
	const ox = frame.x + (frame.width - natural.w * scale) / 2;
	const oy = frame.y + (frame.height - natural.h * scale) / 2;
	const at = (u: number, v: number) => [ox + u * natural.w * scale, oy + v * natural.h * scale] as const;
	await expect(async () => {
		await page.mouse.move(...at(0.2, 0.2));
		await page.mouse.down();
		await page.mouse.move(...at(0.4, 0.4), { steps: 4 });
		await page.mouse.move(...at(0.6, 0.6), { steps: 4 });
		await page.mouse.up();
		await expect(page.getByRole('list', { name: 'Marks on the left image' }).getByRole('listitem')).toHaveCount(1, { timeout: 500 });
	}).toPass({ timeout: 10_000 });
	// change its kind before submit
	await page.getByLabel('Kind of mark 1 on the left image (box)').selectOption({ label: 'Distorted anatomy' });

	// the keyboard only: m marks the left image, m again the right; 3 picks the third kind; two steps right; Enter
	await page.locator('#prompt').focus();
	await pressUntil(page, 'm', () => expect(page.locator('#image-left')).toBeFocused({ timeout: 500 }));
	await page.keyboard.press('m');
	await expect(page.locator('#image-right')).toBeFocused();
	await expect(page.locator('p[aria-live="polite"]').filter({ hasText: 'Marking the right image' })).toBeAttached();
	await page.keyboard.press('3');
	await page.keyboard.press('ArrowRight');
	await page.keyboard.press('ArrowRight');
	await page.keyboard.press('Enter');
	await expect(page.getByRole('list', { name: 'Marks on the right image' }).getByRole('listitem')).toHaveCount(1);
	await expect(page.locator('p[aria-live="polite"]')).toHaveText(/Point 1 placed on the right image: Text rendering/);

	// a missing element under the left image, a tag by its key, the choice and a rationale
	const element = promptElements(prompt)[0];
	await page.getByRole('group', { name: 'Missing from the left image:' }).getByText(element, { exact: true }).click();
	await page.keyboard.press('w');
	await expect(page.getByRole('checkbox', { name: /Follows the prompt/ })).toBeChecked();
	await page.keyboard.press('1');
	await page.getByLabel('Rationale').fill('The left image follows the prompt more closely.');
	await page.keyboard.press('Control+Enter');
	await expect(page.getByText('Vote saved.')).toBeVisible();

	const vote = stored()!;
	expect(vote.choice).toBe('left');
	expect(vote.marks).toHaveLength(2);
	const [box, point] = vote.marks;
	expect(box).toMatchObject({ side: 'left', position: 1, kind: 'distorted_anatomy' });
	// a pixel or two of rounding on a few hundred pixels
	for (const [got, want] of [
		[box.x, 0.2],
		[box.y, 0.2],
		[box.w, 0.4],
		[box.h, 0.4]
	])
		expect(Math.abs(got - want)).toBeLessThan(0.01);
	expect(point).toEqual({ side: 'right', position: 1, kind: 'text_rendering', x: expect.closeTo(0.54, 6), y: 0.5, w: 0, h: 0 });
	expect(vote.missing).toEqual([{ side: 'left', element }]);
	expect(vote.tags).toEqual([{ tag: 'prompt' }]);
	// the next pair starts without marks
	await expect(page.getByRole('list', { name: 'Marks on the left image' })).toHaveCount(0);
});

test('in the compare view, zoomed in and panned, a box placed with the keyboard only is stored where it was drawn', async ({
	page,
	browser
}) => {
	await page.setViewportSize({ width: 1366, height: 768 });
	await signIn(page, EVALUATOR.email, EVALUATOR.password);
	await page.goto(`/c/${SLUG}/vote`);
	const compare = page.getByRole('dialog', { name: 'Compare view' });
	await page.locator('#prompt').focus();
	await pressUntil(page, 'f', () => expect(compare).toBeVisible({ timeout: 500 }));
	const pane = compare.getByRole('region', { name: 'Left image, full resolution' });
	const image = compare.getByRole('img', { name: 'Left image' });
	await expect(image).toBeVisible();
	const fitted = (await image.boundingBox())!;

	// zoom in twice about the centre (1.25² = 1.5625 times fit), then pan: → shows more of the right
	await page.keyboard.press('+');
	await page.keyboard.press('+');
	await expect.poll(async () => (await image.boundingBox())!.width / fitted.width).toBeCloseTo(1.5625, 2);
	const before = (await image.boundingBox())!;
	await page.keyboard.press('ArrowRight');
	await expect.poll(async () => (await image.boundingBox())!.x).toBeLessThan(before.x - 30);
	const drawn = (await image.boundingBox())!;
	const box = (await pane.boundingBox())!;
	const zoom = drawn.width / fitted.width;
	// what is on screen of the image, as fractions of it: the cursor starts at its centre
	const seen = {
		x0: (Math.max(box.x, drawn.x) - drawn.x) / drawn.width,
		x1: (Math.min(box.x + box.width, drawn.x + drawn.width) - drawn.x) / drawn.width,
		y0: (Math.max(box.y, drawn.y) - drawn.y) / drawn.height,
		y1: (Math.min(box.y + box.height, drawn.y + drawn.height) - drawn.y) / drawn.height
	};
	const start = { x: (seen.x0 + seen.x1) / 2, y: (seen.y0 + seen.y1) / 2 };
	expect(start.x).toBeGreaterThan(0.55); // panned: not the image's centre

	// keyboard only: m marks the left image; 2 picks the second kind (not the choice); Shift+→ ×3 and
	// Shift+↓ ×2 grow a box 3 steps square; → ×2 moves it; a step is 0.02 of the image at fit, finer zoomed in
	await page.keyboard.press('m');
	await expect(pane).toBeFocused();
	await expect(compare.locator('[aria-live="polite"]')).toHaveText(/Marking the left image/);
	await page.keyboard.press('2');
	await expect(compare.locator('[aria-live="polite"]')).toHaveText('Kind: Distorted anatomy.');
	await expect(compare).toContainText('No choice yet');
	for (const key of [
		'Shift+ArrowRight',
		'Shift+ArrowRight',
		'Shift+ArrowRight',
		'Shift+ArrowDown',
		'Shift+ArrowDown',
		'ArrowRight',
		'ArrowRight'
	])
		await page.keyboard.press(key);
	// the picture did not pan while the arrows moved the cursor
	expect((await image.boundingBox())!.x).toBeCloseTo(drawn.x, 0);
	// the cursor as drawn, in image fractions
	const cursor = (await pane.locator('svg .cursor').boundingBox())!;
	const onScreen = {
		x: (cursor.x - drawn.x) / drawn.width,
		y: (cursor.y - drawn.y) / drawn.height,
		w: cursor.width / drawn.width,
		h: cursor.height / drawn.height
	};
	await page.keyboard.press('Enter');
	await expect(compare.locator('[aria-live="polite"]')).toHaveText('Box 1 placed on the left image: Distorted anatomy.');
	await expect(pane.locator('svg rect.mark')).toHaveCount(1);
	await expect(pane.locator('svg text.num')).toHaveText('1');

	// the view follows a cursor that leaves it: 40 steps left end on screen, the picture moved
	await page.keyboard.press('m');
	for (let i = 0; i < 40; i++) await page.keyboard.press('ArrowLeft');
	const followed = (await pane.locator('svg .cursor').boundingBox())!;
	expect(followed.x).toBeGreaterThan(box.x);
	expect((await image.boundingBox())!.x).toBeGreaterThan(drawn.x + 30);
	// Esc cancels the pending mark and the view stays open; the next Esc closes it
	await page.keyboard.press('Escape');
	await expect(compare.locator('[aria-live="polite"]')).toHaveText('Marking cancelled.');
	await expect(compare).toBeVisible();
	await page.keyboard.press('Escape');
	await expect(compare).toBeHidden();

	// the page shows the same mark; vote
	await expect(page.getByRole('list', { name: 'Marks on the left image' }).getByRole('listitem')).toHaveCount(1);
	await expect(page.getByLabel('Kind of mark 1 on the left image (box)')).toHaveValue('distorted_anatomy');
	await expect(page.locator('#image-left svg rect.mark')).toHaveCount(1);
	const rationale = `Marked in the compare view ${Date.now()}.`;
	await page.keyboard.press('1');
	await page.getByLabel('Rationale').fill(rationale);
	await page.keyboard.press('Control+Enter');
	await expect(page.getByText('Vote saved.')).toBeVisible();

	// the lead's export carries the mark where it was drawn, and where the keys put it by hand
	const lead = await browser.newPage();
	await signIn(lead, LEAD.email, LEAD.password);
	const response = await lead.request.get(`/api/v1/campaigns/${SLUG}/votes?format=jsonl`);
	expect(response.status()).toBe(200);
	const record = (await response.text())
		.trim()
		.split('\n')
		.map((line) => JSON.parse(line))
		.find((r) => r.rationale === rationale);
	await lead.close();
	expect(record.marks_right).toEqual([]);
	expect(record.marks_left).toHaveLength(1);
	const mark = record.marks_left[0];
	expect(mark.kind).toBe('distorted_anatomy');
	const step = 0.02 / zoom;
	const byHand = { x: start.x + 2 * step, y: start.y, w: 3 * step, h: 3 * step };
	// a pixel or two of rounding on a drawn image of about 1,060 px
	const tolerance = 3 / drawn.width;
	for (const k of ['x', 'y', 'w', 'h'] as const) {
		expect(Math.abs(mark[k] - byHand[k]), `${k} by hand`).toBeLessThan(tolerance);
		expect(Math.abs(mark[k] - onScreen[k]), `${k} as drawn`).toBeLessThan(tolerance);
	}
});

for (const size of [
	{ width: 1366, height: 768 },
	{ width: 1920, height: 1080 }
]) {
	test(`the voting page fits ${size.width}×${size.height} without scrolling`, async ({ page }) => {
		await page.setViewportSize(size);
		await signIn(page, EVALUATOR.email, EVALUATOR.password);
		await page.goto(`/c/${SLUG}/vote`);
		const submit = page.getByRole('button', { name: 'Submit vote' });
		await expect(submit).toBeVisible();
		await page.screenshot({ path: `test-results/vote-${size.width}x${size.height}.png` });
		expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(size.height);
		for (const target of [
			submit,
			page.locator('#prompt'),
			page.getByLabel('Rationale'),
			page.locator('#image-left'),
			page.locator('#image-right')
		]) {
			const box = (await target.boundingBox())!;
			expect(box.y).toBeGreaterThanOrEqual(0);
			expect(box.y + box.height).toBeLessThanOrEqual(size.height);
			expect(box.x + box.width).toBeLessThanOrEqual(size.width);
		}
		// the images get a real share of the screen, not a sliver
		expect((await page.locator('#image-left').boundingBox())!.height).toBeGreaterThan(size.height * 0.35);
	});
}
