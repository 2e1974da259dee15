// Sessions after Lucia's "Sessions" guide: the token is `<id>.<secret>`, only SHA-256(secret) is
// stored, and the expiry slides with use (inactivity timeout, refreshed at most hourly).
import { SqliteAdapter, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { hotQuery, type HotQuery } from '../db/hot-query.ts';
import { syncSqlite } from '../db/index.ts';
import { isBusy } from '../db/busy.ts';
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

const TOUCH_SESSION = hotQuery('session.touch', ['id', 'now'], (db, p: { id: string; now: number }) =>
	db.updateTable('session').set({ last_verified_at: p.now }).where('id', '=', p.id)
);
const DELETE_SESSION = hotQuery('session.delete', ['id'], (db, p: { id: string }) => db.deleteFrom('session').where('id', '=', p.id));

/**
 * A write that the request does not depend on (sliding the expiry, removing a dead session): done at
 * once when the database allows, otherwise skipped, and the next request tries again. Never waited for
 * and never an error: another process holding SQLite's write lock (a CLI import) made every signed-in
 * request whose hourly refresh fell due wait for it and then fail. On SQLite it runs synchronously on
 * the server's connection, whose busy_timeout is 0, so a held lock is a SQLITE_BUSY at once.
 */
async function bestEffort<P extends object>(db: Kysely<Database>, query: HotQuery<P, unknown>, params: P): Promise<boolean> {
	try {
		const sqlite = syncSqlite(db);
		if (sqlite) query.runSync(sqlite, params);
		// this connection is inside a transaction: its statements must not join it
		else if (db.getExecutor().adapter instanceof SqliteAdapter) return false;
		else await query.run(db, params);
		return true;
	} catch (error) {
		if (!isBusy(error)) console.warn(`pickwise: session ${query.name} skipped: ${(error as Error).message ?? error}`);
		return false;
	}
}

/** The session and its user for a token, or null; extends the session when it is used (best-effort). */
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
		// refused either way; the row goes now if the database lets us, else at a later request
		await bestEffort(db, DELETE_SESSION, { id });
		return null;
	}
	let lastVerifiedAt = row.last_verified_at;
	if (now - lastVerifiedAt >= ACTIVITY_CHECK_INTERVAL_MS && (await bestEffort(db, TOUCH_SESSION, { id, now }))) lastVerifiedAt = now;
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
