// Who is asking: a session cookie (browsers) or a Bearer API token (scripts).
import type { Cookies, RequestEvent } from '@sveltejs/kit';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { SESSION_COOKIE, sessionExpiresAt, validateSessionToken, type SessionRecord } from './session.ts';
import { validateApiToken } from './api-token.ts';

export async function authenticateRequest(db: Kysely<Database>, event: RequestEvent) {
	const bearer = event.request.headers.get('authorization');
	if (bearer?.startsWith('Bearer ') && event.url.pathname.startsWith('/api/')) {
		const user = await validateApiToken(db, bearer.slice('Bearer '.length).trim());
		return user ? { user, session: null } : null;
	}
	const token = event.cookies.get(SESSION_COOKIE);
	if (!token) return null;
	const found = await validateSessionToken(db, token);
	if (!found) {
		deleteSessionCookie(event.cookies, event.url);
		return null;
	}
	setSessionCookie(event.cookies, event.url, token, found.session);
	return found;
}

export function setSessionCookie(cookies: Cookies, url: URL, token: string, session: SessionRecord) {
	cookies.set(SESSION_COOKIE, token, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure: url.protocol === 'https:',
		expires: sessionExpiresAt(session)
	});
}

export function deleteSessionCookie(cookies: Cookies, url: URL) {
	cookies.delete(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: url.protocol === 'https:' });
}
