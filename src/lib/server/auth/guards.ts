// Guards called by every load, action and endpoint that needs a user or a role (never only a layout).
import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import { getDb } from '../db/instance.ts';
import { AppError } from '../errors.ts';
import { requireCampaignAccess, type Capability } from './access.ts';
import type { SessionUser } from './session.ts';

/** Pages: the signed-in user, or a redirect to the sign-in page that comes back here. */
export function requireUser(event: Pick<RequestEvent, 'locals' | 'url'>): SessionUser {
	const user = event.locals.user;
	if (!user) redirect(303, `/login?next=${encodeURIComponent(event.url.pathname + event.url.search)}`);
	return user;
}

export function requireAdmin(event: Pick<RequestEvent, 'locals' | 'url'>): SessionUser {
	const user = requireUser(event);
	if (!user.isAdmin) error(403, { message: 'Only admins can see this page', code: 'forbidden' });
	return user;
}

/** Pages and actions: the campaign and the user's role in it, or a 404/403 error page. */
export async function requireCampaignRole(event: Pick<RequestEvent, 'locals' | 'url'>, slug: string, capability: Capability) {
	const user = requireUser(event);
	const db = await getDb();
	try {
		return { user, db, ...(await requireCampaignAccess(db.kysely, user, slug, capability)) };
	} catch (e) {
		if (e instanceof AppError) error(e.status, { message: e.message, code: e.code });
		throw e;
	}
}

/** Pages: query parameters read by `parse`, or a 400 page naming the bad one. */
export function pageQuery<T>(parse: () => T): T {
	try {
		return parse();
	} catch (e) {
		if (e instanceof AppError) error(400, { message: e.message, code: e.code });
		throw e;
	}
}

/** API: the user or a 401 JSON error. */
export function requireApiUser(event: Pick<RequestEvent, 'locals'>): SessionUser {
	if (!event.locals.user) throw new AppError(401, 'unauthenticated', 'Sign in or send Authorization: Bearer <token>');
	return event.locals.user;
}

/** API: the campaign access for the request's user, as a JSON error when refused. */
export async function requireApiCampaign(event: Pick<RequestEvent, 'locals'>, slug: string, capability: Capability) {
	const user = requireApiUser(event);
	const db = await getDb();
	return { user, db, ...(await requireCampaignAccess(db.kysely, user, slug, capability)) };
}
