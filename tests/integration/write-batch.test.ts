// Group commit (db/write-batch.ts) and the WAL checkpointer (db/checkpointer.ts) on real SQLite files.
import { afterEach, describe, expect, it } from 'vitest';
import { rmSync, statSync } from 'node:fs';
import { sql } from 'kysely';
import SQLite from 'better-sqlite3';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { openMigratedDatabase } from '../../src/lib/server/db/index.ts';
import { batchedWrite } from '../../src/lib/server/db/write-batch.ts';
import { SAFETY_NET_PAGES } from '../../src/lib/server/db/checkpointer.ts';

let db: TestDatabase | null = null;
afterEach(async () => {
	await db?.cleanup();
	db = null;
});

const audit = (sqlite: SQLite.Database, subject: string) =>
	sqlite
		.prepare(`insert into audit_log (id, actor_id, action, subject, at, detail) values (?, null, 'test', ?, 0, '{}')`)
		.run(crypto.randomUUID(), subject);

describe('group commit', () => {
	it('commits the writes of one turn together; a failing write takes back only itself', async () => {
		db = await createTestDatabase();
		const sqlite = db.sqlite!;
		const other = new SQLite(db.file, { readonly: true });
		const seenAtResolve: number[] = [];
		const count = () => (other.prepare(`select count(*) as n from audit_log where action = 'test'`).get() as { n: number }).n;
		const results = await Promise.allSettled([
			batchedWrite(sqlite, () => audit(sqlite, 'a')).then(() => seenAtResolve.push(count())),
			batchedWrite(sqlite, () => {
				audit(sqlite, 'half-written');
				throw new Error('refused after one insert');
			}),
			batchedWrite(sqlite, () => audit(sqlite, 'b')).then(() => seenAtResolve.push(count()))
		]);
		expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
		expect((results[1] as PromiseRejectedResult).reason.message).toBe('refused after one insert');
		// committed before anyone was answered: another connection already sees both
		expect(seenAtResolve).toEqual([2, 2]);
		const subjects = other.prepare(`select subject from audit_log where action = 'test' order by subject`).pluck().all();
		expect(subjects).toEqual(['a', 'b']);
		other.close();
	});

	it('stores nothing of a batch whose transaction is rolled back as a whole, and runs no later job', async () => {
		db = await createTestDatabase();
		const sqlite = db.sqlite!;
		let laterRan = false;
		const results = await Promise.allSettled([
			batchedWrite(sqlite, () => audit(sqlite, 'first')),
			// what SQLite does on a full disk or an I/O error: the whole transaction is gone
			batchedWrite(sqlite, () => {
				sqlite.exec('rollback');
				throw new Error('disk full');
			}),
			batchedWrite(sqlite, () => {
				laterRan = true;
				audit(sqlite, 'later');
			})
		]);
		expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
		expect(laterRan).toBe(false);
		expect(sqlite.prepare(`select count(*) as n from audit_log where action = 'test'`).pluck().get()).toBe(0);
		// the next batch works as usual
		await batchedWrite(sqlite, () => audit(sqlite, 'after'));
		expect(sqlite.prepare(`select subject from audit_log where action = 'test'`).pluck().all()).toEqual(['after']);
	});

	it('waits for an open Kysely transaction instead of joining it', async () => {
		db = await createTestDatabase();
		const sqlite = db.sqlite!;
		let batched: Promise<unknown> | null = null;
		await expect(
			db.kysely.transaction().execute(async (trx) => {
				await sql`insert into audit_log (id, actor_id, action, subject, at, detail) values ('k', null, 'test', 'kysely', 0, '{}')`.execute(
					trx
				);
				batched = batchedWrite(sqlite, () => audit(sqlite, 'batched'));
				await new Promise((r) => setTimeout(r, 50)); // the batch's turn comes while this transaction is open
				throw new Error('roll back');
			})
		).rejects.toThrow('roll back');
		await batched;
		const subjects = sqlite.prepare(`select subject from audit_log where action = 'test'`).pluck().all();
		expect(subjects).toEqual(['batched']);
	});
});

describe('background checkpoints', () => {
	it('moves the WAL into the database file from a worker, the connection keeping only a far-off safety net', async () => {
		db = await createTestDatabase();
		const file = db.file;
		await db.close();
		const server = await openMigratedDatabase(`sqlite:${file}`, { backgroundCheckpoints: true });
		try {
			// only the far-off safety net is left to the connection itself
			expect(server.sqlite!.pragma('wal_autocheckpoint', { simple: true })).toBe(SAFETY_NET_PAGES);
			const before = statSync(file).size;
			const insert = server.sqlite!.prepare(
				`insert into audit_log (id, actor_id, action, subject, at, detail) values (?, null, 'fill', 's', 0, ?)`
			);
			server.sqlite!.transaction(() => {
				for (let i = 0; i < 2000; i++) insert.run(crypto.randomUUID(), 'x'.repeat(1000));
			})();
			// only a checkpoint writes to the database file itself
			const deadline = Date.now() + 10_000;
			while (statSync(file).size < before + 2_000_000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
			expect(statSync(file).size).toBeGreaterThan(before + 2_000_000);
		} finally {
			await server.close();
			rmSync(db.dir, { recursive: true, force: true });
			db = null;
		}
	});
});
