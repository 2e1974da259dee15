// The worker body is a plain string: it must run with no module scope at all, as in the bundle.

import { runInNewContext } from 'node:vm';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { countsFromBattles, fitBradleyTerry } from '../../../src/lib/ranking/index.ts';
import { kernels } from '../../../src/lib/ranking/kernels.ts';
import { runBootstrap } from '../../../src/lib/ranking/pool.ts';
import { workerSource } from '../../../src/lib/ranking/worker-source.ts';
import { generateBattles, mulberry32, randomTruth } from './helpers.ts';

const rand = mulberry32(11);
const counts = countsFromBattles(generateBattles(randomTruth(6, rand), 2000, rand));
const fit = fitBradleyTerry(counts);
const job = {
	K: 6,
	P: counts.pairI.length,
	pairI: counts.pairI,
	pairJ: counts.pairJ,
	cells: fit.internal.cells,
	mode: fit.internal.mode,
	prior: 0,
	fallbackPrior: 0.01,
	point: fit.internal.params,
	seed: 5,
	tol: 1e-9,
	maxIter: 200
};

describe('bootstrap worker', () => {
	it('is self-contained: evaluates in an empty context and answers like the in-thread kernel', () => {
		let handler: ((job: unknown) => void) | null = null;
		let answer: { ok: boolean; result?: { samples: Float64Array } } | null = null;
		const fakeThreads = {
			parentPort: {
				on: (_: string, h: (job: unknown) => void) => (handler = h),
				postMessage: (m: typeof answer) => (answer = m)
			}
		};
		const require = (id: string) => (id === 'node:worker_threads' ? fakeThreads : createRequire(import.meta.url)(id));
		// only `require` is provided: any reference to module scope would throw here
		runInNewContext(workerSource(), { require, Float64Array, Int32Array, Uint32Array, Uint8Array });
		handler!({ ...job, start: 0, end: 40 });
		expect(answer!.ok).toBe(true);
		const inThread = kernels.boot.runRounds({ ...job, start: 0, end: 40 });
		expect(Array.from(answer!.result!.samples)).toEqual(Array.from(inThread.samples));
	});

	it('splits rounds over threads without changing them', async () => {
		const one = await runBootstrap(job, 101, 0);
		const three = await runBootstrap(job, 101, 3);
		expect(three.samples).toEqual(one.samples);
		expect(one.samples.length).toBe(101 * 6);
	});

	it('reports a failing worker instead of hanging', async () => {
		await expect(runBootstrap({ ...job, K: 6, pairI: new Int32Array([0]), P: 5 }, 10, 1)).rejects.toThrow(/bootstrap worker/);
	});
});
