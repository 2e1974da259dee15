// Waiting for SQLite's write lock without blocking the event loop. Another process (a CLI import, a
// sqlite3 shell) may hold the lock for seconds. With a busy_timeout SQLite sleeps inside the call,
// on the one thread that answers every request: pages froze and votes failed with 500. The server's
// connection therefore has busy_timeout 0; a write that meets SQLITE_BUSY is retried after a
// setTimeout (the loop keeps serving reads, which WAL never blocks), up to a bounded wait, and then
// fails with a 503 and Retry-After instead of a 500.
import { CompiledQuery, SqliteDialect, type DatabaseConnection, type Driver, type QueryResult, type TransactionSettings } from 'kysely';
import type SQLite from 'better-sqlite3';
import { AppError } from '../errors.ts';

/** How long a write may wait for the lock before its caller hears 503 (PICKWISE_WRITE_WAIT_MS, default 30 s). */
export function writeWaitMs(env: NodeJS.ProcessEnv = process.env): number {
	const n = Number(env.PICKWISE_WRITE_WAIT_MS);
	return Number.isFinite(n) && n >= 0 && env.PICKWISE_WRITE_WAIT_MS !== '' && env.PICKWISE_WRITE_WAIT_MS !== undefined ? n : 30_000;
}

/** SQLITE_BUSY and its extended codes (BUSY_SNAPSHOT, BUSY_RECOVERY, …). */
export function isBusy(error: unknown): boolean {
	const code = (error as { code?: unknown } | null)?.code;
	return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/** The 503 a caller gets when the lock stayed taken for the whole wait. */
export function lockBusyError(): AppError {
	return new AppError(503, 'busy', 'The database is busy with another writer; nothing was saved, try again shortly', undefined, 2);
}

/** Next pause between attempts: short at first (most locks are brief), then at most 100 ms. */
export function backoff(attempt: number): number {
	return Math.min(100, 2 * 2 ** Math.min(attempt, 6));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Kysely's SQLite dialect with lock-waiting: statements outside a transaction and the BEGIN of a
 * transaction are retried on SQLITE_BUSY, with the driver's connection mutex released between tries
 * (so other queries run meanwhile). Transactions start with BEGIN IMMEDIATE: they take the write lock
 * up front, where waiting is safe, instead of failing at their first write with a stale snapshot.
 */
export class LockWaitingSqliteDialect extends SqliteDialect {
	readonly #sqlite: SQLite.Database;
	readonly #waitMs: number;
	constructor(sqlite: SQLite.Database, waitMs: number) {
		super({ database: sqlite });
		this.#sqlite = sqlite;
		this.#waitMs = waitMs;
	}
	createDriver(): Driver {
		return new LockWaitingDriver(super.createDriver(), this.#sqlite, this.#waitMs);
	}
}

class LockWaitingDriver implements Driver {
	constructor(
		readonly inner: Driver,
		readonly sqlite: SQLite.Database,
		readonly waitMs: number
	) {}

	init() {
		return this.inner.init();
	}

	async acquireConnection(): Promise<DatabaseConnection> {
		return new LockWaitingConnection(this, await this.inner.acquireConnection());
	}

	async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
		void settings;
		await connection.executeQuery(CompiledQuery.raw('begin immediate'));
	}

	async commitTransaction(connection: DatabaseConnection): Promise<void> {
		await connection.executeQuery(CompiledQuery.raw('commit'));
	}

	async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
		await connection.executeQuery(CompiledQuery.raw('rollback'));
	}

	savepoint: Driver['savepoint'] = (connection, name, compile) =>
		this.inner.savepoint!((connection as LockWaitingConnection).raw, name, compile);
	rollbackToSavepoint: Driver['rollbackToSavepoint'] = (connection, name, compile) =>
		this.inner.rollbackToSavepoint!((connection as LockWaitingConnection).raw, name, compile);
	releaseSavepoint: Driver['releaseSavepoint'] = (connection, name, compile) =>
		this.inner.releaseSavepoint!((connection as LockWaitingConnection).raw, name, compile);

	releaseConnection(connection: DatabaseConnection): Promise<void> {
		return this.inner.releaseConnection((connection as LockWaitingConnection).raw);
	}

	destroy() {
		return this.inner.destroy();
	}
}

class LockWaitingConnection implements DatabaseConnection {
	constructor(
		readonly driver: LockWaitingDriver,
		public raw: DatabaseConnection
	) {}

	async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
		const deadline = Date.now() + this.driver.waitMs;
		for (let attempt = 0; ; attempt++) {
			try {
				return await this.raw.executeQuery<R>(query);
			} catch (error) {
				if (!isBusy(error)) throw error;
				// inside a transaction (which holds the write lock since its BEGIN IMMEDIATE) waiting would
				// keep every other query behind the connection mutex: give up at once
				if (this.driver.sqlite.inTransaction || Date.now() >= deadline) throw lockBusyError();
			}
			// let other queries have the connection while this one waits for the lock
			await this.driver.inner.releaseConnection(this.raw);
			await sleep(backoff(attempt));
			this.raw = await this.driver.inner.acquireConnection();
		}
	}

	streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
		return this.raw.streamQuery<R>(query, chunkSize);
	}
}
