// Region marks, missing prompt elements and reason tags in Chromium, on a campaign of its own (made
// with the real CLI in the e2e server's data folder): the lead sets reason tags on the manage page;
// an evaluator marks a box on the left image with the mouse and a point on the right image with the
// keyboard only, toggles a missing element and a tag, votes; the database holds exactly that. And
// the voting page fits a laptop and a desktop screen without scrolling.
import { expect, test, type Page } from '@playwright/test';
import Database from 'better-sqlite3';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { pickwise } from '../helpers/cli.ts';
import { csvRow, parseCsv } from '../../src/lib/csv.ts';
import { signIn } from '../helpers/sign-in.ts';
import { promptElements } from '../../src/lib/marks.ts';

const DATA_DIR = resolve('test-results/e2e-data');
const SLUG = `marks-${Date.now().toString(36)}`;
const EVALUATOR = { email: 'evaluator@pickwise.test', password: 'pickwise-evaluator' };
const LEAD = { email: 'lead@pickwise.test', password: 'pickwise-lead' };

function cli(args: string[]) {
	const result = pickwise(DATA_DIR, args);
	if (result.code !== 0) throw new Error(`pickwise ${args.join(' ')}: ${result.stderr}`);
}

test.beforeAll(() => {
	const rows = parseCsv(readFileSync('demo/agiqa/manifest.csv', 'utf8'))
		.slice(1)
		.map((r) => r.fields);
	const systems = ['AttnGAN_normal', 'DALLE2_normal', 'xl2.2_normal'];
	const prompts = [...new Set(rows.map((r) => r[5]))].slice(0, 4);
	const set = mkdtempSync(join(tmpdir(), 'pickwise-marks-'));
	const lines = [csvRow(['image_path', 'prompt', 'system', 'prompt_id'])];
	for (const r of rows.filter((r) => systems.includes(r[4]) && prompts.includes(r[5]))) {
		const file = r[0].replaceAll('/', '_');
		copyFileSync(join('demo/agiqa', r[0]), join(set, file));
		lines.push(csvRow([file, r[1], r[4], r[5]]));
	}
	writeFileSync(join(set, 'manifest.csv'), lines.join(''));
	cli(['campaign', 'create', '--slug', SLUG, '--name', 'Marks']);
	cli(['import', 'images', '--campaign', SLUG, '--manifest', join(set, 'manifest.csv')]);
	cli(['campaign', 'add-member', '--slug', SLUG, '--email', EVALUATOR.email, '--role', 'evaluator']);
	cli(['campaign', 'add-member', '--slug', SLUG, '--email', LEAD.email, '--role', 'lead']);
});

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
