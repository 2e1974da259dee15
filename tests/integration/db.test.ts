import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateToLatest } from '../../src/lib/server/db/index.ts';
import { migrations } from '../../migrations/index.ts';
import { getDb, shutdownDb } from '../../src/lib/server/db/instance.ts';

const TABLES = [
	'user',
	'session',
	'api_token',
	'campaign',
	'campaign_member',
	'criterion',
	'flag_kind',
	'system',
	'prompt',
	'image',
	'assignment',
	'vote',
	'vote_criterion',
	'review',
	'gold_pair',
	'pair_stat',
	'audit_log',
	'invitation'
];

describe('database', () => {
	let db: TestDatabase;
	beforeAll(async () => (db = await createTestDatabase()));
	afterAll(() => db.cleanup());

	it('creates every table of the data model', async () => {
		const rows = await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db.kysely);
		const names = rows.rows.map((r) => r.name);
		for (const table of TABLES) expect(names).toContain(table);
	});

	it('opens SQLite with WAL, NORMAL sync, foreign keys and a busy timeout', () => {
		expect(db.sqlite!.pragma('journal_mode', { simple: true })).toBe('wal');
		expect(db.sqlite!.pragma('synchronous', { simple: true })).toBe(1);
		expect(db.sqlite!.pragma('foreign_keys', { simple: true })).toBe(1);
		expect(db.sqlite!.pragma('busy_timeout', { simple: true })).toBe(5000);
	});

	it("opens the server's connection with FULL sync (a 201 is on disk) and no blocking busy wait", async () => {
		const root = mkdtempSync(join(tmpdir(), 'pickwise-server-db-'));
		const saved = process.env.DATABASE_URL;
		process.env.DATABASE_URL = `sqlite:${join(root, 'pickwise.db')}`;
		try {
			const server = await getDb();
			expect(server.sqlite!.pragma('synchronous', { simple: true })).toBe(2);
			expect(server.sqlite!.pragma('busy_timeout', { simple: true })).toBe(0);
		} finally {
			await shutdownDb();
			if (saved === undefined) delete process.env.DATABASE_URL;
			else process.env.DATABASE_URL = saved;
			rmSync(root, { recursive: true, force: true });
		}
	});

	it('enforces foreign keys', async () => {
		await expect(
			db.kysely.insertInto('session').values({ id: 's', secret_hash: 'x', user_id: 'nobody', created_at: 1, last_verified_at: 1 }).execute()
		).rejects.toThrow(/FOREIGN KEY/);
	});

	it('running migrations again changes nothing', async () => {
		await migrateToLatest(db);
		const rows = await sql<{ n: number }>`select count(*) as n from kysely_migration`.execute(db.kysely);
		// one row per migration, each applied once (other branches add migrations: count the list)
		expect(Number(rows.rows[0].n)).toBe(Object.keys(migrations).length);
	});
});
