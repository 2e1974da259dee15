// How far a campaign has come: votes per day, battles per system pair (from pair_stat, the same
// counters the rankings read: counted, normal votes), prompts covered, evaluators active today, and
// the votes still needed until every system pair has the campaign's target number of battles.
import { sql, type Kysely } from 'kysely';
import type { Campaign, Database } from '../db/schema.ts';

const DAY = 24 * 3600 * 1000;

export interface Coverage {
	systems: number;
	pairs: number;
	target: number;
	/** pairs with at least `target` battles */
	pairsAtTarget: number;
	/** Σ over pairs of max(0, target − battles) */
	votesNeeded: number;
	/** share of the target reached, 0…1 (1 with fewer than two systems: nothing to compare) */
	share: number;
}

/** The coverage rule: every unordered pair of systems should reach `target` counted battles. */
export function coverage(systems: number, battlesPerPair: number[], target: number): Coverage {
	const pairs = (systems * (systems - 1)) / 2;
	let reached = 0;
	let pairsAtTarget = 0;
	for (const n of battlesPerPair) {
		reached += Math.min(n, target);
		if (n >= target) pairsAtTarget++;
	}
	const wanted = pairs * target;
	return { systems, pairs, target, pairsAtTarget, votesNeeded: Math.max(0, wanted - reached), share: wanted === 0 ? 1 : reached / wanted };
}

async function pairBattles(db: Kysely<Database>, campaignIds: string[]) {
	if (campaignIds.length === 0) return [];
	return db
		.selectFrom('pair_stat')
		.select(['campaign_id', 'system_a', 'system_b', sql<number>`a_wins + b_wins + ties + both_bad`.as('n')])
		.where('criterion', '=', 'overall')
		.where('campaign_id', 'in', campaignIds)
		.execute();
}

async function countBy(db: Kysely<Database>, table: 'image' | 'system' | 'vote', campaignIds: string[]) {
	const out = new Map<string, number>();
	if (campaignIds.length === 0) return out;
	const rows = await db
		.selectFrom(table)
		.select(['campaign_id', (eb) => eb.fn.countAll<number>().as('n')])
		.where('campaign_id', 'in', campaignIds)
		.groupBy('campaign_id')
		.execute();
	for (const r of rows) out.set(r.campaign_id, Number(r.n));
	return out;
}

/** The home page's numbers for many campaigns at once: a fixed number of queries, not one per campaign. */
export async function campaignSummaries(db: Kysely<Database>, campaigns: Pick<Campaign, 'id' | 'target_battles'>[], userId: string) {
	const ids = campaigns.map((c) => c.id);
	const [images, systems, votes, battles] = await Promise.all([
		countBy(db, 'image', ids),
		countBy(db, 'system', ids),
		countBy(db, 'vote', ids),
		pairBattles(db, ids)
	]);
	const mine = new Map<string, number>();
	if (ids.length) {
		const rows = await db
			.selectFrom('vote')
			.select(['campaign_id', (eb) => eb.fn.countAll<number>().as('n')])
			.where('user_id', '=', userId)
			.where('campaign_id', 'in', ids)
			.groupBy('campaign_id')
			.execute();
		for (const r of rows) mine.set(r.campaign_id, Number(r.n));
	}
	const battlesOf = new Map<string, number[]>();
	for (const b of battles) battlesOf.set(b.campaign_id, [...(battlesOf.get(b.campaign_id) ?? []), Number(b.n)]);
	return new Map(
		campaigns.map((c) => [
			c.id,
			{
				images: images.get(c.id) ?? 0,
				systems: systems.get(c.id) ?? 0,
				votes: votes.get(c.id) ?? 0,
				myVotes: mine.get(c.id) ?? 0,
				coverage: coverage(systems.get(c.id) ?? 0, battlesOf.get(c.id) ?? [], c.target_battles)
			}
		])
	);
}

/** The progress page: everything in a handful of grouped queries. */
export async function campaignProgress(db: Kysely<Database>, campaign: Campaign, now = Date.now()) {
	const systems = await db.selectFrom('system').select(['id', 'name']).where('campaign_id', '=', campaign.id).orderBy('name').execute();
	const index = new Map(systems.map((s, i) => [s.id, i]));
	const matrix: (number | null)[][] = systems.map((_, i) => systems.map((__, j) => (i === j ? null : 0)));
	const battles = await pairBattles(db, [campaign.id]);
	for (const b of battles) {
		const i = index.get(b.system_a);
		const j = index.get(b.system_b);
		if (i === undefined || j === undefined) continue;
		matrix[i][j] = Number(b.n);
		matrix[j][i] = Number(b.n);
	}
	const day = sql<number>`submitted_at / ${sql.lit(DAY)}`;
	const perDay = await db
		.selectFrom('vote')
		.select([day.as('day'), (eb) => eb.fn.countAll<number>().as('n')])
		.where('campaign_id', '=', campaign.id)
		.groupBy(day)
		.orderBy(day)
		.execute();
	const prompts = await db
		.selectFrom('prompt')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('campaign_id', '=', campaign.id)
		.executeTakeFirstOrThrow();
	const covered = await db
		.selectFrom('vote')
		.select((eb) => eb.fn.count<number>('prompt_id').distinct().as('n'))
		.where('campaign_id', '=', campaign.id)
		.where('status', '=', 'counted')
		.executeTakeFirstOrThrow();
	const startOfDay = Math.floor(now / DAY) * DAY;
	const activeToday = await db
		.selectFrom('vote')
		.select((eb) => eb.fn.count<number>('user_id').distinct().as('n'))
		.where('campaign_id', '=', campaign.id)
		.where('submitted_at', '>=', startOfDay)
		.executeTakeFirstOrThrow();
	const totals = await db
		.selectFrom('vote')
		.select([
			(eb) => eb.fn.countAll<number>().as('all'),
			sql<number>`sum(case when status = 'counted' and kind = 'normal' then 1 else 0 end)`.as('counted')
		])
		.where('campaign_id', '=', campaign.id)
		.executeTakeFirstOrThrow();
	return {
		systems: systems.map((s) => s.name),
		battles: matrix,
		perDay: perDay.map((r) => ({ label: new Date(Math.floor(Number(r.day)) * DAY).toISOString().slice(0, 10), value: Number(r.n) })),
		prompts: { total: Number(prompts.n), covered: Number(covered.n) },
		evaluatorsActiveToday: Number(activeToday.n),
		votes: { all: Number(totals.all), counted: Number(totals.counted ?? 0) },
		coverage: coverage(
			systems.length,
			battles.map((b) => Number(b.n)),
			campaign.target_battles
		)
	};
}
