// WAL checkpoints off the request thread. A commit appends to the WAL (and, with the server's
// synchronous=FULL, fsyncs it); copying the WAL back into the database file (a checkpoint) costs
// more fsyncs and writes. SQLite runs
// that inside whichever commit crosses wal_autocheckpoint, so one vote in ~70 paid for a checkpoint
// on the event loop. The server moves auto-checkpoints far off and lets a worker thread with its own
// connection checkpoint (PASSIVE: never blocks a writer or a reader) a few times a second.
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import type SQLite from 'better-sqlite3';

// eval'd CommonJS: no file to bundle or to find next to the built server
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
let stopping = false;
let failing = false;
function checkpoint() {
	try { db.pragma('wal_checkpoint(PASSIVE)'); if (failing) { failing = false; parentPort.postMessage({ ok: true }); } }
	catch (e) { failing = true; parentPort.postMessage({ error: String(e && e.message || e) }); }
}
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (m) => {
	if (m !== 'stop' || stopping) return;
	stopping = true;
	clearInterval(timer);
	checkpoint();
	db.close();
	parentPort.postMessage({ stopped: true });
});
`;

/** 10,000 pages: about 40 MB of WAL. */
export const SAFETY_NET_PAGES = 10_000;

export interface Checkpointer {
	stop(): Promise<void>;
}

export function startCheckpointer(sqlite: SQLite.Database, intervalMs = 250): Checkpointer {
	const file = sqlite.name;
	const driver = createRequire(import.meta.url).resolve('better-sqlite3');
	// A PASSIVE checkpoint copies the WAL back but never restarts it, and with commits landing during
	// every checkpoint the WAL would grow for as long as voting goes on. So the connection keeps a
	// far-off auto-checkpoint as well: by the time it fires the worker has copied nearly everything,
	// so it costs the event loop little, and the next writer restarts the WAL from its beginning.
	sqlite.pragma(`wal_autocheckpoint = ${SAFETY_NET_PAGES}`);
	// after a complete checkpoint the next writer restarts the WAL; keep the file from staying huge
	sqlite.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
	const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver, intervalMs } });
	worker.unref();
	let failed = false;
	let stopping = false;
	const fallBack = (why: string) => {
		if (failed || stopping) return;
		failed = true;
		// never leave the WAL to grow without bound: SQLite checkpoints on commit again
		console.error(`checkpointer: ${why}; checkpoints run on commit again`);
		sqlite.pragma('wal_autocheckpoint = 1000');
	};
	let errorsInARow = 0;
	worker.on('message', (m: { error?: string; ok?: boolean }) => {
		if (m.ok) errorsInARow = 0;
		if (!m.error) return;
		console.error(`checkpointer: ${m.error}`);
		if (++errorsInARow >= 10) fallBack('10 checkpoints in a row failed');
	});
	worker.on('error', (e) => fallBack(e.message));
	worker.on('exit', (code) => code !== 0 && fallBack(`worker exited with ${code}`));
	return {
		stop: () =>
			new Promise((done) => {
				if (failed || stopping) return done();
				stopping = true;
				const timeout = setTimeout(() => void worker.terminate().then(() => done()), 5000);
				const onStopped = (m: { stopped?: boolean }) => {
					if (!m.stopped) return;
					worker.off('message', onStopped);
					clearTimeout(timeout);
					void worker.terminate().then(() => done());
				};
				worker.on('message', onStopped);
				worker.postMessage('stop');
			})
	};
}
