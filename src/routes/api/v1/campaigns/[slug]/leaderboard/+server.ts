import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { requireApiCampaign } from '$lib/server/auth/guards';
import { apiRoute } from '$lib/server/http/api-route';
import { campaignLeaderboard, leaderboardCsv, parseLeaderboardQuery } from '$lib/server/results/leaderboard';
import { requireEnum } from '$lib/server/validation';
import { controlledCsv } from '$lib/server/results/controlled';

/**
 * The leaderboard (ApiLeaderboard) as JSON (or ?format=csv): ?criterion=&ties=&bootstrap=&seed=&from=&to=&evaluators=&category=&include_rejected=
 * With ?control=…, the JSON carries the controlled board and the CSV is the controlled board's (systems, then coefficients).
 */
export const GET: RequestHandler = apiRoute(async (event) => {
	const { db, campaign, user } = await requireApiCampaign(event, event.params.slug, 'results');
	const query = parseLeaderboardQuery(event.url.searchParams);
	const format = requireEnum(event.url.searchParams.get('format') ?? 'json', 'format', ['json', 'csv'] as const);
	const board = await campaignLeaderboard(db.kysely, campaign, query, { who: user.id });
	if (format === 'csv') {
		const csv = board.controlled ? controlledCsv(board.controlled) : leaderboardCsv(board);
		const name = board.controlled ? `${campaign.slug}-leaderboard-controlled.csv` : `${campaign.slug}-leaderboard.csv`;
		return new Response(csv, {
			headers: {
				'content-type': 'text/csv; charset=utf-8',
				'content-disposition': `attachment; filename="${name}"`,
				'cache-control': 'no-store'
			}
		});
	}
	return json(board, { headers: { 'cache-control': 'no-store' } });
});
