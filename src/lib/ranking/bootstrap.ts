// Bootstrap refits: each round redraws the N votes as one multinomial over the distinct
// (pair, outcome) cells — the same distribution as resampling votes with replacement, at O(cells) per
// round — and refits from the full-data estimate by chord iterations.
//
// Worker-shipped like rng.ts: the factory refers only to its parameters and JavaScript globals.

import type { BTKernel, BTProblem } from './bradley-terry.ts';
import type { DavidsonKernel, DavidsonProblem } from './davidson.ts';
import type { graphKernel } from './graph.ts';
import type { LinalgKernel } from './linalg.ts';
import type { NewtonKernel } from './newton.ts';
import type { RngKernel } from './rng.ts';
import type { SamplingKernel } from './sampling.ts';

/** Tie handling as a number (it crosses the worker boundary): 0 half, 1 exclude, 2 Davidson. */
export type ModeCode = 0 | 1 | 2;

export interface BootstrapJob {
	K: number;
	P: number;
	pairI: Int32Array;
	pairJ: Int32Array;
	/** 3 per pair: wins of pairI, wins of pairJ, ties of both kinds (zeroed in exclude mode) */
	cells: Float64Array;
	/**
	 * Inverse-probability weights (adaptive scheduling), 3 per pair: the mean weight 1/P of the pair's
	 * votes (counts.ts). Each round redraws the votes (counts) as usual and weighs every drawn vote by
	 * its pair's mean weight. Absent or null: unweighted.
	 */
	weights?: Float64Array | null;
	mode: ModeCode;
	prior: number;
	/** prior used for a redraw that has no finite MLE when `prior` is 0 */
	fallbackPrior: number;
	/** full-data estimate: θ (and ln ν last, in Davidson mode) */
	point: Float64Array;
	seed: number;
	/** rounds start … end−1 (each round has its own random stream, so any split gives the same result) */
	start: number;
	end: number;
	tol: number;
	maxIter: number;
}

export interface BootstrapResult {
	/** (end − start) × K ratings on the Elo scale (mean 1000), round-major */
	samples: Float64Array;
	/** rounds whose redraw had no finite MLE and were fitted with the fallback prior */
	degenerate: number;
}

export interface Problems {
	bt: BTProblem;
	dav: DavidsonProblem;
	fwd: Float64Array;
	bwd: Float64Array;
}

export function bootstrapKernel(
	rng: RngKernel,
	sampling: SamplingKernel,
	lin: LinalgKernel,
	newton: NewtonKernel,
	bt: BTKernel,
	dav: DavidsonKernel,
	graph: ReturnType<typeof graphKernel>
) {
	function makeProblems(K: number, P: number, pairI: Int32Array, pairJ: Int32Array, prior: number): Problems {
		return {
			bt: { K, P, pairI, pairJ, score: new Float64Array(P), games: new Float64Array(P), prior },
			dav: {
				K,
				P,
				pairI,
				pairJ,
				winsI: new Float64Array(P),
				winsJ: new Float64Array(P),
				ties: new Float64Array(P),
				prior
			},
			fwd: new Float64Array(P),
			bwd: new Float64Array(P)
		};
	}

	/**
	 * Loads 3-per-pair cells into the problems: the BT problem in 'half' form for mode 0 and in decisive
	 * form otherwise (Davidson falls back to it when there are no ties), and the graph edges of the mode.
	 */
	function fill(mode: ModeCode, cells: Float64Array, pr: Problems): { ties: number; decisive: number } {
		const { bt: b, dav: d, fwd, bwd } = pr;
		let ties = 0;
		let decisive = 0;
		for (let p = 0; p < b.P; p++) {
			const wi = cells[3 * p];
			const wj = cells[3 * p + 1];
			const t = mode === 1 ? 0 : cells[3 * p + 2];
			ties += t;
			decisive += wi + wj;
			b.score[p] = mode === 0 ? wi + 0.5 * t : wi;
			b.games[p] = mode === 0 ? wi + wj + t : wi + wj;
			if (mode === 2) {
				// only the Davidson objective reads these
				d.winsI[p] = wi;
				d.winsJ[p] = wj;
				d.ties[p] = t;
			}
			// a tie scores for both sides in 'half' and Davidson alike, which bounds both ratings
			fwd[p] = wi + t;
			bwd[p] = wj + t;
		}
		return { ties, decisive };
	}

	function runRounds(job: BootstrapJob): BootstrapResult {
		const { K, P, pairI, pairJ, cells, mode, point, tol, maxIter } = job;
		const rounds = job.end - job.start;
		const pr = makeProblems(K, P, pairI, pairJ, job.prior);
		const davidson = mode === 2;
		const objective = davidson ? dav.objective(pr.dav) : bt.objective(pr.bt);
		const btObjective = davidson ? bt.objective(pr.bt) : objective;
		const dim = objective.dim;
		const ws = newton.workspace(dim);
		const btWs = davidson ? newton.workspace(K) : ws;

		// one factor of the full-data Hessian at the estimate serves every round
		const weights = job.weights ?? null;
		if (weights) {
			const weighted = new Float64Array(cells.length);
			for (let c = 0; c < cells.length; c++) weighted[c] = cells[c] * weights[c];
			fill(mode, weighted, pr);
		} else fill(mode, cells, pr);
		const factor = new Float64Array(dim * dim);
		objective.evaluate(point, ws.g, factor);
		const haveFactor = lin.cholesky(factor, dim);

		const adj = graph.adjacency(K, P, pairI, pairJ);
		const stack = new Int32Array(K);
		const seen = new Uint8Array(K);
		// A redraw that keeps every edge of the data's comparison graph is strongly connected when the
		// data are: an O(pairs) scan instead of the two searches (which only run when an edge was lost).
		const dataFwd = new Uint8Array(P);
		const dataBwd = new Uint8Array(P);
		for (let p = 0; p < P; p++) {
			dataFwd[p] = pr.fwd[p] > 0 ? 1 : 0;
			dataBwd[p] = pr.bwd[p] > 0 ? 1 : 0;
		}
		const dataConnected = graph.stronglyConnected(K, adj, pairI, pairJ, pr.fwd, pr.bwd, stack, seen);
		const keepsEdges = (): boolean => {
			const { fwd, bwd } = pr;
			for (let p = 0; p < P; p++) if ((dataFwd[p] === 1 && !(fwd[p] > 0)) || (dataBwd[p] === 1 && !(bwd[p] > 0))) return false;
			return true;
		};
		const drawn = new Float64Array(cells.length);
		// the redraw's set-up (Poisson tables of the counts) is the same for every round
		const plan = sampling.multinomialPlan(cells);
		const state = new Uint32Array(4);
		const x = new Float64Array(dim);
		const samples = new Float64Array(rounds * K);
		const toElo = 400 / Math.LN10;
		let degenerate = 0;

		for (let r = 0; r < rounds; r++) {
			rng.seedStream(state, job.seed, job.start + r);
			sampling.drawMultinomial(state, plan, drawn);
			if (weights) for (let c = 0; c < drawn.length; c++) drawn[c] *= weights[c];
			const { ties, decisive } = fill(mode, drawn, pr);
			x.set(point);
			if (decisive === 0) {
				// only ties were drawn: every system looks the same
				x.fill(0);
			} else {
				const f = davidson && ties === 0 ? btObjective : objective;
				const w = f === objective ? ws : btWs;
				const connected =
					job.prior > 0 || (dataConnected && keepsEdges()) || graph.stronglyConnected(K, adj, pairI, pairJ, pr.fwd, pr.bwd, stack, seen);
				let it: number;
				if (!connected) {
					degenerate++;
					pr.bt.prior = pr.dav.prior = job.fallbackPrior;
					it = newton.maximize(f, x, w, tol, maxIter);
					pr.bt.prior = pr.dav.prior = job.prior;
				} else {
					it = f === objective && haveFactor ? newton.chord(f, x, factor, w, tol, maxIter) : -1;
					if (it < 0) {
						x.set(point);
						if (f !== objective) x[K] = 0;
						it = newton.maximize(f, x, w, tol, maxIter);
					}
				}
				if (it < 0) throw new Error(`bootstrap round ${job.start + r}: the refit did not converge`);
			}
			let mean = 0;
			for (let i = 0; i < K; i++) mean += x[i];
			mean /= K;
			for (let i = 0; i < K; i++) samples[r * K + i] = 1000 + (x[i] - mean) * toElo;
		}
		return { samples, degenerate };
	}

	return { makeProblems, fill, runRounds };
}

export type BootstrapKernel = ReturnType<typeof bootstrapKernel>;
