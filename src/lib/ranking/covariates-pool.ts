// Bootstrap rounds of the controlled fit on worker threads (or in this thread for 0 workers). Each call
// starts its own short-lived workers: the controlled board is computed on request from a cached
// per-campaign result or by the CLI, not on every vote, so a pool of its own is not worth keeping.

import { covariateKernel, type CovariateBootJob } from './covariates-kernel.ts';
import { linalgKernel } from './linalg.ts';
import { defaultWorkers } from './pool.ts';
import { rngKernel } from './rng.ts';
import { samplingKernel } from './sampling.ts';

let source: string | null = null;

function workerSource(): string {
	source ??= `'use strict';
var __name = function (target) { return target; };
const rng = (${rngKernel.toString()})();
const sampling = (${samplingKernel.toString()})(rng);
const lin = (${linalgKernel.toString()})();
const cov = (${covariateKernel.toString()})(rng, sampling, lin);
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (job) => {
	try {
		const result = cov.runRounds(job);
		parentPort.postMessage({ ok: true, result }, [result.samples.buffer]);
	} catch (error) {
		parentPort.postMessage({ ok: false, error: String((error && error.stack) || error) });
	}
});
`;
	return source;
}

let here: ReturnType<typeof covariateKernel> | null = null;

export async function runCovariateRounds(job: CovariateBootJob, workers?: number): Promise<{ samples: Float64Array; degenerate: number }> {
	const rounds = job.to - job.from;
	const threads = Math.min(workers ?? (await defaultWorkers()), rounds);
	if (!(Number.isInteger(threads) && threads >= 0)) throw new Error(`workers must be an integer ≥ 0, not ${workers}`);
	if (threads === 0) {
		here ??= (() => {
			const rng = rngKernel();
			return covariateKernel(rng, samplingKernel(rng), linalgKernel());
		})();
		return here.runRounds(job);
	}
	const { Worker } = await import('node:worker_threads');
	const D = job.problem.K + job.problem.p;
	const blocks: Promise<{ samples: Float64Array; degenerate: number }>[] = [];
	for (let t = 0; t < threads; t++) {
		const from = job.from + Math.floor((rounds * t) / threads);
		const to = job.from + Math.floor((rounds * (t + 1)) / threads);
		blocks.push(
			new Promise((resolve, reject) => {
				const worker = new Worker(workerSource(), { eval: true });
				worker.once('message', (m: { ok: boolean; result?: { samples: Float64Array; degenerate: number }; error?: string }) => {
					void worker.terminate();
					if (m.ok && m.result) resolve(m.result);
					else reject(new Error(m.error));
				});
				worker.once('error', reject);
				worker.postMessage({ ...job, from, to });
			})
		);
	}
	const parts = await Promise.all(blocks);
	const samples = new Float64Array(rounds * D);
	let offset = 0;
	let degenerate = 0;
	for (const part of parts) {
		samples.set(part.samples, offset);
		offset += part.samples.length;
		degenerate += part.degenerate;
	}
	return { samples, degenerate };
}
