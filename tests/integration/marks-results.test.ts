// Marks for leads and researchers through the real server: votes with region marks, missed prompt
// elements and reason tags cast through the vote API; the audit queue filters by them and draws them,
// the exports carry them (and `pickwise rank` still reads the battles export), the mark rates and
// heatmaps answer from them, and the quality report flags an evaluator who never marks what the
// others mark, and one who marks the same region on every image.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMigratedDatabase, type Db } from '../../src/lib/server/db/index.ts';
import { api, seedCampaign, type SeededCampaign, openForVoting } from '../helpers/campaign.ts';
import { Browserless, startServer, type RunningServer } from '../helpers/server.ts';
import { act } from '../helpers/actions.ts';
import { pickwise } from '../helpers/cli.ts';
import { createUser } from '../../src/lib/server/auth/users.ts';
import { addMember } from '../../src/lib/server/campaigns/campaigns.ts';
import { createSession } from '../../src/lib/server/auth/session.ts';
import { parseCsv } from '../../src/lib/csv.ts';

const SLUG = 'mr';
let root: string;
let db: Db;
let server: RunningServer;
let seeded: SeededCampaign;
let lead: Browserless;
let researcher: string;

type Cast = { voteId: string; evaluator: number; tagged: boolean; missed: boolean };
const cast: Cast[] = [];
// evaluator 0 stamps a box in the top-left corner of both images every time; evaluator 1 marks a point
// somewhere else each time (never the top-left cell), tags every third vote and says the right image
// misses "number" every other vote; evaluator 2 never marks anything
const STAMP = { kind: 'artifacts', x: 0.02, y: 0.02, w: 0.05, h: 0.05 };
function annotations(evaluator: number, i: number) {
	if (evaluator === 0)
		return {
			marks: [
				{ side: 'left', ...STAMP },
				{ side: 'right', ...STAMP }
			],
			tagged: false,
			missed: false
		};
	if (evaluator === 2) return { marks: [], tagged: false, missed: false };
	const at = (k: number) => ({ x: (1 + (k % 7)) / 8 + 0.03, y: (1 + ((k * 3) % 7)) / 8 + 0.03 });
	return {
		marks: [
			{ side: 'left', kind: 'artifacts', ...at(i) },
			{ side: 'right', kind: 'artifacts', ...at(i + 3) }
		],
		tagged: i % 3 === 0,
		missed: i % 2 === 0
	};
}

async function voteAll(evaluator: number) {
	const e = seeded.evaluators[evaluator];
	for (let i = 0; i < 24; i++) {
		const next = await api(server.url, e.cookie, `/api/v1/campaigns/${SLUG}/next`);
		if (next.status !== 200 || !next.body?.assignment) break;
		const a = annotations(evaluator, i);
		const voteId = crypto.randomUUID();
		const r = await api(server.url, e.cookie, `/api/v1/campaigns/${SLUG}/votes`, {
			vote_id: voteId,
			assignment_id: next.body.assignment.id,
			choice: i % 2 ? 'left' : 'right',
			rationale: `Vote ${i} of evaluator ${evaluator}.`,
			marks: a.marks,
			missing: a.missed ? { right: ['number'] } : {},
			tags: a.tagged ? ['sharper'] : []
		});
		expect(r.status, JSON.stringify(r.body)).toBe(201);
		cast.push({ voteId, evaluator, tagged: a.tagged, missed: a.missed });
	}
}

const page = async (path: string) => {
	const response = await lead.fetch(path);
	expect(response.status).toBe(200);
	return response.text();
};
const rowIds = (html: string) => [...html.matchAll(/data-vote="([^"]+)"/g)].map((m) => m[1]).sort();

beforeAll(async () => {
	root = mkdtempSync(join(tmpdir(), 'pickwise-marks-results-'));
	db = await openMigratedDatabase(`sqlite:${join(root, 'pickwise.db')}`);
	seeded = await seedCampaign(db.kysely, root, { slug: SLUG, systems: 3, prompts: 8, evaluators: 3 });
	// no gold pairs or hidden repeats: every vote counts in the rates
	await openForVoting(db.kysely, SLUG);
	const leadUser = await createUser(db.kysely, { email: `lead@${SLUG}.test`, password: 'lead-password-long' });
	await addMember(db.kysely, { slug: SLUG, email: `lead@${SLUG}.test`, role: 'lead' });
	const researcherUser = await createUser(db.kysely, { email: `rae@${SLUG}.test`, password: 'researcher-password' });
	await addMember(db.kysely, { slug: SLUG, email: `rae@${SLUG}.test`, role: 'researcher' });
	researcher = `pickwise_session=${(await createSession(db.kysely, researcherUser.id)).token}`;
	server = await startServer(root);
	lead = new Browserless(server.url);
	lead.cookie = `pickwise_session=${(await createSession(db.kysely, leadUser.id)).token}`;
	const tags = await act(lead, `/c/${SLUG}/manage?/reasonTags`, { reason_tags: 'sharper: Sharper\n', prompt_phrases: '', tags_count: '' });
	expect(tags.type).toBe('success');
	for (const e of [0, 1, 2]) await voteAll(e);
	expect(cast.length).toBe(72);
}, 120_000);

afterAll(async () => {
	await server?.stop();
	await db?.close();
	rmSync(root, { recursive: true, force: true });
});

describe('audit queue with marks', () => {
	it('filters by reason tag, missed element and mark kind', async () => {
		const ids = (f: (c: Cast) => boolean) =>
			cast
				.filter(f)
				.map((c) => c.voteId)
				.sort();
		expect(rowIds(await page(`/c/${SLUG}/audit?tag=sharper`))).toEqual(ids((c) => c.tagged));
		expect(rowIds(await page(`/c/${SLUG}/audit?missed=number`))).toEqual(ids((c) => c.missed));
		const quiet = seeded.evaluators[2].id;
		expect(rowIds(await page(`/c/${SLUG}/audit?mark=artifacts&evaluator=${quiet}`))).toEqual([]);
		expect(rowIds(await page(`/c/${SLUG}/audit?mark=artifacts&evaluator=${seeded.evaluators[0].id}`))).toEqual(
			ids((c) => c.evaluator === 0)
		);
		expect(rowIds(await page(`/c/${SLUG}/audit?mark=watermark`))).toEqual([]);
		// combined with another filter, and the filter options list what occurs
		const both = await page(`/c/${SLUG}/audit?tag=sharper&missed=number`);
		expect(rowIds(both)).toEqual(ids((c) => c.tagged && c.missed));
		expect(both).toContain('<option value="number" selected');
	});

	it('draws the marks of each vote with their kinds, missed elements and tags as text', async () => {
		const stamped = cast.find((c) => c.evaluator === 0)!;
		const html = await page(`/c/${SLUG}/audit?vote=${stamped.voteId}`);
		expect(rowIds(html)).toEqual([stamped.voteId]);
		expect(html.match(/data-marks="1"/g)).toHaveLength(2);
		expect(html).toContain('aria-label="Left image marks"');
		expect(html).toMatch(/Artifacts <span class="where[^"]*">box 2%–7% across, 2%–7% down<\/span>/);
		const both = cast.find((c) => c.evaluator === 1 && c.tagged && c.missed)!;
		const html2 = await page(`/c/${SLUG}/audit?vote=${both.voteId}`);
		expect(html2).toMatch(/misses: number/);
		expect(html2).toMatch(/aria-label="Reason tags"[^>]*>(?:\s|<!--[^>]*-->)*<li[^>]*>Sharper<\/li>/);
		expect(html2).toMatch(/point at \d+% across/);
	});
});

describe('exports with marks', () => {
	it('carry marks (kind and box), missed elements and tags in JSONL, CSV and battles; `pickwise rank` still reads battles', async () => {
		const get = async (format: string) => {
			const r = await fetch(`${server.url}/api/v1/campaigns/${SLUG}/votes?format=${format}`, { headers: { cookie: researcher } });
			expect(r.status).toBe(200);
			return r.text();
		};
		const records = (await get('jsonl'))
			.trim()
			.split('\n')
			.map((l) => JSON.parse(l));
		expect(records).toHaveLength(72);
		const byId = new Map(records.map((r) => [r.vote_id, r]));
		const stamped = byId.get(cast.find((c) => c.evaluator === 0)!.voteId);
		expect(stamped.marks_left).toEqual([STAMP]);
		expect(stamped.marks_right).toEqual([STAMP]);
		expect(stamped.tags).toEqual([]);
		const tagged = byId.get(cast.find((c) => c.evaluator === 1 && c.tagged && c.missed)!.voteId);
		expect(tagged.tags).toEqual(['sharper']);
		expect(tagged.missing_right).toEqual(['number']);
		expect(tagged.missing_left).toEqual([]);
		expect(tagged.marks_left).toEqual([{ kind: 'artifacts', x: expect.any(Number), y: expect.any(Number), w: 0, h: 0 }]);
		const quiet = byId.get(cast.find((c) => c.evaluator === 2)!.voteId);
		expect(quiet.marks_left).toEqual([]);

		const csv = parseCsv(await get('csv'));
		const header = csv[0].fields;
		for (const c of ['marks_left', 'marks_right', 'missing_left', 'missing_right', 'tags']) expect(header).toContain(c);
		const row = csv.find((r) => r.fields[0] === tagged.vote_id)!.fields;
		expect(JSON.parse(row[header.indexOf('marks_left')])).toEqual(tagged.marks_left);
		expect(row[header.indexOf('missing_right')]).toBe('number');
		expect(row[header.indexOf('tags')]).toBe('sharper');

		const battlesText = await get('battles');
		const battles = parseCsv(battlesText);
		const bh = battles[0].fields;
		const brow = battles.find((r) => r.fields[bh.indexOf('vote_id')] === stamped.vote_id)!.fields;
		expect(JSON.parse(brow[bh.indexOf('marks')])).toEqual({ left: [STAMP], right: [STAMP] });
		expect(JSON.parse(brow[bh.indexOf('missing')])).toEqual({ left: [], right: [] });
		expect(JSON.parse(brow[bh.indexOf('tags')])).toEqual([]);
		const file = join(root, 'battles.csv');
		writeFileSync(file, battlesText);
		const ranked = pickwise(root, ['rank', file, '--bootstrap', '0']);
		expect(ranked.code, ranked.stderr).toBe(0);
		expect(JSON.parse(ranked.stdout).votes).toBe(72);
	});
});

describe('mark rates and heatmaps', () => {
	it('gives each system its share of appearances marked, with an interval, and counts the stamps in the top-left cell', async () => {
		const r = await api(server.url, researcher, `/api/v1/campaigns/${SLUG}/marks`);
		expect(r.status).toBe(200);
		const records = (
			await (await fetch(`${server.url}/api/v1/campaigns/${SLUG}/votes?format=jsonl`, { headers: { cookie: researcher } })).text()
		)
			.trim()
			.split('\n')
			.map((l) => JSON.parse(l));
		const evaluatorOf = new Map(cast.map((c) => [c.voteId, c.evaluator]));
		expect(r.body.votes).toBe(72);
		for (const system of r.body.systems as string[]) {
			// appearances of the system per evaluator
			const n = [0, 0, 0];
			for (const v of records) for (const s of [v.left_system, v.right_system]) if (s === system) n[evaluatorOf.get(v.vote_id)!]++;
			const rate = r.body.rates.find((x: { system: string; kind: string }) => x.system === system && x.kind === 'artifacts');
			expect(rate.appearances).toBe(n[0] + n[1] + n[2]);
			expect(rate.marked).toBe(n[0] + n[1]);
			expect(rate.rate).toBeCloseTo((n[0] + n[1]) / (n[0] + n[1] + n[2]), 10);
			expect(rate.low).toBeLessThan(rate.rate);
			expect(rate.high).toBeGreaterThan(rate.rate);
			const heat = r.body.heatmaps.find((h: { system: string; kind: string | null }) => h.system === system && h.kind === null);
			expect(heat.counts[0][0]).toBe(n[0]);
			expect(heat.marks).toBe(n[0] + n[1]);
		}
		// the rates as CSV
		const csv = await fetch(`${server.url}/api/v1/campaigns/${SLUG}/marks?format=csv`, { headers: { cookie: researcher } });
		expect(parseCsv(await csv.text())[0].fields).toEqual([
			'system',
			'kind',
			'appearances',
			'marked',
			'rate',
			'low95',
			'high95',
			'total',
			'per_appearance'
		]);
		// the researcher's page shows them; an evaluator of the blind campaign gets nothing
		const html = await (await fetch(`${server.url}/c/${SLUG}/results/marks?heat=artifacts`, { headers: { cookie: researcher } })).text();
		expect(html).toContain('Where marks fall');
		expect((await api(server.url, seeded.evaluators[0].cookie, `/api/v1/campaigns/${SLUG}/marks`)).status).toBe(403);
	});
});

describe('quality signals from marks', () => {
	it('flags the evaluator who never marks and the one who marks the same region, with the reason', async () => {
		const r = await api(server.url, lead.cookie, `/api/v1/campaigns/${SLUG}/evaluators?wait=30`);
		expect(r.status).toBe(200);
		const codes = (i: number) =>
			(r.body.evaluators.find((e: { user_id: string }) => e.user_id === seeded.evaluators[i].id)?.reasons ?? []).map(
				(x: { code: string }) => x.code
			);
		expect(codes(0)).toContain('same_region');
		expect(codes(2)).toContain('never_marks');
		expect(codes(1)).not.toContain('same_region');
		expect(codes(1)).not.toContain('never_marks');
		const quiet = r.body.evaluators.find((e: { user_id: string }) => e.user_id === seeded.evaluators[2].id);
		expect(quiet.flagged).toBe(true);
		expect(quiet.reasons.find((x: { code: string }) => x.code === 'never_marks').message).toMatch(/never marks anything/);
	});
});
