import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { requireApiCampaign } from '$lib/server/auth/guards';
import { apiRoute } from '$lib/server/http/api-route';
import { assignmentJson, nextAssignment } from '$lib/server/voting/leases';

/** The evaluator's next pair; `?exclude=<id>` skips a held pair (the one on screen) so the page can prefetch. */
export const GET: RequestHandler = apiRoute(async (event) => {
	const { db, campaign, user, quota } = await requireApiCampaign(event, event.params.slug, 'vote');
	const exclude = event.url.searchParams.getAll('exclude').slice(0, 10);
	const pair = await nextAssignment(db.kysely, campaign, user.id, quota, exclude);
	if (!pair) return new Response(null, { status: 204, headers: { 'cache-control': 'no-store' } });
	return json({ assignment: assignmentJson(pair) }, { headers: { 'cache-control': 'no-store' } });
});

/**
 * Not the GET handler (SvelteKit's default for HEAD): asking for the next pair issues a lease, and
 * a HEAD must change nothing. The fast lane takes only GET, so every HEAD ends here.
 */
export const HEAD: RequestHandler = () => new Response(null, { status: 405, headers: { allow: 'GET', 'cache-control': 'no-store' } });
