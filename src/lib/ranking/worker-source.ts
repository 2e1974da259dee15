// Source text of the bootstrap worker, assembled from the kernels' own factories.
//
// Why a string: the worker must start the same way under tsx (CLI), vitest and the adapter-node bundle,
// and the bundle does not ship separate worker files. Each factory is dependency-free (it uses only its
// parameters), so its Function.prototype.toString() is valid standalone JavaScript in any of them.

import { bootstrapKernel } from './bootstrap.ts';
import { btKernel } from './bradley-terry.ts';
import { davidsonKernel } from './davidson.ts';
import { graphKernel } from './graph.ts';
import { linalgKernel } from './linalg.ts';
import { newtonKernel } from './newton.ts';
import { rngKernel } from './rng.ts';
import { samplingKernel } from './sampling.ts';

let cached: string | null = null;

export function workerSource(): string {
	cached ??= `'use strict';
// esbuild (tsx) keeps function names through a __name helper that lives outside the factories
var __name = function (target) { return target; };
const rng = (${rngKernel.toString()})();
const sampling = (${samplingKernel.toString()})(rng);
const lin = (${linalgKernel.toString()})();
const newton = (${newtonKernel.toString()})(lin);
const bt = (${btKernel.toString()})();
const dav = (${davidsonKernel.toString()})();
const graph = (${graphKernel.toString()})();
const boot = (${bootstrapKernel.toString()})(rng, sampling, lin, newton, bt, dav, graph);
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (job) => {
	try {
		const result = boot.runRounds(job);
		parentPort.postMessage({ ok: true, result }, [result.samples.buffer]);
	} catch (error) {
		parentPort.postMessage({ ok: false, error: String((error && error.stack) || error) });
	}
});
`;
	return cached;
}
