import type { Handle, ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { getDb } from '$lib/server/db/instance';
import { authenticateRequest } from '$lib/server/auth/request';

/** Open and migrate the database before the first request. */
export const init: ServerInit = async () => {
	await getDb();
};

const auth: Handle = async ({ event, resolve }) => {
	const db = await getDb();
	const found = await authenticateRequest(db.kysely, event);
	event.locals.user = found?.user ?? null;
	event.locals.session = found?.session ?? null;
	return resolve(event);
};

const securityHeaders: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	response.headers.set('X-Content-Type-Options', 'nosniff');
	response.headers.set('Referrer-Policy', 'same-origin');
	response.headers.set('X-Frame-Options', 'DENY');
	response.headers.set('Cross-Origin-Opener-Policy', 'same-origin');
	response.headers.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
	// Kit sets the CSP on pages; API responses and images get a strict one of their own.
	if (!response.headers.has('Content-Security-Policy')) {
		response.headers.set('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
	}
	return response;
};

export const handle = sequence(auth, securityHeaders);
