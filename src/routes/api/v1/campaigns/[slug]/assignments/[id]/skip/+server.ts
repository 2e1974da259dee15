import type { RequestHandler } from './$types';
import { requireApiCampaign } from '$lib/server/auth/guards';
import { apiRoute, readJsonObject } from '$lib/server/http/api-route';
import { skipAssignment } from '$lib/server/voting/leases';

/** Gives a pair back with a reason (broken image, can't judge…); it is not shown to this evaluator again. */
export const POST: RequestHandler = apiRoute(async (event) => {
	const { db, campaign, user } = await requireApiCampaign(event, event.params.slug, 'vote');
	const body = await readJsonObject(event.request);
	await skipAssignment(db.kysely, campaign, user.id, event.params.id, body.reason);
	return new Response(null, { status: 204 });
});
