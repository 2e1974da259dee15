import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { apiRoute, requireApiCampaign } from '$lib/server/auth/guards';
import { campaignLeaderboard, parseLeaderboardQuery } from '$lib/server/leaderboard';

/** The §6 leaderboard: ?criterion=&ties=&bootstrap=&seed=&from=&to=&evaluators=&category=&include_rejected= */
export const GET: RequestHandler = apiRoute(async (event) => {
	const { db, campaign } = await requireApiCampaign(event, event.params.slug, 'results');
	const query = parseLeaderboardQuery(event.url.searchParams);
	return json(await campaignLeaderboard(db.kysely, campaign, query), { headers: { 'cache-control': 'no-store' } });
});
