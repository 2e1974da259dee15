// Several app instances starting at the same moment on one fresh PostgreSQL: they take turns at the
// migrations' advisory lock, so every migration runs once and none of them fails.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startPostgres } from '../helpers/postgres.ts';
import { openMigratedDatabase, type Db } from '../../src/lib/server/db/index.ts';
import { migrations } from '../../migrations/index.ts';

let pg: Awaited<ReturnType<typeof startPostgres>>;
const opened: Db[] = [];

beforeAll(async () => {
	pg = await startPostgres();
}, 60_000);
afterAll(async () => {
	await Promise.all(opened.map((db) => db.close()));
	await pg?.stop();
});

describe('migrations on PostgreSQL', () => {
	it('run once when four instances start at the same moment', async () => {
		const results = await Promise.allSettled([0, 1, 2, 3].map(() => openMigratedDatabase(pg.url)));
		for (const r of results) if (r.status === 'fulfilled') opened.push(r.value);
		expect(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
		const { rows } = await sql<{ name: string; n: string }>`select name, count(*) as n from kysely_migration group by name`.execute(
			opened[0].kysely
		);
		expect(rows.map((r) => r.name).sort()).toEqual(Object.keys(migrations).sort());
		expect(rows.every((r) => Number(r.n) === 1)).toBe(true);
		// the schema is whole: the last migration's column exists
		await opened[0].kysely.selectFrom('assignment').select('issue_seq').limit(1).execute();
	}, 120_000);
});
