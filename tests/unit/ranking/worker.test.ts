// The worker body is a plain string: it must run with no module scope at all, as in the bundle.

import { runInNewContext } from 'node:vm';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { countsFromBattles, fitBradleyTerry } from '../../../src/lib/ranking/index.ts';
import { kernels } from '../../../src/lib/ranking/kernels.ts';
import { runBootstrap } from '../../../src/lib/ranking/pool.ts';
import { BOOTSTRAP_TOLERANCE } from '../../../src/lib/ranking/fit.ts';
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

describe('bootstrap refits', () => {
	it('stop within 1e-3 Elo of the fully converged refit of the same redraw', () => {
		// 20 systems: a chord iteration contracts slowly enough here that stopping early would show
		const r = mulberry32(23);
		const c = countsFromBattles(generateBattles(randomTruth(20, r), 6000, r));
		const f = fitBradleyTerry(c);
		const base = { ...job, K: 20, P: c.pairI.length, pairI: c.pairI, pairJ: c.pairJ, cells: f.internal.cells, point: f.internal.params };
		const loose = kernels.boot.runRounds({ ...base, tol: BOOTSTRAP_TOLERANCE, start: 0, end: 200 });
		const tight = kernels.boot.runRounds({ ...base, tol: 1e-12, start: 0, end: 200 });
		let worst = 0;
		for (let k = 0; k < tight.samples.length; k++) worst = Math.max(worst, Math.abs(loose.samples[k] - tight.samples[k]));
		expect(worst).toBeGreaterThan(0);
		expect(worst).toBeLessThan(1e-3);
	});
});
