// Point fit: Bradley–Terry (ties half or excluded) or Davidson maximum likelihood on the Elo scale,
// rating = 1000 + 400·log10(strength) with mean 1000, by Newton on the K×K count matrix.

import type { ModeCode, Problems } from './bootstrap.ts';
import type { PairCounts } from './counts.ts';
import { RankingError } from './errors.ts';
import { explainNoFiniteMle } from './graph.ts';
import { kernels } from './kernels.ts';

export type TieMode = 'half' | 'davidson' | 'exclude';

export interface FitOptions {
	/** 'half' (default): a tie or both-bad counts half a win each side; 'davidson'; 'exclude' */
	ties?: TieMode;
	/**
	 * Virtual games of every system against a fixed opponent rated 1000, half of them won (Coulom's
	 * "virtual draws"). 0 (default) is the plain MLE; any X > 0 gives finite ratings for every input,
	 * shrunk towards 1000 by about as much as X real draws against an average system would.
	 */
	prior?: number;
}

export interface RatingFit {
	systems: string[];
	ties: TieMode;
	prior: number;
	/** Elo-scale ratings, mean 1000, index = system id */
	ratings: Float64Array;
	/** natural-log strengths, mean 0 */
	theta: Float64Array;
	/** Davidson's ν (0 when the data have no ties); null in the other modes */
	tieParameter: number | null;
	logLikelihood: number;
	iterations: number;
	/**
	 * what the bootstrap needs to refit the same model: the vote counts (3 per pair, what it resamples),
	 * their mean weights when the votes are weighted (1/P, adaptive scheduling), the estimate
	 */
	internal: { mode: ModeCode; cells: Float64Array; weights: Float64Array | null; params: Float64Array };
}

export const TOLERANCE = 1e-9;
/**
 * Bootstrap refits stop once the estimated distance to the redraw's optimum is below 1e-6 (natural-log
 * units, 1.7e-4 Elo). A percentile is an interpolation between two order statistics, so moving every
 * round's rating by at most δ moves every interval endpoint by at most δ: 1.7e-4 Elo, far below the
 * 0.1 Elo the intervals are shown to and below their Monte Carlo error (with 1000 rounds, about 0.09
 * standard errors of the rating: 0.2 Elo at a million votes over 100 systems).
 */
export const BOOTSTRAP_TOLERANCE = 1e-6;
export const MAX_ITERATIONS = 200;
export const ELO_PER_NAT = 400 / Math.LN10;

const MODES: Record<TieMode, ModeCode> = { half: 0, exclude: 1, davidson: 2 };

export function checkOptions(opts: FitOptions): { ties: TieMode; prior: number } {
	const ties = opts.ties ?? 'half';
	if (!(ties in MODES)) throw new RankingError('invalid_input', `unknown tie mode '${ties}' (half, davidson or exclude)`);
	const prior = opts.prior ?? 0;
	if (!(Number.isFinite(prior) && prior >= 0)) throw new RankingError('invalid_input', `prior must be a finite number ≥ 0, not ${prior}`);
	return { ties, prior };
}

/** Cells as the fit and bootstrap see them: 3 per pair (wins of i, wins of j, all ties). */
function fitCells(counts: PairCounts, mode: ModeCode): Float64Array {
	const P = counts.pairI.length;
	const cells = new Float64Array(3 * P);
	for (let p = 0; p < P; p++) {
		cells[3 * p] = counts.cells[4 * p];
		cells[3 * p + 1] = counts.cells[4 * p + 1];
		cells[3 * p + 2] = mode === 1 ? 0 : counts.cells[4 * p + 2] + counts.cells[4 * p + 3];
	}
	return cells;
}

/** Mean weight of each fit cell (the two kinds of tie pooled), or null when the votes are unweighted. */
function fitWeights(counts: PairCounts): Float64Array | null {
	const w = counts.weights;
	if (!w) return null;
	const P = counts.pairI.length;
	const c = counts.cells;
	const out = new Float64Array(3 * P);
	for (let p = 0; p < P; p++) {
		out[3 * p] = w[4 * p];
		out[3 * p + 1] = w[4 * p + 1];
		const ties = c[4 * p + 2] + c[4 * p + 3];
		out[3 * p + 2] = ties > 0 ? (c[4 * p + 2] * w[4 * p + 2] + c[4 * p + 3] * w[4 * p + 3]) / ties : 1;
	}
	return out;
}

/** Weighted cells: each count times its mean weight (the weighted likelihood's sufficient statistics). */
export function weightedCells(cells: Float64Array, weights: Float64Array | null): Float64Array {
	if (!weights) return cells;
	const out = new Float64Array(cells.length);
	for (let c = 0; c < cells.length; c++) out[c] = cells[c] * weights[c];
	return out;
}

/** Synchronous point fit; throws RankingError when no finite estimate exists. */
export function fitBradleyTerry(counts: PairCounts, opts: FitOptions = {}): RatingFit {
	const { ties, prior } = checkOptions(opts);
	const systems = counts.systems;
	const K = systems.length;
	if (counts.votes === 0 || K === 0) throw new RankingError('empty', 'no votes to rank');
	if (K === 1) throw new RankingError('single_system', `only one system (${systems[0]}): nothing to rank it against`, [...systems]);

	let mode = MODES[ties];
	const { pairI, pairJ } = counts;
	const P = pairI.length;
	const cells = fitCells(counts, mode);
	const weights = fitWeights(counts);
	const pr: Problems = kernels.boot.makeProblems(K, P, pairI, pairJ, prior);
	const { ties: tieTotal, decisive } = kernels.boot.fill(mode, weightedCells(cells, weights), pr);
	if (decisive === 0) {
		if (mode === 1) throw new RankingError('empty', 'no decisive votes (ties are excluded)');
		if (mode === 2) throw new RankingError('empty', 'only ties: the Davidson tie parameter has no finite estimate');
	}
	if (prior === 0) {
		const what = mode === 1 ? { win: 'no win', loss: 'no loss' } : { win: 'no win or tie', loss: 'no loss or tie' };
		const error = explainNoFiniteMle(systems, pairI, pairJ, pr.fwd, pr.bwd, what);
		if (error) throw error;
	}
	// Davidson with no tie at all: ν̂ = 0, where the model is plain Bradley–Terry on the decisive votes
	const davidson = mode === 2 && tieTotal > 0;
	if (mode === 2 && !davidson) mode = 1;
	const objective = davidson ? kernels.dav.objective(pr.dav) : kernels.bt.objective(pr.bt);
	const x = new Float64Array(objective.dim);
	if (davidson) x[K] = kernels.dav.initialLogNu(tieTotal, tieTotal + decisive);
	const ws = kernels.newton.workspace(objective.dim);
	const iterations = kernels.newton.maximize(objective, x, ws, TOLERANCE, MAX_ITERATIONS);
	if (iterations < 0) throw new Error('Bradley–Terry fit did not converge on a strongly connected graph (a bug)');

	const theta = new Float64Array(K);
	let mean = 0;
	for (let i = 0; i < K; i++) mean += x[i];
	mean /= K;
	const ratings = new Float64Array(K);
	for (let i = 0; i < K; i++) {
		theta[i] = x[i] - mean;
		ratings[i] = 1000 + theta[i] * ELO_PER_NAT;
	}
	return {
		systems,
		ties,
		prior,
		ratings,
		theta,
		tieParameter: ties === 'davidson' ? (davidson ? Math.exp(x[K]) : 0) : null,
		logLikelihood: objective.logLik(x),
		iterations,
		internal: { mode: davidson ? 2 : mode, cells, weights, params: x }
	};
}

/**
 * Predicted probability that system i is preferred to system j, ties split evenly (a Davidson tie
 * counts half for each side); 0.5 on the diagonal. Indexed like fit.systems.
 */
export function winProbability(fit: RatingFit): number[][] {
	const { theta } = fit;
	const K = theta.length;
	const nu = fit.tieParameter ?? 0;
	return Array.from({ length: K }, (_, i) =>
		Array.from({ length: K }, (_, j) => {
			if (i === j) return 0.5;
			const d = theta[i] - theta[j];
			if (fit.ties !== 'davidson' || nu === 0) return 1 / (1 + Math.exp(-d));
			const e = Math.exp(d / 2);
			const q = e + 1 / e + nu;
			return (e + nu / 2) / q;
		})
	);
}
