// The numeric kernels wired together for use in this thread (worker-source.ts wires the same factories
// inside a worker).

import { bootstrapKernel } from './bootstrap.ts';
import { btKernel } from './bradley-terry.ts';
import { davidsonKernel } from './davidson.ts';
import { graphKernel } from './graph.ts';
import { linalgKernel } from './linalg.ts';
import { newtonKernel } from './newton.ts';
import { rngKernel } from './rng.ts';
import { samplingKernel } from './sampling.ts';

const rng = rngKernel();
const sampling = samplingKernel(rng);
const lin = linalgKernel();
const newton = newtonKernel(lin);
const bt = btKernel();
const dav = davidsonKernel();
const graph = graphKernel();
const boot = bootstrapKernel(rng, sampling, lin, newton, bt, dav, graph);

export const kernels = { rng, sampling, lin, newton, bt, dav, graph, boot };
