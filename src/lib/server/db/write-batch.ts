// Group commit for the hot writes on SQLite (votes, new leases). A commit appends the transaction's
// pages to the WAL; at a hundred evaluators that was the largest single cost of a vote. Writes that
// arrive in the same turn of the event loop are run one after another — each in its own savepoint,
// so one failing write (a duplicate vote_id, an expired pair) takes back only itself — inside one
// transaction, committed once; then every caller is answered. A caller's promise resolves only
// after the commit: a 201 still means committed. Each job is synchronous, so no other request can
// interleave with the transaction.
//
// Another process may hold the write lock (a CLI import). The server's connection has busy_timeout 0,
// so BEGIN IMMEDIATE fails at once with SQLITE_BUSY instead of sleeping on the event loop; the batch
// then keeps its jobs (and gathers new ones) and tries again after a timer. A job that has waited
// longer than the bounded wait (busy.ts) is answered with a 503 and never runs: nothing it would have
// written is stored, and nothing acknowledged is lost.
import type SQLite from 'better-sqlite3';
import { backoff, isBusy, lockBusyError, writeWaitMs } from './busy.ts';

interface Job {
	run: () => unknown;
	resolve: (value: unknown) => void;
	reject: (error: unknown) => void;
	/** Date.now() after which the job gives up waiting for the lock */
	deadline: number;
}

interface Batch {
	jobs: Job[];
	scheduled: boolean;
	/** BEGIN attempts in a row that met another process's lock */
	busyAttempts: number;
}

const batches = new WeakMap<SQLite.Database, Batch>();

/** Runs `job` (synchronous statements) in the next group commit; resolves with its result once committed. */
export function batchedWrite<T>(sqlite: SQLite.Database, job: () => T): Promise<T> {
	let batch = batches.get(sqlite);
	if (!batch) batches.set(sqlite, (batch = { jobs: [], scheduled: false, busyAttempts: 0 }));
	const queued = batch;
	const deadline = Date.now() + writeWaitMs();
	return new Promise<T>((resolve, reject) => {
		queued.jobs.push({ run: job, resolve: resolve as (value: unknown) => void, reject, deadline });
		if (!queued.scheduled) {
			queued.scheduled = true;
			setImmediate(() => flush(sqlite, queued));
		}
	});
}

function flush(sqlite: SQLite.Database, batch: Batch): void {
	// a Kysely transaction is open on the connection (it awaits between its statements): our
	// statements must not become part of it; look again shortly
	if (sqlite.inTransaction) return void setTimeout(() => flush(sqlite, batch), 1);
	const jobs = batch.jobs;
	batch.jobs = [];
	batch.scheduled = false;
	let outcomes: { ok: boolean; value: unknown }[];
	let began = false;
	try {
		// IMMEDIATE: take the write lock up front (another process, the CLI, may write too).
		// better-sqlite3 runs a transaction function called inside another one as a savepoint.
		outcomes = sqlite
			.transaction(() => {
				began = true;
				return jobs.map((job) => {
					try {
						return { ok: true, value: sqlite.transaction(job.run)() };
					} catch (error) {
						// some errors (disk full, I/O) roll back the whole transaction, not just the savepoint:
						// then nothing of the batch stands, and no later job may run (it would commit alone)
						if (!sqlite.inTransaction) throw error;
						return { ok: false, value: error };
					}
				});
			})
			.immediate();
	} catch (error) {
		if (!began && isBusy(error)) return waitForLock(sqlite, batch, jobs);
		// the batch or its commit failed: nothing of it is stored, every caller hears so
		for (const job of jobs) job.reject(error);
		return;
	}
	batch.busyAttempts = 0;
	jobs.forEach((job, i) => (outcomes[i].ok ? job.resolve(outcomes[i].value) : job.reject(outcomes[i].value)));
}

/** BEGIN IMMEDIATE met another writer: answer the jobs that waited too long, retry the rest later. */
function waitForLock(sqlite: SQLite.Database, batch: Batch, jobs: Job[]): void {
	const now = Date.now();
	const waiting: Job[] = [];
	for (const job of jobs) {
		if (now >= job.deadline) job.reject(lockBusyError());
		else waiting.push(job);
	}
	// the waiting jobs go first: a batch keeps the order in which writes arrived
	batch.jobs = waiting.concat(batch.jobs);
	if (batch.scheduled || batch.jobs.length === 0) return;
	batch.scheduled = true;
	setTimeout(() => flush(sqlite, batch), backoff(batch.busyAttempts++));
}
