import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { requireApiCampaign } from '$lib/server/auth/guards';
import { apiRoute, readJson } from '$lib/server/http/api-route';
import { castVoteFromJson } from '$lib/server/voting/cast-vote';
import { requireEnum } from '$lib/server/validation';
import { EXPORT_FORMATS, exportStream, exportVotes } from '$lib/server/results/exports';
import { parseLeaderboardQuery, resolveFlagged } from '$lib/server/results/leaderboard';

/** 201 when the vote is stored (committed), 200 with the stored vote when the same vote_id comes again. */
export const POST: RequestHandler = apiRoute(async (event) => {
	const { db, campaign, user } = await requireApiCampaign(event, event.params.slug, 'vote');
	const { status, payload } = await castVoteFromJson(db.kysely, campaign, user.id, await readJson(event.request));
	return json(payload, { status });
});

/** Streams the campaign's votes: ?format=csv|jsonl|battles plus the leaderboard's filters (researchers and up). */
export const GET: RequestHandler = apiRoute(async (event) => {
	const { db, campaign } = await requireApiCampaign(event, event.params.slug, 'results');
	const format = requireEnum(event.url.searchParams.get('format') ?? 'jsonl', 'format', EXPORT_FORMATS);
	const filters = await resolveFlagged(db.kysely, campaign, parseLeaderboardQuery(event.url.searchParams));
	const type = format === 'jsonl' ? 'application/x-ndjson; charset=utf-8' : 'text/csv; charset=utf-8';
	const name = `${campaign.slug}-votes${format === 'battles' ? '-battles' : ''}.${format === 'jsonl' ? 'jsonl' : 'csv'}`;
	return new Response(exportStream(exportVotes(db.kysely, campaign, format, filters)), {
		headers: { 'content-type': type, 'content-disposition': `attachment; filename="${name}"`, 'cache-control': 'no-store' }
	});
});
