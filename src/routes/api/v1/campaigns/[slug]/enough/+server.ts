import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { requireApiCampaign } from '$lib/server/auth/guards';
import { apiRoute } from '$lib/server/http/api-route';
import { campaignLeaderboard, parseLeaderboardQuery } from '$lib/server/results/leaderboard';
import { campaignEnough } from '$lib/server/results/enough';
import { AppError } from '$lib/server/errors';

/**
 * "Enough votes?" (EnoughVotes, lib/ranking/enough.ts) for the leaderboard of the same query
 * (?criterion=&ties=&bootstrap=&seed=&from=&to=&…): adjacent pairs, separability, votes and hours still
 * needed, and the lead's target.
 */
export const GET: RequestHandler = apiRoute(async (event) => {
	const { db, campaign, user } = await requireApiCampaign(event, event.params.slug, 'results');
	const query = parseLeaderboardQuery(event.url.searchParams);
	if (query.bootstrap === 0) throw new AppError(400, 'invalid', 'enough votes needs intervals: bootstrap must be at least 1', 'bootstrap');
	const board = await campaignLeaderboard(db.kysely, campaign, query, { who: user.id });
	const enough = await campaignEnough(db.kysely, campaign, board);
	return json(
		{ criterion: board.criterion, filtered: board.filtered, computed_at: board.computed_at, ...enough },
		{ headers: { 'cache-control': 'no-store' } }
	);
});
