import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { requireApiCampaign, requireApiUser } from '$lib/server/auth/guards';
import { apiRoute, readJsonObject } from '$lib/server/http/api-route';
import { getDb } from '$lib/server/db/instance';
import { campaignOfVote, reviewVotes } from '$lib/server/audit/reviews';
import { AppError } from '$lib/server/errors';

/**
 * A lead's review: {"decision":"accept|reject","comment"}. Others cannot tell whether the vote
 * exists: an unknown id and a vote of a campaign the user cannot see get the very same 404 (the
 * campaign guard's own 404 would name the campaign).
 */
export const POST: RequestHandler = apiRoute(async (event) => {
	requireApiUser(event);
	let access: Awaited<ReturnType<typeof requireApiCampaign>>;
	try {
		const slug = await campaignOfVote((await getDb()).kysely, event.params.id);
		access = await requireApiCampaign(event, slug, 'manage');
	} catch (e) {
		throw e instanceof AppError && e.status === 404 ? new AppError(404, 'not_found', 'vote not found') : e;
	}
	const { db, campaign, user } = access;
	const body = await readJsonObject(event.request);
	const [result] = await reviewVotes(db.kysely, campaign, user.id, [event.params.id], body.decision, body.comment);
	return json({ vote_id: result.voteId, decision: result.decision, status: result.status });
});
