// Adaptive scheduling through the real vote path (bin/server.js on a real SQLite file): a lead turns
// it on in the manage form, evaluators vote concurrently, each assignment stores the P(a) it was drawn
// with and its vote copies it, and the leaderboard is the Bradley–Terry fit weighted by 1/P (every vote of a pair at the pair’s mean 1/P).
//
// The references here are independent of the app's code: P(a) is recomputed from the database with
// the formula written out below (the pair's outcome variance predicted from its systems' records
// against the other systems), and the weighted ratings come from plain (diagonally scaled) gradient
// ascent on the weighted log-likelihood of the individual votes, not from the app's Newton on counts.
// (Checked once against /work/shared/tools/ranking-reference/bt_extended.py with a weight column.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMigratedDatabase, type Db } from '../../src/lib/server/db/index.ts';
import { createUser } from '../../src/lib/server/auth/users.ts';
import { addMember } from '../../src/lib/server/campaigns/campaigns.ts';
import { createSession } from '../../src/lib/server/auth/session.ts';
import { createRng } from '../../src/lib/scheduling/index.ts';
import { parseCsv } from '../../src/lib/csv.ts';
import { api, seedCampaign, type SeededCampaign } from '../helpers/campaign.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

const SLUG = 'adaptive';
const EPSILON = 0.3;
let root: string;
let db: Db;
let server: RunningServer;
let seeded: SeededCampaign;
let lead: string;
let campaignId: string;

beforeAll(async () => {
	root = mkdtempSync(join(tmpdir(), 'pickwise-adaptive-'));
	db = await openMigratedDatabase(`sqlite:${join(root, 'pickwise.db')}`);
	seeded = await seedCampaign(db.kysely, root, { slug: SLUG, systems: 4, prompts: 24, evaluators: 8 });
	const user = await createUser(db.kysely, { email: 'lead@adaptive.test', password: 'lead-password-1' });
	await addMember(db.kysely, { slug: SLUG, email: 'lead@adaptive.test', role: 'lead' });
	lead = `pickwise_session=${(await createSession(db.kysely, user.id)).token}`;
	campaignId = (await db.kysely.selectFrom('campaign').select('id').where('slug', '=', SLUG).executeTakeFirstOrThrow()).id;
	server = await startServer(root);
}, 60_000);

afterAll(async () => {
	await server?.stop();
	await db?.close();
	rmSync(root, { recursive: true, force: true });
});

/** The manage page's settings form, posted as a browser without JavaScript posts it. */
async function saveSettings(fields: Record<string, string>) {
	const response = await fetch(`${server.url}/c/${SLUG}/manage?/settings`, {
		method: 'POST',
		headers: { cookie: lead, origin: server.url, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ status: 'active', rationale_min_chars: '0', gold_rate: '0', repeat_rate: '3', allow_tie: 'on', ...fields }),
		redirect: 'manual'
	});
	return { status: response.status, html: await response.text() };
}

/** P(a) of every system pair from the database, written out independently of lib/scheduling. */
async function expectedProbabilities(now: number): Promise<Map<string, number>> {
	const systems = (await db.kysely.selectFrom('system').select('id').where('campaign_id', '=', campaignId).execute()).map((s) => s.id);
	const stats = await db.kysely
		.selectFrom('pair_stat')
		.selectAll()
		.where('campaign_id', '=', campaignId)
		.where('criterion', '=', 'overall')
		.execute();
	const open = await db.kysely
		.selectFrom('assignment')
		.innerJoin('image as l', 'l.id', 'assignment.left_image_id')
		.innerJoin('image as r', 'r.id', 'assignment.right_image_id')
		.select(['l.system_id as a', 'r.system_id as b'])
		.where('assignment.campaign_id', '=', campaignId)
		.where('assignment.kind', '=', 'normal')
		.where('assignment.answered_at', 'is', null)
		.where('assignment.skipped_at', 'is', null)
		.where('assignment.expires_at', '>', now)
		.execute();
	const key = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);
	// each counted vote as (winner score of system x against y): 1 win, 0 loss, ½ tie or both bad
	const records = stats.flatMap((s) => [
		{ x: s.system_a, y: s.system_b, score: s.a_wins + 0.5 * (s.ties + s.both_bad), n: s.a_wins + s.b_wins + s.ties + s.both_bad },
		{ x: s.system_b, y: s.system_a, score: s.b_wins + 0.5 * (s.ties + s.both_bad), n: s.a_wins + s.b_wins + s.ties + s.both_bad }
	]);
	/** odds of the system's score over its votes against everyone but `except`, with one win and one loss added */
	const odds = (x: string, except: string) => {
		const mine = records.filter((r) => r.x === x && r.y !== except);
		const r = (mine.reduce((a, m) => a + m.score, 0) + 1) / (mine.reduce((a, m) => a + m.n, 0) + 2);
		return r / (1 - r);
	};
	const weights = new Map<string, number>();
	for (let i = 0; i < systems.length; i++) {
		for (let j = i + 1; j < systems.length; j++) {
			const k = key(systems[i], systems[j]);
			const s = stats.find((x) => key(x.system_a, x.system_b) === k);
			const m = s ? s.a_wins + s.b_wins + s.ties + s.both_bad : 0;
			// the variance predicted from the two systems' records against the others, not from this pair's votes
			const p = 1 / (1 + odds(systems[j], systems[i]) / odds(systems[i], systems[j]));
			const others = stats.filter((x) => key(x.system_a, x.system_b) !== k);
			const votes = others.reduce((a, x) => a + x.a_wins + x.b_wins + x.ties + x.both_bad, 0);
			const tieShare = votes ? others.reduce((a, x) => a + x.ties + x.both_bad, 0) / votes : 0;
			const variance = Math.max(0, p * (1 - p) - tieShare / 4);
			const sigma2 = (m * variance + 4 * 0.25) / (m + 4);
			const n = m + open.filter((o) => key(o.a, o.b) === k).length;
			weights.set(k, n === 0 ? Math.sqrt(sigma2) : Math.sqrt(sigma2 / n) - Math.sqrt(sigma2 / (n + 1)));
		}
	}
	const total = [...weights.values()].reduce((x, y) => x + y, 0);
	return new Map([...weights].map(([k, w]) => [k, (1 - EPSILON) * (w / total) + EPSILON / weights.size]));
}

/** Weighted Bradley–Terry (ties half) by gradient ascent on the votes one by one; Elo scale, mean 1000. */
function gradientAscentFit(votes: { a: string; b: string; y: number; w: number }[]): Map<string, number> {
	const names = [...new Set(votes.flatMap((v) => [v.a, v.b]))].sort();
	const index = new Map(names.map((s, i) => [s, i]));
	const theta = new Float64Array(names.length);
	// a step of 4 / (the system's total weight) per coordinate: the log-likelihood's curvature is at most ¼ per unit weight
	const totalWeight = new Float64Array(names.length);
	for (const v of votes) {
		totalWeight[index.get(v.a)!] += v.w;
		totalWeight[index.get(v.b)!] += v.w;
	}
	for (let it = 0; it < 200_000; it++) {
		const gradient = new Float64Array(names.length);
		for (const v of votes) {
			const i = index.get(v.a)!;
			const j = index.get(v.b)!;
			const r = v.w * (v.y - 1 / (1 + Math.exp(theta[j] - theta[i])));
			gradient[i] += r;
			gradient[j] -= r;
		}
		let largest = 0;
		for (let i = 0; i < names.length; i++) {
			theta[i] += (2 * gradient[i]) / totalWeight[i];
			largest = Math.max(largest, Math.abs(gradient[i]) / totalWeight[i]);
		}
		if (largest < 1e-13) break;
	}
	const mean = theta.reduce((x, y) => x + y, 0) / names.length;
	return new Map(names.map((s, i) => [s, 1000 + ((theta[i] - mean) * 400) / Math.LN10]));
}

describe('adaptive scheduling through the real vote path', () => {
	it('is chosen on the manage page; a bad ε is refused at its field', async () => {
		const bad = await saveSettings({ strategy: 'adaptive', adaptive_epsilon: '2' });
		expect(bad.status).toBe(400);
		expect(bad.html).toMatch(/id="settings-adaptive_epsilon-error"[^>]*>the exploration share ε must be a number from 0.01 to 1/);
		const unknown = await saveSettings({ strategy: 'greedy', adaptive_epsilon: '0.3' });
		expect(unknown.status).toBe(400);
		expect(unknown.html).toContain('id="settings-strategy-error"');
		const row = await db.kysely
			.selectFrom('campaign')
			.select(['strategy', 'settings'])
			.where('id', '=', campaignId)
			.executeTakeFirstOrThrow();
		expect(row.strategy).not.toBe('greedy');
		const ok = await saveSettings({ strategy: 'adaptive', adaptive_epsilon: String(EPSILON) });
		expect(ok.status).toBe(200);
		const saved = await db.kysely
			.selectFrom('campaign')
			.select(['strategy', 'settings'])
			.where('id', '=', campaignId)
			.executeTakeFirstOrThrow();
		expect(saved.strategy).toBe('adaptive');
		expect(JSON.parse(saved.settings).adaptiveEpsilon).toBe(EPSILON);
	});

	it('stores the P(a) the scheduler drew with, recomputed here from the database', async () => {
		// one evaluator at a time, each keeping the lease open: every draw sees the previous ones as pending votes
		for (const e of seeded.evaluators.slice(0, 6)) {
			const now = Date.now();
			const expected = await expectedProbabilities(now);
			const next = await api(server.url, e.cookie, `/api/v1/campaigns/${SLUG}/next`);
			expect(next.status).toBe(200);
			const row = await db.kysely
				.selectFrom('assignment')
				.innerJoin('image as l', 'l.id', 'assignment.left_image_id')
				.innerJoin('image as r', 'r.id', 'assignment.right_image_id')
				.select(['assignment.probability', 'assignment.kind', 'l.system_id as a', 'r.system_id as b'])
				.where('assignment.id', '=', next.body.assignment.id)
				.executeTakeFirstOrThrow();
			if (row.kind !== 'normal') {
				// a hidden repeat (3%) is not drawn by the strategy: no probability
				expect(row.probability).toBeNull();
				continue;
			}
			const key = row.a < row.b ? `${row.a}|${row.b}` : `${row.b}|${row.a}`;
			expect(row.probability).toBeCloseTo(expected.get(key)!, 12);
		}
	});

	it('copies P(a) to every vote of concurrent evaluators and ranks them weighted by 1/P', async () => {
		const choices = ['left', 'right', 'tie'] as const;
		await Promise.all(
			seeded.evaluators.map(async (e, k) => {
				const rng = createRng(`evaluator-${k}`);
				for (let v = 0; v < 15; v++) {
					const next = await api(server.url, e.cookie, `/api/v1/campaigns/${SLUG}/next`);
					expect(next.status).toBe(200);
					// a simulated taste: system-0 > 1 > 2 > 3 by image colour is unknown here, so a skewed coin per evaluator
					const u = rng();
					const choice = choices[u < 0.45 + 0.02 * k ? 0 : u < 0.85 ? 1 : 2];
					const vote = await api(server.url, e.cookie, `/api/v1/campaigns/${SLUG}/votes`, {
						vote_id: crypto.randomUUID(),
						assignment_id: next.body.assignment.id,
						choice,
						rationale: 'seen side by side'
					});
					expect(vote.status).toBe(201);
				}
			})
		);
		const votes = await db.kysely
			.selectFrom('vote')
			.innerJoin('assignment', 'assignment.id', 'vote.assignment_id')
			.innerJoin('system as ls', 'ls.id', 'vote.left_system_id')
			.innerJoin('system as rs', 'rs.id', 'vote.right_system_id')
			.select(['vote.probability', 'assignment.probability as leased', 'vote.kind', 'vote.choice', 'ls.name as left', 'rs.name as right'])
			.where('vote.campaign_id', '=', campaignId)
			.execute();
		// the six leases of the previous test were handed back by `next` and voted too
		expect(votes.length).toBe(8 * 15);
		const normal = votes.filter((v) => v.kind === 'normal');
		for (const v of votes) expect(v.probability).toBe(v.leased);
		for (const v of normal) expect(v.probability).toBeGreaterThan(EPSILON / 6 - 1e-12);
		// the draws were not all equally likely, or weighting would change nothing
		const ps = normal.map((v) => v.probability!);
		expect(Math.max(...ps) / Math.min(...ps)).toBeGreaterThan(1.2);

		const board = await api(server.url, lead, `/api/v1/campaigns/${SLUG}/leaderboard?bootstrap=0`);
		expect(board.status).toBe(200);
		expect(board.body.weighted).toBe(true);
		// every vote of a system pair weighs that pair's mean 1/P (its total Σ1/P; equal within the pair)
		const pairOf = (v: { left: string; right: string }) => [v.left, v.right].sort().join('|');
		const sums = new Map<string, { w: number; n: number }>();
		for (const v of normal) {
			const s = sums.get(pairOf(v)) ?? { w: 0, n: 0 };
			s.w += 1 / v.probability!;
			s.n++;
			sums.set(pairOf(v), s);
		}
		const reference = gradientAscentFit(
			normal.map((v) => ({
				a: v.left,
				b: v.right,
				y: v.choice === 'left' ? 1 : v.choice === 'right' ? 0 : 0.5,
				w: sums.get(pairOf(v))!.w / sums.get(pairOf(v))!.n
			}))
		);
		expect(board.body.leaderboard).toHaveLength(4);
		for (const entry of board.body.leaderboard) expect(entry.rating).toBeCloseTo(reference.get(entry.system)!, 6);
		// the same votes unweighted rank differently: the weights are really applied
		const plain = gradientAscentFit(
			normal.map((v) => ({ a: v.left, b: v.right, y: v.choice === 'left' ? 1 : v.choice === 'right' ? 0 : 0.5, w: 1 }))
		);
		const gap = Math.max(
			...board.body.leaderboard.map((e: { system: string; rating: number }) => Math.abs(e.rating - plain.get(e.system)!))
		);
		expect(gap).toBeGreaterThan(0.01);

		// the export carries the probability of each vote
		const csv = await fetch(`${server.url}/api/v1/campaigns/${SLUG}/votes?format=battles`, { headers: { cookie: lead } });
		// a real CSV reader: the marks, missing and tags columns hold JSON with commas in quoted cells
		const [head, ...rows] = parseCsv((await csv.text()).trim()).map((r) => r.fields);
		expect(head).toContain('probability');
		const column = head.indexOf('probability');
		const exported = rows.map((r) => Number(r[column]));
		expect(exported.sort()).toEqual(normal.map((v) => v.probability!).sort());
	}, 120_000);
});
