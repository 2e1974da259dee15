import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { requireUser } from '$lib/server/auth/guards';
import { readImageForUser } from '$lib/server/images/serve';
import { AppError } from '$lib/server/errors';

/**
 * Image bytes under an opaque id, as stored at import: re-encoded without metadata. No file name,
 * no hash, no ETag: nothing here tells which system made it.
 */
export const GET: RequestHandler = async (event) => {
	const user = requireUser(event);
	try {
		const { bytes, contentType } = await readImageForUser(user, event.params.id);
		return new Response(new Uint8Array(bytes), {
			headers: {
				'content-type': contentType,
				'content-length': String(bytes.length),
				'cache-control': 'private, max-age=31536000, immutable',
				'content-disposition': 'inline',
				'x-content-type-options': 'nosniff'
			}
		});
	} catch (e) {
		if (e instanceof AppError) error(e.status, { message: e.message, code: e.code });
		throw e;
	}
};
