import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { requireApiCampaign, requireApiUser } from '$lib/server/auth/guards';
import { apiRoute, readJsonObject } from '$lib/server/http/api-route';
import { getDb } from '$lib/server/db/instance';
import { campaignOfVote, reviewVotes } from '$lib/server/audit/reviews';
import { AppError } from '$lib/server/errors';

/** A lead's review: {"decision":"accept|reject","comment"}. Others cannot tell whether the vote exists. */
export const POST: RequestHandler = apiRoute(async (event) => {
	requireApiUser(event);
	let slug: string;
	try {
		slug = await campaignOfVote((await getDb()).kysely, event.params.id);
	} catch (e) {
		throw e instanceof AppError ? new AppError(404, 'not_found', 'vote not found') : e;
	}
	const { db, campaign, user } = await requireApiCampaign(event, slug, 'manage');
	const body = await readJsonObject(event.request);
	const [result] = await reviewVotes(db.kysely, campaign, user.id, [event.params.id], body.decision, body.comment);
	return json({ vote_id: result.voteId, decision: result.decision, status: result.status });
});
