import type { RequestHandler } from './$types';
import { apiRoute, requireApiCampaign } from '$lib/server/auth/guards';
import { skipAssignment } from '$lib/server/assignments';

/** Gives a pair back with a reason (broken image, can't judge…); it is not shown to this evaluator again. */
export const POST: RequestHandler = apiRoute(async (event) => {
	const { db, campaign, user } = await requireApiCampaign(event, event.params.slug, 'vote');
	const body = await event.request.json();
	await skipAssignment(db.kysely, campaign, user.id, event.params.id, body?.reason);
	return new Response(null, { status: 204 });
});
