// Campaign rankings through the server function and the HTTP API, checked against the independent
// reference numbers (tests/fixtures/ranking, from the Python reference implementation).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { createCampaign, requireCampaign } from '../../src/lib/server/campaigns/campaigns.ts';
import { createUser } from '../../src/lib/server/auth/users.ts';
import { submitVote } from '../../src/lib/server/voting/submit-vote.ts';
import { campaignLeaderboard, parseLeaderboardQuery } from '../../src/lib/server/results/leaderboard.ts';
import { selectionCounts } from '../../src/lib/server/results/selection-counts.ts';
import { randomId } from '../../src/lib/server/ids.ts';
import { parseCsv } from '../../src/lib/csv.ts';
import { votesChanged } from '../../src/lib/server/votes-changed.ts';
import { openDatabase } from '../../src/lib/server/db/index.ts';

const FIXTURES = 'tests/fixtures/ranking';
const reference = JSON.parse(readFileSync(join(FIXTURES, 'synthetic_20000_12.reference.json'), 'utf8'));
let db: TestDatabase;
let userIds: string[];
const DAY = 24 * 3600 * 1000;
const T0 = Date.UTC(2026, 0, 1);

/** Every battle of the fixture becomes a real vote through the vote service (pair_stat included). */
beforeAll(async () => {
	db = await createTestDatabase();
	const k = db.kysely;
	await createCampaign(k, { slug: 'ref', name: 'Reference' });
	const campaign = await requireCampaign(k, 'ref');
	userIds = [];
	for (let u = 0; u < 2; u++) userIds.push((await createUser(k, { email: `u${u}@ref.test`, password: 'password-123' })).id);
	const battles = parseCsv(readFileSync(join(FIXTURES, 'synthetic_20000_12.csv'), 'utf8'))
		.slice(1)
		.map((r) => r.fields);
	const systems = [...new Set(battles.flatMap(([a, b]) => [a, b]))];
	const promptId = randomId();
	await k.insertInto('prompt').values({ id: promptId, campaign_id: campaign.id, external_id: 'p', text: 'p', category: null }).execute();
	const imageOf = new Map<string, string>();
	for (const name of systems) {
		const systemId = randomId();
		const imageId = randomId();
		await k.insertInto('system').values({ id: systemId, campaign_id: campaign.id, name }).execute();
		await k
			.insertInto('image')
			.values({
				id: imageId,
				campaign_id: campaign.id,
				prompt_id: promptId,
				system_id: systemId,
				sha256: randomId(),
				stored_path: 'x',
				width: 1,
				height: 1,
				format: 'png',
				bytes: 1,
				created_at: 0
			})
			.execute();
		imageOf.set(name, imageId);
	}
	const choice: Record<string, 'left' | 'right' | 'tie' | 'both_bad'> = {
		model_a: 'left',
		model_b: 'right',
		tie: 'tie',
		'tie (bothbad)': 'both_bad'
	};
	const when = (i: number) => T0 + Math.floor((i / battles.length) * 10 * DAY);
	// the open leases first, in batches; then each one answered through the vote service
	const assignments = battles.map(([a, b], i) => ({
		id: randomId(),
		campaign_id: campaign.id,
		user_id: userIds[i % 2],
		left_image_id: imageOf.get(a)!,
		right_image_id: imageOf.get(b)!,
		issued_at: when(i),
		expires_at: when(i) + 600_000,
		answered_at: null,
		skipped_at: null,
		skip_reason: null
	}));
	await k.transaction().execute(async (trx) => {
		for (let i = 0; i < assignments.length; i += 500)
			await trx
				.insertInto('assignment')
				.values(assignments.slice(i, i + 500))
				.execute();
	});
	for (let i = 0; i < battles.length; i++) {
		const winner = battles[i][2];
		await submitVote(
			k,
			userIds[i % 2],
			campaign,
			{ voteId: crypto.randomUUID(), assignmentId: assignments[i].id, choice: choice[winner], rationale: 'r'.repeat(20) },
			when(i) + 1000
		);
	}
}, 600_000);
afterAll(() => db.cleanup());

const q = (s: string) => parseLeaderboardQuery(new URLSearchParams(s));

describe('campaign leaderboard', () => {
	it('matches the independent reference from pair_stat: ratings to 1e-4 Elo, intervals to ±3, ranks equal', async () => {
		const campaign = await requireCampaign(db.kysely, 'ref');
		const board = await campaignLeaderboard(db.kysely, campaign, q('bootstrap=1000&seed=0'));
		expect(board.votes).toBe(20000);
		expect(board.filtered).toBe(false);
		for (const row of board.leaderboard) {
			const ref = reference[row.system];
			expect(ref, row.system).toBeTruthy();
			expect(Math.abs(row.rating - ref.rating)).toBeLessThan(1e-4);
			expect(Math.abs(row.ci_low! - ref.ci_low)).toBeLessThan(3);
			expect(Math.abs(row.ci_high! - ref.ci_high)).toBeLessThan(3);
			expect(row.rank).toBe(ref.rank_ub);
			expect(Math.abs(row.elo! - ref.elo_online)).toBeLessThan(1e-4);
		}
		// rank spread: the worst rank the intervals allow, and the share of separated pairs
		const rows = board.leaderboard;
		let apart = 0;
		for (const row of rows) {
			const below = rows.filter((o) => o !== row && o.ci_high! < row.ci_low!).length;
			expect(row.rank_worst).toBe(rows.length - below);
			expect(row.rank_worst).toBeGreaterThanOrEqual(row.rank);
			apart += rows.filter((o) => o.ci_low! > row.ci_high!).length;
		}
		expect(board.separability).toBeCloseTo(apart / ((rows.length * (rows.length - 1)) / 2), 12);
		// robustness of each adjacent pair, best first, with their head-to-head votes
		expect(board.robustness.map((r) => [r.upper, r.lower])).toEqual(rows.slice(1).map((row, k) => [rows[k].system, row.system]));
		const top = board.robustness[0];
		const h2h = readFileSync(join(FIXTURES, 'synthetic_20000_12.csv'), 'utf8')
			.split('\n')
			.filter((l) => l.startsWith(`${top.upper},${top.lower},`) || l.startsWith(`${top.lower},${top.upper},`));
		const upperWins = h2h.filter((l) => l.endsWith(l.startsWith(top.upper) ? ',model_a' : ',model_b')).length;
		expect(top.head_to_head.upper_wins).toBe(upperWins);
		for (const r of board.robustness) {
			expect(r.exact).toBe(false);
			expect(r.reversals).toBeGreaterThan(0);
			expect(r.removals === null || r.removals >= r.reversals!).toBe(true);
		}
	});

	it('gives the same ratings from the filtered SQL aggregate when the filter keeps every vote', async () => {
		const campaign = await requireCampaign(db.kysely, 'ref');
		const all = await campaignLeaderboard(db.kysely, campaign, q('bootstrap=0'));
		const filtered = await campaignLeaderboard(db.kysely, campaign, q('bootstrap=0&from=2025-01-01'));
		expect(filtered.filtered).toBe(true);
		expect(filtered.votes).toBe(all.votes);
		for (const row of filtered.leaderboard) {
			expect(row.rating).toBeCloseTo(all.leaderboard.find((r) => r.system === row.system)!.rating, 9);
		}
	});

	it('changes the counts as the filters say', async () => {
		const campaign = await requireCampaign(db.kysely, 'ref');
		const firstHalf = await campaignLeaderboard(db.kysely, campaign, q('bootstrap=0&from=2026-01-01&to=2026-01-05'));
		const secondHalf = await campaignLeaderboard(db.kysely, campaign, q('bootstrap=0&from=2026-01-06'));
		expect(firstHalf.votes + secondHalf.votes).toBe(20000);
		expect(firstHalf.votes).toBe(10000);
		const one = await campaignLeaderboard(db.kysely, campaign, q(`bootstrap=0&evaluators=${userIds[0]}`));
		expect(one.votes).toBe(10000);
		const excluded = await campaignLeaderboard(db.kysely, campaign, q(`bootstrap=0&exclude_evaluators=${userIds[0]}`));
		expect(excluded.votes).toBe(10000);
		const noTies = await campaignLeaderboard(db.kysely, campaign, q('bootstrap=0&ties=exclude'));
		expect(noTies.ties).toBe('exclude');
	});

	it("computes once and reuses the result until the campaign's votes change", async () => {
		const campaign = await requireCampaign(db.kysely, 'ref');
		const [a, b] = await Promise.all([
			campaignLeaderboard(db.kysely, campaign, q('bootstrap=200&seed=3')),
			campaignLeaderboard(db.kysely, campaign, q('bootstrap=200&seed=3'))
		]);
		expect(b).toBe(a);
		expect(await campaignLeaderboard(db.kysely, campaign, q('bootstrap=200&seed=3'))).toBe(a);
		// a write through this process's services says so (votesChanged); here the counts are moved by hand
		await db.kysely
			.updateTable('pair_stat')
			.set((eb) => ({ a_wins: eb('a_wins', '+', 1) }))
			.where('campaign_id', '=', campaign.id)
			.execute();
		try {
			expect(await campaignLeaderboard(db.kysely, campaign, q('bootstrap=200&seed=3'))).toBe(a);
			votesChanged(campaign.id, 'history');
			const c = await campaignLeaderboard(db.kysely, campaign, q('bootstrap=200&seed=3'));
			expect(c).not.toBe(a);
			expect(c.votes).toBeGreaterThan(a.votes);
			expect(c.leaderboard.every((r) => r.elo !== null)).toBe(true);
		} finally {
			await db.kysely
				.updateTable('pair_stat')
				.set((eb) => ({ a_wins: eb('a_wins', '-', 1) }))
				.where('campaign_id', '=', campaign.id)
				.execute();
			votesChanged(campaign.id, 'history');
		}
	});

	it('sees votes another process wrote, which it was not told about', async () => {
		const campaign = await requireCampaign(db.kysely, 'ref');
		const a = await campaignLeaderboard(db.kysely, campaign, q('bootstrap=0'));
		expect(await campaignLeaderboard(db.kysely, campaign, q('bootstrap=0'))).toBe(a);
		// another connection to the same file, as the CLI has
		const other = await openDatabase(`sqlite:${db.file}`);
		try {
			await other.kysely
				.updateTable('pair_stat')
				.set((eb) => ({ a_wins: eb('a_wins', '+', 1) }))
				.where('campaign_id', '=', campaign.id)
				.execute();
			const b = await campaignLeaderboard(db.kysely, campaign, q('bootstrap=0'));
			const pairs = await db.kysely
				.selectFrom('pair_stat')
				.select('system_a')
				.where('campaign_id', '=', campaign.id)
				.where('criterion', '=', 'overall')
				.execute();
			expect(b.votes).toBe(a.votes + pairs.length);
		} finally {
			await other.kysely
				.updateTable('pair_stat')
				.set((eb) => ({ a_wins: eb('a_wins', '-', 1) }))
				.where('campaign_id', '=', campaign.id)
				.execute();
			await other.close();
		}
		expect((await campaignLeaderboard(db.kysely, campaign, q('bootstrap=0'))).votes).toBe(a.votes);
	});

	it('counts the selection’s votes per evaluator the same from pair_stat and from the votes', async () => {
		const campaign = await requireCampaign(db.kysely, 'ref');
		const plain = await selectionCounts(db.kysely, campaign, q('bootstrap=0'));
		expect(plain.votes).toBe((await campaignLeaderboard(db.kysely, campaign, q('bootstrap=0'))).votes);
		// a filter that keeps every vote counts from the votes themselves: the same numbers
		expect(await selectionCounts(db.kysely, campaign, q('bootstrap=0&from=2020-01-01'))).toEqual(plain);
		expect(Object.values(plain.byEvaluator).reduce((a, b) => a + b, 0)).toBe(plain.votes);
		// the evaluator filters narrow the votes but not the per-evaluator counts shown beside each name
		const one = await selectionCounts(db.kysely, campaign, q(`bootstrap=0&evaluators=${userIds[0]}`));
		expect(one.votes).toBe(plain.byEvaluator[userIds[0]]);
		expect(one.byEvaluator).toEqual(plain.byEvaluator);
	});

	it('names bad parameters', () => {
		expect(() => q('ties=sometimes')).toThrow(/ties must be one of half, davidson, exclude/);
		expect(() => q('bootstrap=-1')).toThrow(/bootstrap must be a whole number/);
		expect(() => q('from=yesterday')).toThrow(/from must be a date/);
		expect(() => q('from=2026-02-01&to=2026-01-01')).toThrow(/to must be after from/);
	});
});
