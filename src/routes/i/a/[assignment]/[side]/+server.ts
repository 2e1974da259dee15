import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { requireUser } from '$lib/server/auth/guards';
import { imageResponse, readAssignmentImageForUser } from '$lib/server/images/serve';
import { AppError } from '$lib/server/errors';

/**
 * One side (left or right) of an assignment, for the evaluator who holds it and the campaign's
 * leads and admins; 404 for everyone else. The assignment id is new with every lease, also for a
 * hidden repeat or a gold pair, so these URLs never tell an evaluator they saw an image before.
 */
export const GET: RequestHandler = async (event) => {
	const user = requireUser(event);
	try {
		return imageResponse(await readAssignmentImageForUser(user, event.params.assignment, event.params.side));
	} catch (e) {
		if (e instanceof AppError) error(e.status, { message: e.message, code: e.code });
		throw e;
	}
};
