// The hot queries (src/lib/server/db/hot-query.ts): each is written once as a Kysely builder; its
// compiled SQL for both databases is committed in src/lib/server/db/hot-queries.sql so that a change
// to one shows in review. After an intended change, regenerate that file:
//   HOT_QUERIES_UPDATE=1 npx vitest run tests/integration/hot-queries.test.ts
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { hotQueries, type CompiledHotQuery } from '../../src/lib/server/db/hot-query.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

const SERVER = resolve('src/lib/server');
const SNAPSHOT = join(SERVER, 'db/hot-queries.sql');

const sources = readdirSync(SERVER, { recursive: true, encoding: 'utf8' })
	.filter((file) => file.endsWith('.ts'))
	.map((file) => ({ file, text: readFileSync(join(SERVER, file), 'utf8') }));

/** Every module that defines hot queries, imported so that they are all registered. */
async function loadHotQueries() {
	for (const { file, text } of sources) {
		if (file !== join('db', 'hot-query.ts') && /\bhotQuery\(/.test(text)) await import(join(SERVER, file));
	}
	return [...hotQueries()].sort((a, b) => a.name.localeCompare(b.name));
}

function parameterList(compiled: CompiledHotQuery): string {
	return compiled.parameters.map((p) => ('name' in p ? p.name : JSON.stringify(p.constant))).join(', ');
}

function render(queries: Awaited<ReturnType<typeof loadHotQueries>>): string {
	const lines = [
		'-- AUTO-GENERATED from the Kysely builders of the hot queries (src/lib/server/db/hot-query.ts): do not edit.',
		'-- tests/integration/hot-queries.test.ts fails when a query no longer compiles to this; after an intended change:',
		'--   HOT_QUERIES_UPDATE=1 npx vitest run tests/integration/hot-queries.test.ts',
		'-- Each query: its SQL on SQLite (run as a prepared statement) and on PostgreSQL (run by Kysely),',
		'-- and the parameter behind each placeholder in order (a quoted or plain value is a constant of the builder).'
	];
	for (const query of queries) {
		const sqlite = query.compiled('sqlite');
		const postgres = query.compiled('postgres');
		lines.push(
			'',
			`-- name: ${query.name}`,
			`-- sqlite (${parameterList(sqlite)})`,
			`${sqlite.sql};`,
			`-- postgres (${parameterList(postgres)})`,
			`${postgres.sql};`
		);
	}
	return lines.join('\n') + '\n';
}

describe('hot queries', () => {
	let db: TestDatabase;
	beforeAll(async () => {
		db = await createTestDatabase();
	});
	afterAll(() => db.cleanup());

	it('are named once each', async () => {
		const names = (await loadHotQueries()).map((q) => q.name);
		expect(names.length).toBeGreaterThan(10);
		expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);
	});

	it('compile to the SQL committed in db/hot-queries.sql', async () => {
		const current = render(await loadHotQueries());
		if (process.env.HOT_QUERIES_UPDATE) writeFileSync(SNAPSHOT, current);
		const committed = existsSync(SNAPSHOT) ? readFileSync(SNAPSHOT, 'utf8') : '';
		expect(current, 'a hot query changed: regenerate with HOT_QUERIES_UPDATE=1 (see this test) and review the diff').toBe(committed);
	});

	it('prepare on a migrated SQLite database', async () => {
		for (const query of await loadHotQueries()) {
			expect(() => db.sqlite!.prepare(query.compiled('sqlite').sql), query.name).not.toThrow();
		}
	});

	it('are the only SQL the server layer prepares itself (no statement written a second time by hand)', () => {
		const preparing = sources.filter(({ file, text }) => !file.startsWith('db') && /\.prepare\(/.test(text)).map(({ file }) => file);
		expect(preparing).toEqual([]);
	});
});
