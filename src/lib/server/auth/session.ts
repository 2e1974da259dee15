// Sessions after Lucia's "Sessions" guide: the token is `<id>.<secret>`, only SHA-256(secret) is
// stored, and the expiry slides with use (inactivity timeout, refreshed at most hourly).
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { hotQuery } from '../db/hot-query.ts';
import { constantTimeEqual, randomId, sha256Hex } from '../ids.ts';

export const SESSION_COOKIE = 'pickwise_session';
export const INACTIVITY_TIMEOUT_MS = 10 * 24 * 3600 * 1000;
const ACTIVITY_CHECK_INTERVAL_MS = 3600 * 1000;

export interface SessionRecord {
	id: string;
	userId: string;
	createdAt: number;
	lastVerifiedAt: number;
}

export interface SessionUser {
	id: string;
	email: string;
	displayName: string;
	isAdmin: boolean;
	/** Authenticated by an API token: may read, never vote or change anything. */
	readOnly?: boolean;
}

export async function createSession(db: Kysely<Database>, userId: string, now = Date.now()) {
	const id = randomId();
	const secret = randomId();
	await db
		.insertInto('session')
		.values({ id, secret_hash: sha256Hex(secret), user_id: userId, created_at: now, last_verified_at: now })
		.execute();
	return { token: `${id}.${secret}`, session: { id, userId, createdAt: now, lastVerifiedAt: now } };
}

// every request validates its session: on SQLite one prepared statement, without the query builder
const SESSION_WITH_USER = hotQuery('session.with-user', ['id'], (db, { id }: { id: string }) =>
	db
		.selectFrom('session')
		.innerJoin('user', 'user.id', 'session.user_id')
		.select([
			'session.id',
			'session.secret_hash',
			'session.created_at',
			'session.last_verified_at',
			'user.id as user_id',
			'user.email',
			'user.display_name',
			'user.is_admin',
			'user.disabled_at'
		])
		.where('session.id', '=', id)
);

/** The session and its user for a token, or null; extends the session when it is used. */
export async function validateSessionToken(
	db: Kysely<Database>,
	token: string,
	now = Date.now()
): Promise<{ session: SessionRecord; user: SessionUser } | null> {
	const parts = token.split('.');
	if (parts.length !== 2 || !parts[0] || !parts[1]) return null;
	const [id, secret] = parts;
	const row = await SESSION_WITH_USER.first(db, { id });
	if (!row) return null;
	if (!constantTimeEqual(row.secret_hash, sha256Hex(secret))) return null;
	if (row.disabled_at !== null || now - row.last_verified_at >= INACTIVITY_TIMEOUT_MS) {
		await db.deleteFrom('session').where('id', '=', id).execute();
		return null;
	}
	let lastVerifiedAt = row.last_verified_at;
	if (now - lastVerifiedAt >= ACTIVITY_CHECK_INTERVAL_MS) {
		lastVerifiedAt = now;
		await db.updateTable('session').set({ last_verified_at: now }).where('id', '=', id).execute();
	}
	return {
		session: { id: row.id, userId: row.user_id, createdAt: row.created_at, lastVerifiedAt },
		user: { id: row.user_id, email: row.email, displayName: row.display_name, isAdmin: row.is_admin === 1 }
	};
}

export async function invalidateSession(db: Kysely<Database>, sessionId: string): Promise<void> {
	await db.deleteFrom('session').where('id', '=', sessionId).execute();
}

export function sessionExpiresAt(session: SessionRecord): Date {
	return new Date(session.lastVerifiedAt + INACTIVITY_TIMEOUT_MS);
}
