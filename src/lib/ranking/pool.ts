// Runs bootstrap rounds on worker threads (off the event loop, one contiguous block of rounds per
// worker), or in this thread when asked for 0 workers.

import type { BootstrapJob, BootstrapResult } from './bootstrap.ts';
import { kernels } from './kernels.ts';
import { workerSource } from './worker-source.ts';

/** Worker threads used when the caller does not say: every core, at most 8. */
export async function defaultWorkers(): Promise<number> {
	const os = await import('node:os');
	const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
	return Math.max(1, Math.min(8, cores));
}

/** Rounds 0 … rounds−1 of `job` (its start/end are ignored), split over `workers` threads. */
export async function runBootstrap(
	job: Omit<BootstrapJob, 'start' | 'end'>,
	rounds: number,
	workers: number
): Promise<BootstrapResult> {
	if (rounds <= 0) return { samples: new Float64Array(0), degenerate: 0 };
	const n = Math.max(0, Math.min(Math.floor(workers), rounds));
	if (n === 0) return kernels.boot.runRounds({ ...job, start: 0, end: rounds });

	const { Worker } = await import('node:worker_threads');
	const source = workerSource();
	const blocks = Array.from({ length: n }, (_, w) => {
		const start = Math.floor((w * rounds) / n);
		const end = Math.floor(((w + 1) * rounds) / n);
		return { start, end };
	});
	const parts = await Promise.all(
		blocks.map(
			({ start, end }) =>
				new Promise<BootstrapResult>((resolve, reject) => {
					const worker = new Worker(source, { eval: true });
					let settled = false;
					const finish = (fn: () => void) => {
						if (settled) return;
						settled = true;
						void worker.terminate();
						fn();
					};
					worker.once('message', (msg: { ok: true; result: BootstrapResult } | { ok: false; error: string }) =>
						finish(() => (msg.ok ? resolve(msg.result) : reject(new Error(`bootstrap worker: ${msg.error}`))))
					);
					worker.once('error', (error) => finish(() => reject(error)));
					worker.once('exit', (code) =>
						finish(() => reject(new Error(`bootstrap worker exited (code ${code}) before answering`)))
					);
					// each worker gets its own copies of the (small) arrays, moved rather than cloned
					const msg = {
						...job,
						pairI: job.pairI.slice(),
						pairJ: job.pairJ.slice(),
						cells: job.cells.slice(),
						point: job.point.slice(),
						start,
						end
					};
					worker.postMessage(msg, [msg.pairI.buffer, msg.pairJ.buffer, msg.cells.buffer, msg.point.buffer]);
				})
		)
	);
	const K = job.K;
	const samples = new Float64Array(rounds * K);
	let degenerate = 0;
	blocks.forEach(({ start }, w) => {
		samples.set(parts[w].samples, start * K);
		degenerate += parts[w].degenerate;
	});
	return { samples, degenerate };
}
