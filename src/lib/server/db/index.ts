// Opens the database named by DATABASE_URL (SQLite file by default, PostgreSQL for postgres://…)
// and runs migrations. Everything dialect-specific stays in this folder.
import { Kysely, Migrator, PostgresAdapter, PostgresDialect, SqliteDialect, sql, type Migration, type MigrationProvider } from 'kysely';
import SQLite from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { migrations } from '../../../../migrations/index.ts';
import type { Database } from './schema.ts';
import { startCheckpointer } from './checkpointer.ts';
import { LockWaitingSqliteDialect, writeWaitMs } from './busy.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface Db {
	kysely: Kysely<Database>;
	dialect: Dialect;
	/** The raw better-sqlite3 handle for hot paths and backups (SQLite only). */
	sqlite: SQLite.Database | null;
	close(): Promise<void>;
}

export function databaseUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string {
	if (env.DATABASE_URL) return env.DATABASE_URL;
	return `sqlite:${resolve(env.DATA_DIR ?? './data', 'pickwise.db')}`;
}

export interface OpenOptions {
	/** SQLite: checkpoint the WAL from a worker thread instead of inside commits (the server). */
	backgroundCheckpoints?: boolean;
	/**
	 * SQLite, the server: never wait for another process's write lock inside a call (that would block
	 * the event loop); writes retry on a timer instead (busy.ts, write-batch.ts); and a commit is on
	 * disk before it returns (synchronous=FULL), so an acknowledged vote survives power loss too.
	 */
	server?: boolean;
}

export async function openDatabase(url: string = databaseUrlFromEnv(), options: OpenOptions = {}): Promise<Db> {
	if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return openPostgres(url);
	if (url.startsWith('sqlite:')) return openSqlite(url.slice('sqlite:'.length), options);
	throw new Error(`DATABASE_URL must start with sqlite: or postgres:// (got '${url.split(':')[0]}:…')`);
}

function openSqlite(file: string, options: OpenOptions): Db {
	if (file !== ':memory:') mkdirSync(dirname(resolve(file)), { recursive: true });
	const sqlite = new SQLite(file);
	sqlite.pragma('journal_mode = WAL');
	// FULL: the WAL is fsynced at every commit (the group commit shares one fsync among the votes
	// that arrive together). NORMAL kept commits through a killed process but not through power loss.
	sqlite.pragma(`synchronous = ${options.server ? 'FULL' : 'NORMAL'}`);
	sqlite.pragma('foreign_keys = ON');
	// a short-lived process (CLI, tests) may simply wait; the server must not block its event loop
	sqlite.pragma(`busy_timeout = ${options.server ? 0 : 5000}`);
	// SQLite's default page cache is 2 MB: the write traffic of voting pushed the hot pages
	// (sessions, campaigns, index tops) out of it, and every read became system calls
	sqlite.pragma('cache_size = -65536');
	cachePreparedStatements(sqlite);
	const checkpointer = options.backgroundCheckpoints && file !== ':memory:' ? startCheckpointer(sqlite) : null;
	const dialect = options.server ? new LockWaitingSqliteDialect(sqlite, writeWaitMs()) : new SqliteDialect({ database: sqlite });
	const kysely = new Kysely<Database>({ dialect });
	rawHandles.set(kysely, sqlite);
	return {
		kysely,
		dialect: 'sqlite',
		sqlite,
		close: async () => {
			await checkpointer?.stop();
			await kysely.destroy();
		}
	};
}

const rawHandles = new WeakMap<Kysely<Database>, SQLite.Database>();

/**
 * The better-sqlite3 handle behind a SQLite Kysely instance, for the hot queries (hot-query.ts) that
 * run as prepared statements synchronously: a fraction of the query builder's cost, and a synchronous
 * transaction cannot interleave with another request. Null for PostgreSQL, for a Kysely transaction,
 * and while a Kysely transaction is open on the connection (its statements must not join it).
 */
export function syncSqlite(db: Kysely<Database>): SQLite.Database | null {
	const sqlite = rawHandles.get(db);
	return sqlite && !sqlite.inTransaction ? sqlite : null;
}

/**
 * Kysely's SQLite driver prepares every query anew; the same few hundred SQL texts come back on every
 * request, so keep their prepared statements. Safe because the driver runs one query at a time.
 */
function cachePreparedStatements(sqlite: SQLite.Database, limit = 1000): void {
	const prepare = sqlite.prepare.bind(sqlite);
	const cache = new Map<string, SQLite.Statement>();
	sqlite.prepare = ((source: string) => {
		let statement = cache.get(source);
		if (!statement) {
			statement = prepare(source);
			if (cache.size >= limit) cache.delete(cache.keys().next().value!);
			cache.set(source, statement);
		}
		return statement;
	}) as typeof sqlite.prepare;
}

async function openPostgres(url: string): Promise<Db> {
	const pg = await import('pg');
	// bigint columns hold epoch milliseconds: well inside Number's exact range.
	pg.default.types.setTypeParser(20, (v: string) => Number(v));
	const pool = new pg.default.Pool({ connectionString: url, max: 10 });
	// an idle connection dropped by the server (restart, failover) must not take the process down
	pool.on('error', (error) => console.error(`postgres: idle connection lost: ${error.message}`));
	const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
	// other app instances on the same database hear this one's vote changes, and it theirs
	const { startChangeFeed } = await import('./change-feed.ts');
	const feed = startChangeFeed(url, pool);
	return {
		kysely,
		dialect: 'postgres',
		sqlite: null,
		close: async () => {
			await feed.stop();
			await kysely.destroy();
		}
	};
}

/** Whether `db` (a Kysely instance or transaction) talks to PostgreSQL. */
export function isPostgres(db: Kysely<Database>): boolean {
	return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * The advisory-lock keys of pickwise (the two-int form; the first number names the use): several
 * app instances on one PostgreSQL meet here (docs/multi-instance.md).
 */
export const ADVISORY_LOCK = { migrations: 0x7069_0001, campaignLeases: 0x7069_0002 } as const;

class StaticMigrationProvider implements MigrationProvider {
	async getMigrations(): Promise<Record<string, Migration>> {
		return migrations;
	}
}

/** Brings the schema to the latest migration; throws with the failing migration's name. */
export async function migrateToLatest(db: Db): Promise<void> {
	// PostgreSQL: instances that start at the same moment take turns (a session-level advisory lock on
	// one connection); the first migrates, the others then find nothing to do. Kysely's own lock covers
	// the migrations but not the creation of its bookkeeping tables, which two starters could race on.
	if (db.dialect === 'postgres') {
		return db.kysely.connection().execute(async (conn) => {
			await sql`select pg_advisory_lock(${ADVISORY_LOCK.migrations}, 0)`.execute(conn);
			try {
				await runMigrations(db.kysely);
			} finally {
				await sql`select pg_advisory_unlock(${ADVISORY_LOCK.migrations}, 0)`.execute(conn);
			}
		});
	}
	return runMigrations(db.kysely);
}

async function runMigrations(kysely: Kysely<Database>): Promise<void> {
	const migrator = new Migrator({ db: kysely, provider: new StaticMigrationProvider() });
	const { error, results } = await migrator.migrateToLatest();
	const failed = results?.find((r) => r.status === 'Error');
	if (error) {
		throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${String((error as Error).message ?? error)}`);
	}
}

/** Open + migrate: what the server, the CLI and the tests all call. */
export async function openMigratedDatabase(url?: string, options: OpenOptions = {}): Promise<Db> {
	const db = await openDatabase(url, options);
	await migrateToLatest(db);
	return db;
}

/** A unique or primary-key constraint failed (SQLite and PostgreSQL say it differently). */
export function isUniqueViolation(error: unknown): boolean {
	const code = (error as { code?: string } | null)?.code;
	return code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}
