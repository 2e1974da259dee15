// Health probes over real HTTP, as a load balancer sends them: /healthz answers while the process
// runs, with no session and no database; /readyz answers 200 only when the database answers, every
// migration is applied and the image store is reachable (tests/integration/object-store.test.ts
// stops the store), 503 with the failing check otherwise. Never cached, no secrets in the answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMigratedDatabase, type Db } from '../../src/lib/server/db/index.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { startPostgres } from '../helpers/postgres.ts';
import { API_CSP } from '../../src/lib/server/http/security-headers.ts';

let root: string;

beforeAll(() => {
	root = mkdtempSync(join(tmpdir(), 'pickwise-health-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function probe(server: RunningServer, path: string, cookie?: string) {
	const response = await fetch(server.url + path, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
	return { status: response.status, headers: response.headers, body: await response.json() };
}

describe('on SQLite', () => {
	let db: Db;
	let server: RunningServer;
	beforeAll(async () => {
		db = await openMigratedDatabase(`sqlite:${join(root, 'pickwise.db')}`);
		server = await startServer(root);
	});
	afterAll(async () => {
		await server?.stop();
		await db?.close();
	});

	it('/healthz and /readyz answer anyone, uncached, with the security headers', async () => {
		for (const path of ['/healthz', '/readyz']) {
			for (const cookie of [undefined, 'pickwise_session=not.a-session']) {
				const { status, headers, body } = await probe(server, path, cookie);
				expect(status).toBe(200);
				expect(headers.get('content-type')).toBe('application/json');
				expect(headers.get('cache-control')).toBe('no-store');
				expect(headers.get('x-content-type-options')).toBe('nosniff');
				expect(headers.get('content-security-policy')).toBe(API_CSP);
				expect(headers.get('set-cookie')).toBeNull();
				expect(body.status).toBe(path === '/healthz' ? 'ok' : 'ready');
			}
		}
		expect((await probe(server, '/readyz')).body.checks).toEqual({ database: 'ok', migrations: 'ok', imageStore: 'ok' });
	});

	it('/readyz is 503 while a migration is missing, and ready again once it is applied', async () => {
		const { rows } = await sql<{
			name: string;
			timestamp: string;
		}>`select name, timestamp from kysely_migration order by name desc limit 1`.execute(db.kysely);
		const { name, timestamp } = rows[0];
		await sql`delete from kysely_migration where name = ${name}`.execute(db.kysely);
		try {
			const { status, body } = await probe(server, '/readyz');
			expect(status).toBe(503);
			expect(body).toMatchObject({ status: 'not ready', reason: `migrations: 1 pending (${name})` });
			expect(body.checks).toMatchObject({ database: 'ok', imageStore: 'ok' });
			expect((await probe(server, '/healthz')).status).toBe(200);
		} finally {
			await sql`insert into kysely_migration (name, timestamp) values (${name}, ${timestamp})`.execute(db.kysely);
		}
		expect((await probe(server, '/readyz')).status).toBe(200);
	});
});

describe('on PostgreSQL', () => {
	it('/readyz is 503 naming the database when it stops answering; /healthz stays 200', async () => {
		const pg = await startPostgres();
		const dataDir = mkdtempSync(join(root, 'pg-'));
		const server = await startServer(dataDir, { DATABASE_URL: pg.url });
		try {
			expect((await probe(server, '/readyz')).status).toBe(200);
			await pg.stop();
			const { status, body } = await probe(server, '/readyz');
			expect(status).toBe(503);
			expect(body.status).toBe('not ready');
			expect(body.reason).toMatch(/^database: unreachable \((ECONNREFUSED|57P01|ECONNRESET)\)$/);
			expect(JSON.stringify(body)).not.toContain('127.0.0.1');
			expect(JSON.stringify(body)).not.toContain('pickwise@');
			// no session lookup either: a cookie would otherwise send it to the database
			expect((await probe(server, '/healthz', 'pickwise_session=abcdefghijklmnop.qrstuvwxyzabcdef')).status).toBe(200);
		} finally {
			await server.stop();
			await pg.stop();
		}
	});
});
