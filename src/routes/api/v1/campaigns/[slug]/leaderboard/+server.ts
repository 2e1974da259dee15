import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { requireApiCampaign } from '$lib/server/auth/guards';
import { apiRoute } from '$lib/server/http/api-route';
import { campaignLeaderboard, leaderboardCsv, parseLeaderboardQuery } from '$lib/server/results/leaderboard';
import { requireEnum } from '$lib/server/validation';

/** The leaderboard (ApiLeaderboard) as JSON (or ?format=csv): ?criterion=&ties=&bootstrap=&seed=&from=&to=&evaluators=&category=&include_rejected= */
export const GET: RequestHandler = apiRoute(async (event) => {
	const { db, campaign, user } = await requireApiCampaign(event, event.params.slug, 'results');
	const query = parseLeaderboardQuery(event.url.searchParams);
	const format = requireEnum(event.url.searchParams.get('format') ?? 'json', 'format', ['json', 'csv'] as const);
	const board = await campaignLeaderboard(db.kysely, campaign, query, { who: user.id });
	if (format === 'csv') {
		return new Response(leaderboardCsv(board), {
			headers: {
				'content-type': 'text/csv; charset=utf-8',
				'content-disposition': `attachment; filename="${campaign.slug}-leaderboard.csv"`,
				'cache-control': 'no-store'
			}
		});
	}
	return json(board, { headers: { 'cache-control': 'no-store' } });
});
