// Which votes a ranking, chart, Elo or export counts: one rule for all of them. Normal votes only
// (gold pairs and repeats measure evaluators), counted unless asked otherwise, then the filters.
import type { AliasedSelectQueryBuilder, Expression, ExpressionBuilder, Kysely, SqlBool } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { LeaderboardQuery } from './leaderboard.ts';

export type VoteFilters = Pick<LeaderboardQuery, 'from' | 'to' | 'evaluators' | 'excludeEvaluators' | 'includeRejected' | 'category'>;

export function rankedVotes(eb: ExpressionBuilder<Database, 'vote'>, campaignId: string, f: VoteFilters): Expression<SqlBool> {
	const conditions: Expression<SqlBool>[] = [eb('vote.campaign_id', '=', campaignId), eb('vote.kind', '=', 'normal')];
	if (!f.includeRejected) conditions.push(eb('vote.status', '=', 'counted'));
	if (f.from !== null) conditions.push(eb('vote.submitted_at', '>=', f.from));
	if (f.to !== null) conditions.push(eb('vote.submitted_at', '<', f.to));
	if (f.evaluators.length) conditions.push(eb('vote.user_id', 'in', f.evaluators));
	if (f.excludeEvaluators.length) conditions.push(eb('vote.user_id', 'not in', f.excludeEvaluators));
	if (f.category !== null) {
		const category = f.category;
		conditions.push(
			eb(
				'vote.prompt_id',
				'in',
				eb.selectFrom('prompt').select('prompt.id').where('prompt.campaign_id', '=', campaignId).where('prompt.category', '=', category)
			)
		);
	}
	return eb.and(conditions);
}

/** Keyset pagination in submission order: votes after (at, id). */
export function afterCursor(eb: ExpressionBuilder<Database, 'vote'>, cursor: { at: number; id: string }): Expression<SqlBool> {
	// the plain range first, so the (campaign_id, submitted_at) index starts at the cursor instead of
	// walking every earlier vote on each page
	return eb.and([
		eb('vote.submitted_at', '>=', cursor.at),
		eb.or([eb('vote.submitted_at', '>', cursor.at), eb.and([eb('vote.submitted_at', '=', cursor.at), eb('vote.id', '>', cursor.id)])])
	]);
}

/** One ranked vote as the rankings read it: its sides and the choice the query ranks. */
export interface RankedChoice {
	left_system_id: string;
	right_system_id: string;
	left_image_id: string;
	right_image_id: string;
	probability: number | null;
	choice: string;
}

/**
 * The ranked votes of a query as one row source `v`: the overall choice, or the answer to the query's
 * criterion (votes that did not answer it are left out). Every ranking aggregates over this, so the
 * rule for "which choice of which votes" is written once.
 */
export function rankedChoices(
	db: Kysely<Database>,
	campaignId: string,
	q: VoteFilters & { criterion: string }
): AliasedSelectQueryBuilder<RankedChoice, 'v'> {
	const columns = ['vote.left_system_id', 'vote.right_system_id', 'vote.left_image_id', 'vote.right_image_id', 'vote.probability'] as const;
	if (q.criterion === 'overall')
		return db
			.selectFrom('vote')
			.select([...columns, 'vote.choice as choice'])
			.where((eb) => rankedVotes(eb, campaignId, q))
			.as('v');
	return db
		.selectFrom('vote')
		.innerJoin('vote_criterion', 'vote_criterion.vote_id', 'vote.id')
		.innerJoin('criterion', 'criterion.id', 'vote_criterion.criterion_id')
		.where('criterion.key', '=', q.criterion)
		.select([...columns, 'vote_criterion.choice as choice'])
		.where((eb) => rankedVotes(eb, campaignId, q))
		.as('v');
}
