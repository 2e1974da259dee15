import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { requireApiCampaign } from '$lib/server/auth/guards';
import { apiRoute } from '$lib/server/http/api-route';
import { parseLeaderboardQuery, resolveFlagged } from '$lib/server/results/leaderboard';
import { campaignMarks, markRatesCsv } from '$lib/server/results/marks';
import { requireEnum } from '$lib/server/validation';

/** Mark rates per system and kind with Wilson 95% intervals, and the mark heatmaps (JSON, or ?format=csv for the rates): the leaderboard's filters. */
export const GET: RequestHandler = apiRoute(async (event) => {
	const { db, campaign } = await requireApiCampaign(event, event.params.slug, 'results');
	const format = requireEnum(event.url.searchParams.get('format') ?? 'json', 'format', ['json', 'csv'] as const);
	const query = await resolveFlagged(db.kysely, campaign, parseLeaderboardQuery(event.url.searchParams));
	const marks = await campaignMarks(db.kysely, campaign, query);
	if (format === 'csv')
		return new Response(markRatesCsv(marks), {
			headers: {
				'content-type': 'text/csv; charset=utf-8',
				'content-disposition': `attachment; filename="${campaign.slug}-mark-rates.csv"`,
				'cache-control': 'no-store'
			}
		});
	return json(marks, { headers: { 'cache-control': 'no-store' } });
});
