import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { requireApiCampaign } from '$lib/server/auth/guards';
import { apiRoute } from '$lib/server/http/api-route';
import { undoVote } from '$lib/server/voting/undo';
import { assignmentJson } from '$lib/server/voting/leases';
import type { AssignmentResponse } from '$lib/api-types';

/** Takes back the caller's own vote within 30 s; answers with the pair to judge again. */
export const POST: RequestHandler = apiRoute(async (event) => {
	const { db, campaign, user } = await requireApiCampaign(event, event.params.slug, 'vote');
	const pair = await undoVote(db.kysely, campaign, user.id, event.params.id);
	const body: AssignmentResponse = { assignment: assignmentJson(pair) };
	return json(body);
});
