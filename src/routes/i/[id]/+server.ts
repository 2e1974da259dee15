import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { requireUser } from '$lib/server/auth/guards';
import { imageResponse, readImageForUser } from '$lib/server/images/serve';
import { AppError } from '$lib/server/errors';

/**
 * Image bytes by id, for the audit pages (leads, researchers, admins): re-encoded without metadata
 * in the campaign's format. Evaluators get 404 here: they see images only through their
 * assignments (/i/a/<assignment>/<side>), so that no URL links one pair to another.
 */
export const GET: RequestHandler = async (event) => {
	const user = requireUser(event);
	try {
		return imageResponse(await readImageForUser(user, event.params.id));
	} catch (e) {
		if (e instanceof AppError) error(e.status, { message: e.message, code: e.code });
		throw e;
	}
};
