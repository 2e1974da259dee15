// Hot queries: the statements that every vote, every next pair and every request run, each written
// once as a Kysely builder. On SQLite the builder is compiled once, with a placeholder for each
// parameter (so the SQL text and the order of its parameters are fixed), and the SQL runs as a
// prepared statement, synchronously: building and compiling a query and awaiting the driver cost about
// as much as the statements of a vote themselves, and a synchronous statement inside a group commit
// (write-batch.ts) cannot interleave with another request. On PostgreSQL the SQL compiled once for it
// runs through Kysely's driver (the builder's own result, without building and compiling it per call). The compiled SQL of every hot query is kept in hot-queries.sql (tests/integration/hot-queries.test.ts
// fails when it no longer matches), so a change to one shows in review.
import {
	CompiledQuery,
	DummyDriver,
	Kysely,
	PostgresAdapter,
	PostgresIntrospector,
	PostgresQueryCompiler,
	SqliteAdapter,
	SqliteIntrospector,
	SqliteQueryCompiler,
	type Compilable
} from 'kysely';
import type SQLite from 'better-sqlite3';
import type { Database } from './schema.ts';
import { isPostgres, syncSqlite, type Dialect } from './index.ts';

/** What a hot query's builder returns: a select, insert, update or delete Kysely can compile and run. */
export interface HotBuilder<R> extends Compilable<R> {
	execute(): Promise<R[]>;
}

/** Named parameters; each is one value (no lists: an `in (…)` takes one named parameter per element). */
export type HotParams = object;

export interface HotQuery<P extends HotParams, R> {
	readonly name: string;
	/** The parameters' names, in the order the caller documents them (not the SQL's order). */
	readonly keys: readonly (keyof P & string)[];
	/** SQLite, synchronously (inside a batchedWrite job): the first row, or undefined. */
	firstSync(sqlite: SQLite.Database, params: P): R | undefined;
	/** SQLite, synchronously: every row. */
	allSync(sqlite: SQLite.Database, params: P): R[];
	/**
	 * SQLite, synchronously: every row as an array of its columns in the select's order — no object per
	 * row, for reads of hundreds of thousands of rows.
	 */
	rowsSync(sqlite: SQLite.Database, params: P): unknown[][];
	/**
	 * SQLite: the rows as arrays, one at a time (no array of them all: at 200,000 rows that array and its
	 * collection cost more than the read). For a connection of its own (the quality worker's): the
	 * statement stays in raw mode while the iteration runs.
	 */
	eachRowSync(sqlite: SQLite.Database, params: P): IterableIterator<unknown[]>;
	/** SQLite, synchronously: a write. */
	runSync(sqlite: SQLite.Database, params: P): void;
	/** Either database: the prepared statement when `db` is SQLite outside a transaction, else Kysely. */
	first(db: Kysely<Database>, params: P): Promise<R | undefined>;
	all(db: Kysely<Database>, params: P): Promise<R[]>;
	run(db: Kysely<Database>, params: P): Promise<void>;
	/** The SQL as the dialect compiles it and the parameter name behind each of its placeholders. */
	compiled(dialect: Dialect): CompiledHotQuery;
}

export interface CompiledHotQuery {
	sql: string;
	/** Per placeholder of `sql`, in order: the name of a parameter, or a constant the builder wrote. */
	parameters: ({ name: string } | { constant: unknown })[];
}

/** Stands in for a parameter while the builder is compiled: its position in the SQL names it. */
class Placeholder {
	constructor(readonly name: string) {}
}

/** Kysely instances that only compile (no connection), one per dialect. */
const compilers: Record<Dialect, Kysely<Database>> = {
	sqlite: new Kysely<Database>({
		dialect: {
			createAdapter: () => new SqliteAdapter(),
			createDriver: () => new DummyDriver(),
			createIntrospector: (db) => new SqliteIntrospector(db),
			createQueryCompiler: () => new SqliteQueryCompiler()
		}
	}),
	postgres: new Kysely<Database>({
		dialect: {
			createAdapter: () => new PostgresAdapter(),
			createDriver: () => new DummyDriver(),
			createIntrospector: (db) => new PostgresIntrospector(db),
			createQueryCompiler: () => new PostgresQueryCompiler()
		}
	})
};

// a list, not a map: a module evaluated again (Vite's hot reload) defines its queries again
const registry: HotQuery<HotParams, unknown>[] = [];

/** Every hot query defined so far (the modules that define them must be imported first). */
export function hotQueries(): readonly HotQuery<HotParams, unknown>[] {
	return registry;
}

/**
 * Defines a hot query: `keys` names its parameters, `build` writes it with Kysely. The result type
 * is the builder's own (Kysely infers it from the schema); the one cast of a statement's result is here.
 */
export function hotQuery<P extends HotParams, R>(
	name: string,
	keys: readonly (keyof P & string)[],
	build: (db: Kysely<Database>, params: P) => HotBuilder<R>
): HotQuery<P, R> {
	const compiledFor = new Map<Dialect, CompiledHotQuery>();
	const statements = new WeakMap<SQLite.Database, { statement: SQLite.Statement; bind: (params: P) => unknown[] }>();

	function compiled(dialect: Dialect): CompiledHotQuery {
		let result = compiledFor.get(dialect);
		if (result) return result;
		const placeholders = Object.fromEntries(keys.map((key) => [key, new Placeholder(key)]));
		const query = build(compilers[dialect], placeholders as unknown as P).compile();
		const parameters = query.parameters.map((value, i) => {
			if (value instanceof Placeholder) return { name: value.name };
			// a key the builder reads but `keys` does not name
			if (value === undefined) throw new Error(`hot query ${name}: parameter ${i + 1} is undefined (is its name missing from the keys?)`);
			return { constant: value };
		});
		const unused = keys.filter((key) => !parameters.some((p) => 'name' in p && p.name === key));
		if (unused.length) throw new Error(`hot query ${name}: parameter ${unused.join(', ')} is never used`);
		result = { sql: query.sql, parameters };
		compiledFor.set(dialect, result);
		return result;
	}

	/** PostgreSQL: the compiled SQL with this call's values, run as is (no builder, no compiler per call). */
	let postgresBind: ((params: P) => unknown[]) | null = null;
	function onPostgres(params: P): CompiledQuery<R> {
		const { sql, parameters } = compiled('postgres');
		postgresBind ??= binder(parameters);
		return CompiledQuery.raw(sql, postgresBind(params)) as CompiledQuery<R>;
	}

	function binder(parameters: CompiledHotQuery['parameters']) {
		const names = parameters.map((p) => ('name' in p ? p.name : null));
		const constants = parameters.map((p) => ('constant' in p ? p.constant : undefined));
		return (params: P) => names.map((key, i) => (key === null ? constants[i] : (params as Record<string, unknown>)[key]));
	}

	function prepared(sqlite: SQLite.Database) {
		let entry = statements.get(sqlite);
		if (!entry) {
			const { sql, parameters } = compiled('sqlite');
			entry = { statement: sqlite.prepare(sql), bind: binder(parameters) };
			statements.set(sqlite, entry);
		}
		return entry;
	}

	const query: HotQuery<P, R> = {
		name,
		keys,
		compiled,
		firstSync(sqlite, params) {
			const { statement, bind } = prepared(sqlite);
			// the SQL is the builder's own, compiled for SQLite: its rows are the builder's result type
			return statement.get(...bind(params)) as R | undefined;
		},
		allSync(sqlite, params) {
			const { statement, bind } = prepared(sqlite);
			return statement.all(...bind(params)) as R[];
		},
		rowsSync(sqlite, params) {
			const { statement, bind } = prepared(sqlite);
			// the statement is shared (db/index.ts caches statements by their text): object rows again after
			statement.raw(true);
			try {
				return statement.all(...bind(params)) as unknown[][];
			} finally {
				statement.raw(false);
			}
		},
		*eachRowSync(sqlite, params) {
			const { statement, bind } = prepared(sqlite);
			statement.raw(true);
			try {
				yield* statement.iterate(...bind(params)) as IterableIterator<unknown[]>;
			} finally {
				statement.raw(false);
			}
		},
		runSync(sqlite, params) {
			const { statement, bind } = prepared(sqlite);
			statement.run(...bind(params));
		},
		async first(db, params) {
			const sqlite = syncSqlite(db);
			if (sqlite) return query.firstSync(sqlite, params);
			if (isPostgres(db)) return (await db.executeQuery(onPostgres(params))).rows[0];
			return (await build(db, params).execute())[0];
		},
		async all(db, params) {
			const sqlite = syncSqlite(db);
			if (sqlite) return query.allSync(sqlite, params);
			if (isPostgres(db)) return (await db.executeQuery(onPostgres(params))).rows;
			return build(db, params).execute();
		},
		async run(db, params) {
			const sqlite = syncSqlite(db);
			if (sqlite) return query.runSync(sqlite, params);
			if (isPostgres(db)) await db.executeQuery(onPostgres(params));
			else await build(db, params).execute();
		}
	};
	registry.push(query as unknown as HotQuery<HotParams, unknown>);
	return query;
}
