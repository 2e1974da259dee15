// While another process holds SQLite's write lock (a CLI import during voting): a signed-in request
// whose hourly session refresh falls due is answered at once, without the refresh (it is best-effort
// and happens at a later request), and a form action refused with 503 says when to try again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMigratedDatabase, type Db } from '../../src/lib/server/db/index.ts';
import { createUser } from '../../src/lib/server/auth/users.ts';
import { createSession } from '../../src/lib/server/auth/session.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { holdWriteLock } from '../helpers/lock-holder.ts';

let root: string;
let file: string;
let db: Db;
let server: RunningServer;
let userId: string;

beforeAll(async () => {
	root = mkdtempSync(join(tmpdir(), 'pickwise-busy-'));
	file = join(root, 'pickwise.db');
	db = await openMigratedDatabase(`sqlite:${file}`);
	userId = (await createUser(db.kysely, { email: 'someone@busy.test', password: 'someone-password' })).id;
	// a short bounded wait: a write that waits for the lock gives up after 300 ms (503)
	server = await startServer(root, { PICKWISE_WRITE_WAIT_MS: '300' });
}, 60_000);

afterAll(async () => {
	await server?.stop();
	await db?.close();
	rmSync(root, { recursive: true, force: true });
});

/** A session last used two hours ago: its next request slides the expiry (a write). */
async function staleSession(): Promise<{ id: string; cookie: string; lastVerifiedAt: number }> {
	const { token, session } = await createSession(db.kysely, userId);
	const lastVerifiedAt = Date.now() - 2 * 3600 * 1000;
	await db.kysely.updateTable('session').set({ last_verified_at: lastVerifiedAt }).where('id', '=', session.id).execute();
	return { id: session.id, cookie: `pickwise_session=${token}`, lastVerifiedAt };
}

const storedLastVerified = async (id: string) =>
	(await db.kysely.selectFrom('session').select('last_verified_at').where('id', '=', id).executeTakeFirstOrThrow()).last_verified_at;

describe('a busy database', () => {
	it('answers a signed-in request whose session refresh is due, and refreshes at a later request', async () => {
		const session = await staleSession();
		const holder = await holdWriteLock(file);
		try {
			for (const path of ['/settings', '/']) {
				const response = await fetch(server.url + path, { headers: { cookie: session.cookie }, redirect: 'manual' });
				expect(response.status, path).toBe(200);
				if (path === '/settings') expect(await response.text()).toContain('someone@busy.test');
				else await response.text();
			}
			expect(holder.released).toBe(false);
			expect(await storedLastVerified(session.id)).toBe(session.lastVerifiedAt);
		} finally {
			await holder.release();
		}
		const response = await fetch(server.url + '/settings', { headers: { cookie: session.cookie }, redirect: 'manual' });
		expect(response.status).toBe(200);
		await response.text();
		expect(await storedLastVerified(session.id)).toBeGreaterThan(session.lastVerifiedAt);
	});

	it('answers a form action refused for the held lock with 503 and Retry-After, with and without JavaScript', async () => {
		const { token } = await createSession(db.kysely, userId);
		const cookie = `pickwise_session=${token}`;
		const holder = await holdWriteLock(file);
		try {
			const post = (accept: string, extra: Record<string, string> = {}) =>
				fetch(`${server.url}/settings?/create`, {
					method: 'POST',
					headers: { cookie, origin: server.url, accept, 'content-type': 'application/x-www-form-urlencoded', ...extra },
					body: new URLSearchParams({ name: 'nightly export' }).toString(),
					redirect: 'manual'
				});
			const plain = await post('text/html');
			const html = await plain.text();
			expect(plain.status).toBe(503);
			expect(html).toContain('The database is busy');
			expect(Number(plain.headers.get('retry-after'))).toBeGreaterThan(0);

			const enhanced = await post('application/json', { 'x-sveltekit-action': 'true' });
			const body = await enhanced.json();
			expect(body.type).toBe('failure');
			expect(body.status).toBe(503);
			expect(Number(enhanced.headers.get('retry-after'))).toBeGreaterThan(0);
			expect(holder.released).toBe(false);
		} finally {
			await holder.release();
		}
		expect(await db.kysely.selectFrom('api_token').select('id').execute()).toEqual([]);
	});
});
