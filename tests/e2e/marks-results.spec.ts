// Marks from the vote to the lead and the researcher: an evaluator's vote with a box, a point and a
// missed prompt element goes in through the vote API; the lead sees the marks drawn in the audit
// queue; the researcher's heatmap table shows the box in the right cell; the export carries it; axe
// finds no serious or critical violation on the audit and marks pages.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { signIn } from '../helpers/sign-in.ts';
import { promptElements } from '../../src/lib/marks.ts';

const SLUG = 'agiqa-demo';
// centre (0.7, 0.2): column floor(0.7 × 8) + 1 = 6, row floor(0.2 × 8) + 1 = 2 of the 8 × 8 grid
const BOX = { side: 'left', kind: 'artifacts', x: 0.6, y: 0.1, w: 0.2, h: 0.2 };
const POINT = { side: 'right', kind: 'watermark', x: 0.25, y: 0.9 };

type Heatmap = { system: string; kind: string | null; counts: number[][] };

async function heatCell(page: Page, system: string | null): Promise<Map<string, number>> {
	const r = await page.request.get(`/api/v1/campaigns/${SLUG}/marks`);
	expect(r.status()).toBe(200);
	const body = (await r.json()) as { heatmaps: Heatmap[] };
	return new Map(
		body.heatmaps.filter((h) => h.kind === 'artifacts' && (!system || h.system === system)).map((h) => [h.system, h.counts[1][5]])
	);
}

async function noSeriousViolations(page: Page) {
	const { violations } = await new AxeBuilder({ page }).analyze();
	const blocking = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
	expect(blocking.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`)).toEqual([]);
}

test('a vote with marks reaches the audit queue, the heatmap table and the export', async ({ page, browser }) => {
	test.setTimeout(120_000);
	// the researcher's view before the vote: the cell may already hold marks of other tests
	const researcher = await (await browser.newContext()).newPage();
	await signIn(researcher, 'researcher@pickwise.test', 'pickwise-researcher');
	const before = await heatCell(researcher, null);

	// the evaluator votes through the API until one vote is a normal (ranked) one: hidden gold pairs
	// and repeats measure the evaluator and stay out of results
	await signIn(page, 'evaluator@pickwise.test', 'pickwise-evaluator');
	const origin = new URL(page.url()).origin;
	let voteId = '';
	let record: Record<string, unknown> | undefined;
	let element = '';
	for (let attempt = 0; attempt < 6 && !record; attempt++) {
		const next = await page.request.get(`/api/v1/campaigns/${SLUG}/next`, { headers: { origin } });
		expect(next.status()).toBe(200);
		const { assignment } = (await next.json()) as { assignment: { id: string; prompt: string } };
		element = promptElements(assignment.prompt, [])[0];
		voteId = crypto.randomUUID();
		const posted = await page.request.post(`/api/v1/campaigns/${SLUG}/votes`, {
			headers: { origin, 'content-type': 'application/json' },
			data: {
				vote_id: voteId,
				assignment_id: assignment.id,
				choice: 'right',
				rationale: 'The left image has a smeared artifact near the top right and the right one a watermark at the bottom.',
				marks: [BOX, POINT],
				missing: { left: [element] },
				tags: []
			}
		});
		expect(posted.status(), await posted.text()).toBe(201);
		const jsonl = await researcher.request.get(`/api/v1/campaigns/${SLUG}/votes?format=jsonl`);
		record = (await jsonl.text())
			.trim()
			.split('\n')
			.map((l) => JSON.parse(l))
			.find((r) => r.vote_id === voteId);
	}
	expect(record, 'a normal vote within six tries').toBeTruthy();
	// the export carries the marks (kind and box) and the missed element
	expect(record!.marks_left).toEqual([{ kind: 'artifacts', x: 0.6, y: 0.1, w: 0.2, h: 0.2 }]);
	expect(record!.marks_right).toEqual([{ kind: 'watermark', x: 0.25, y: 0.9, w: 0, h: 0 }]);
	expect(record!.missing_left).toEqual([element]);
	const system = record!.left_system as string;

	// the lead sees both marks drawn, numbered, with their kinds and where they are as text
	const lead = await (await browser.newContext()).newPage();
	await signIn(lead, 'lead@pickwise.test', 'pickwise-lead');
	await lead.goto(`/c/${SLUG}/audit?vote=${voteId}`);
	const row = lead.locator(`[data-vote="${voteId}"]`);
	await expect(row.locator('svg.overlay rect[data-mark="1"]')).toBeVisible();
	await expect(row.locator('svg.overlay g[data-mark="1"]')).toHaveCount(1);
	const left = row.getByRole('list', { name: 'Left image marks' });
	await expect(left.getByRole('listitem')).toHaveText(['Artifacts box 60%–80% across, 10%–30% down']);
	await expect(row.getByRole('list', { name: 'Right image marks' }).getByRole('listitem')).toHaveText([
		'Watermark point at 25% across, 90% down'
	]);
	await expect(row.getByText(`misses: ${element}`)).toBeVisible();
	// the box is drawn where it is: its outline spans 60–80% of the image's width
	const img = await row.getByRole('img', { name: 'Left image' }).boundingBox();
	const rect = await row.locator('svg.overlay rect[data-mark="1"]').boundingBox();
	expect(Math.abs(rect!.x - (img!.x + 0.6 * img!.width))).toBeLessThan(3);
	expect(Math.abs(rect!.width - 0.2 * img!.width)).toBeLessThan(3);
	// the filter by mark kind finds it
	await lead.goto(`/c/${SLUG}/audit?mark=watermark&evaluator=&sort=newest`);
	await expect(lead.locator(`[data-vote="${voteId}"]`)).toBeVisible();
	await noSeriousViolations(lead);

	// the researcher's heatmap table: one more mark in row 2, column 6 of that system's artifacts
	const expected = (before.get(system) ?? 0) + 1;
	expect((await heatCell(researcher, system)).get(system)).toBe(expected);
	await researcher.goto(`/c/${SLUG}/results`);
	await researcher.getByRole('link', { name: 'Region marks and missed elements per system' }).click();
	await expect(researcher.getByRole('heading', { level: 1, name: /Region marks and missed elements/ })).toBeVisible();
	await researcher.getByLabel('Heatmap of system').selectOption(system);
	await researcher.getByLabel('Mark kind').selectOption('artifacts');
	await researcher.getByRole('button', { name: 'Show' }).click();
	const figure = researcher.getByRole('figure', { name: new RegExp(`Where marks fall: ${system}, Artifacts`) });
	await expect(figure).toBeVisible();
	await expect(async () => {
		await figure.getByRole('button', { name: 'Table' }).click();
		await expect(figure.getByRole('table')).toBeVisible({ timeout: 1000 });
	}).toPass({ timeout: 15_000 });
	const table = figure.getByRole('table');
	const headers = await table.locator('thead th').allTextContents();
	const column = headers.indexOf('Column 6');
	expect(column).toBeGreaterThan(0);
	const cellRow = table.locator('tbody tr').filter({ has: researcher.getByRole('rowheader', { name: 'Row 2', exact: true }) });
	await expect(cellRow.locator('th, td').nth(column)).toHaveText(String(expected));
	await noSeriousViolations(researcher);
	await researcher.goto(`/c/${SLUG}/results`);
	await noSeriousViolations(researcher);
});
