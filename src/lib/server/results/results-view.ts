// Everything the results page derives from votes (leaderboard with its bootstrap, pair matrices,
// rating history, votes per day, left-side rate), computed once per change of the campaign's votes
// for every viewer: open results pages reload when the vote count moves, all at about the same
// time, and each reload used to run the bootstrap and the history refits again.
import type { Kysely } from 'kysely';
import type { Campaign, Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { VotesCache } from '../votes-cache.ts';
import { campaignLeaderboard, NoRankingError, type CampaignLeaderboard, type LeaderboardQuery } from './leaderboard.ts';
import { selectionCounts, type SelectionCounts } from './selection-counts.ts';
import type { NoFiniteMleDetails, RankingErrorCode } from '../../ranking/errors.ts';
import { leftSideRate, pairMatrices, ratingHistory, votesPerDay } from './chart-data.ts';

export interface ResultsView {
	board: CampaignLeaderboard | null;
	/** why there is no leaderboard for this selection (no finite estimate, no votes) */
	problem: string | null;
	/** what the ranking engine found when there is no ranking (which systems never won, never lost, …) */
	problemDetail: { code: RankingErrorCode; systems: string[]; details: NoFiniteMleDetails | null } | null;
	/** votes in the selection, per criterion and per evaluator */
	counts: SelectionCounts;
	matrices: Awaited<ReturnType<typeof pairMatrices>> | null;
	history: Awaited<ReturnType<typeof ratingHistory>>;
	perDay: Awaited<ReturnType<typeof votesPerDay>>;
	leftRate: Awaited<ReturnType<typeof leftSideRate>>;
	computed_at: string;
	/**
	 * Which computation of this process produced these numbers (1, 2, …): viewers served by the same
	 * one see the same number. The page carries it so that this can be checked from outside.
	 */
	computation: number;
}

const views = new VotesCache<ResultsView>(50);
let computations = 0;

/** The results page's numbers for a query whose flagged evaluators are resolved (resolveFlagged). */
/** `who` (a user id) is charged for the bootstrap when this request is the one that computes. */
export function resultsView(db: Kysely<Database>, campaign: Campaign, query: LeaderboardQuery, who?: string): Promise<ResultsView> {
	return views.get(db, campaign.id, JSON.stringify(query), () => computeView(db, campaign, query, who));
}

async function computeView(db: Kysely<Database>, campaign: Campaign, query: LeaderboardQuery, who?: string): Promise<ResultsView> {
	const computation = ++computations;
	let board: CampaignLeaderboard | null = null;
	let problem: string | null = null;
	let problemDetail: ResultsView['problemDetail'] = null;
	try {
		board = await campaignLeaderboard(db, campaign, query, { who });
	} catch (e) {
		// "no ranking for this selection" is a result to show (and keep); "busy, try again" is not
		if (!(e instanceof AppError) || e.status === 429 || e.status === 503) throw e;
		problem = e.message;
		if (e instanceof NoRankingError) problemDetail = e.ranking;
	}
	const [perDay, leftRate, counts] = await Promise.all([
		votesPerDay(db, campaign, query),
		leftSideRate(db, campaign, query),
		selectionCounts(db, campaign, query)
	]);
	return {
		board,
		problem,
		problemDetail,
		counts,
		matrices: board ? await pairMatrices(db, campaign, board, query) : null,
		history: board ? await ratingHistory(db, campaign, query) : [],
		perDay,
		leftRate,
		computed_at: new Date().toISOString(),
		computation
	};
}
