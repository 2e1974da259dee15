// Counts that tell a reader of the results what a selection holds: how many of its votes answered
// each criterion (a criterion tab ranks only those), and how many votes each evaluator has in it
// (shown beside each name in the evaluator filters). Same vote rule as the rankings (vote-filters.ts).
import type { Kysely } from 'kysely';
import type { Campaign, Database } from '../db/schema.ts';
import { hasFilters, type LeaderboardQuery } from './leaderboard.ts';
import { rankedVotes } from './vote-filters.ts';

export interface SelectionCounts {
	/** votes the overall ranking of this selection counts */
	votes: number;
	/** criterion key → votes of this selection that answered it */
	rated: Record<string, number>;
	/**
	 * evaluator (user id) → votes under this selection's other filters, ignoring the evaluator
	 * filters themselves (so that a left-out evaluator still shows what including them would add)
	 */
	byEvaluator: Record<string, number>;
}

export async function selectionCounts(db: Kysely<Database>, campaign: Campaign, q: LeaderboardQuery): Promise<SelectionCounts> {
	const [perCriterion, evaluators] = await Promise.all([
		hasFilters(q) ? filteredPerCriterion(db, campaign, q) : pairStatPerCriterion(db, campaign),
		db
			.selectFrom('vote')
			.select(['vote.user_id', (eb) => eb.fn.countAll<number>().as('n')])
			.where((eb) => rankedVotes(eb, campaign.id, { ...q, evaluators: [], excludeEvaluators: [] }))
			.groupBy('vote.user_id')
			.execute()
	]);
	const { overall = 0, ...rated } = perCriterion;
	return { votes: overall, rated, byEvaluator: Object.fromEntries(evaluators.map((r) => [r.user_id, Number(r.n)])) };
}

/** Without filters the pair statistics already hold every count (no scan of the votes). */
async function pairStatPerCriterion(db: Kysely<Database>, campaign: Campaign): Promise<Record<string, number>> {
	const rows = await db
		.selectFrom('pair_stat')
		.select([
			'criterion',
			(eb) => eb.fn.sum<number>(eb(eb(eb('a_wins', '+', eb.ref('b_wins')), '+', eb.ref('ties')), '+', eb.ref('both_bad'))).as('n')
		])
		.where('campaign_id', '=', campaign.id)
		.groupBy('criterion')
		.execute();
	return Object.fromEntries(rows.map((r) => [r.criterion, Number(r.n ?? 0)]));
}

async function filteredPerCriterion(db: Kysely<Database>, campaign: Campaign, q: LeaderboardQuery): Promise<Record<string, number>> {
	const [total, rated] = await Promise.all([
		db
			.selectFrom('vote')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.where((eb) => rankedVotes(eb, campaign.id, q))
			.executeTakeFirst(),
		db
			.selectFrom('vote')
			.innerJoin('vote_criterion', 'vote_criterion.vote_id', 'vote.id')
			.innerJoin('criterion', 'criterion.id', 'vote_criterion.criterion_id')
			.select(['criterion.key', (eb) => eb.fn.countAll<number>().as('n')])
			.where((eb) => rankedVotes(eb, campaign.id, q))
			.groupBy('criterion.key')
			.execute()
	]);
	return { ...Object.fromEntries(rated.map((r) => [r.key, Number(r.n)])), overall: Number(total?.n ?? 0) };
}
