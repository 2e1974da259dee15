// Runs bootstrap rounds on worker threads (off the event loop), or in this thread when asked for 0
// workers. One pool per process: every bootstrap, however many run at once, shares the same few
// threads. (Each call used to start its own workers: 16 parallel requests on a server took it from 12
// to 44 threads and 467 MB.) A call splits its rounds into blocks; blocks wait in one FIFO queue for a
// free thread, so concurrent calls interleave and the thread count never exceeds the pool's size.

import type { BootstrapJob, BootstrapResult } from './bootstrap.ts';
import { kernels } from './kernels.ts';
import { workerSource } from './worker-source.ts';
import type { Worker } from 'node:worker_threads';

async function cores(): Promise<number> {
	const os = await import('node:os');
	return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

/** Worker threads used when the caller does not say: every core, at most 8. */
export async function defaultWorkers(): Promise<number> {
	return Math.max(1, Math.min(8, await cores()));
}

interface Block {
	message: BootstrapJob;
	resolve: (result: BootstrapResult) => void;
	reject: (error: unknown) => void;
}

interface PoolWorker {
	worker: Worker;
	block: Block | null;
}

const pool = {
	/** null: every core, at most 8 (defaultWorkers), decided at the first bootstrap */
	size: null as number | null,
	workers: new Set<PoolWorker>(),
	queue: [] as Block[]
};

/**
 * Caps the process's bootstrap threads (a server keeps a core for its event loop). Threads above a
 * lowered cap stop when their block is done.
 */
export function setBootstrapThreads(threads: number): void {
	if (!(Number.isInteger(threads) && threads >= 1)) throw new Error(`bootstrap threads must be an integer ≥ 1, not ${threads}`);
	pool.size = threads;
}

/** Threads the pool has started and not stopped (for tests and benchmarks). */
export function bootstrapThreads(): number {
	return pool.workers.size;
}

async function spawn(): Promise<PoolWorker> {
	const { Worker } = await import('node:worker_threads');
	const entry: PoolWorker = { worker: new Worker(workerSource(), { eval: true }), block: null };
	entry.worker.unref();
	const fail = (error: unknown) => {
		if (!pool.workers.delete(entry)) return;
		const block = entry.block;
		entry.block = null;
		block?.reject(error);
		void pump();
	};
	entry.worker.on('message', (msg: { ok: true; result: BootstrapResult } | { ok: false; error: string }) => {
		const block = entry.block;
		entry.block = null;
		// idle: let a process with nothing else to do exit
		entry.worker.unref();
		if (block) {
			if (msg.ok) block.resolve(msg.result);
			else block.reject(new Error(`bootstrap worker: ${msg.error}`));
		}
		if (pool.size !== null && pool.workers.size > pool.size) {
			pool.workers.delete(entry);
			void entry.worker.terminate();
		}
		void pump();
	});
	entry.worker.on('error', fail);
	entry.worker.on('exit', (code) => fail(new Error(`bootstrap worker exited (code ${code}) before answering`)));
	pool.workers.add(entry);
	return entry;
}

let starting = 0;

async function pump(): Promise<void> {
	pool.size ??= await defaultWorkers();
	while (pool.queue.length) {
		let free = [...pool.workers].find((w) => w.block === null);
		if (!free) {
			if (pool.workers.size + starting >= pool.size) return;
			starting++;
			try {
				free = await spawn();
			} finally {
				starting--;
			}
			if (free.block !== null) continue;
		}
		const block = pool.queue.shift();
		if (!block) return;
		free.block = block;
		// busy: keep the process alive until the answer is in
		free.worker.ref();
		const msg = block.message;
		// the block's own copies (runBlock): moved rather than cloned
		free.worker.postMessage(msg, [msg.pairI.buffer, msg.pairJ.buffer, msg.cells.buffer, msg.point.buffer] as ArrayBuffer[]);
	}
}

function runBlock(job: Omit<BootstrapJob, 'start' | 'end'>, start: number, end: number): Promise<BootstrapResult> {
	// each block gets its own copies of the (small) arrays, moved rather than cloned
	const message: BootstrapJob = {
		...job,
		pairI: job.pairI.slice(),
		pairJ: job.pairJ.slice(),
		cells: job.cells.slice(),
		point: job.point.slice(),
		start,
		end
	};
	return new Promise((resolve, reject) => {
		pool.queue.push({ message, resolve, reject });
		void pump();
	});
}

/** Rounds 0 … rounds−1 of `job` (its start/end are ignored), split into `workers` blocks for the pool. */
export async function runBootstrap(job: Omit<BootstrapJob, 'start' | 'end'>, rounds: number, workers: number): Promise<BootstrapResult> {
	if (rounds <= 0) return { samples: new Float64Array(0), degenerate: 0 };
	const n = Math.max(0, Math.min(Math.floor(workers), rounds));
	if (n === 0) return kernels.boot.runRounds({ ...job, start: 0, end: rounds });

	const blocks = Array.from({ length: n }, (_, w) => {
		const start = Math.floor((w * rounds) / n);
		const end = Math.floor(((w + 1) * rounds) / n);
		return { start, end };
	});
	const parts = await Promise.all(blocks.map(({ start, end }) => runBlock(job, start, end)));
	const K = job.K;
	const samples = new Float64Array(rounds * K);
	let degenerate = 0;
	blocks.forEach(({ start }, w) => {
		samples.set(parts[w].samples, start * K);
		degenerate += parts[w].degenerate;
	});
	return { samples, degenerate };
}
