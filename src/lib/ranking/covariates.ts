// Controlled leaderboard: Bradley–Terry with covariates (the arena's "style control" regression).
// Per vote, P(left wins) = σ(θ_left − θ_right + γ·x) with x the vote's design values (e.g. normalised
// feature differences of the two images, or 1 for a constant "left side" term). β (the ratings) and γ
// are fitted jointly by maximum likelihood, ties half a win each side (or left out), with a small L2
// penalty on γ only; the ratings answer "what if every image were alike in x". Intervals come from a
// bootstrap that redraws votes as one multinomial over the aggregated (pair, design, outcome) cells.

import { countsFromCodes } from './counts.ts';
import { covariateKernel, type CovariateBootJob, type CovariateProblem } from './covariates-kernel.ts';
import { runCovariateRounds } from './covariates-pool.ts';
import { RankingError } from './errors.ts';
import { ELO_PER_NAT, fitBradleyTerry } from './fit.ts';
import { kernels } from './kernels.ts';
import { quantileSorted } from './leaderboard.ts';
import { rankSpread, separability } from './spread.ts';

const cov = covariateKernel(kernels.rng, kernels.sampling, kernels.lin);

/** Votes with design values, one row each; outcome codes as in counts.ts (0 a, 1 b, 2 tie, 3 both bad). */
export interface CovariateVotes {
	systems: string[];
	/** covariate names, one column of x each */
	features: string[];
	/** left system (model_a) */
	a: Int32Array;
	b: Int32Array;
	outcome: Uint8Array;
	/** votes × features, row-major */
	x: Float64Array;
	/** per-vote positive weights; null = all 1 */
	weight: Float64Array | null;
}

/** Identical (left, right, design) rows merged; per row the vote counts and summed weights by outcome. */
export interface CovariateCells {
	systems: string[];
	features: string[];
	rows: number;
	a: Int32Array;
	b: Int32Array;
	x: Float64Array;
	/** rows × 3: votes won by a, won by b, tied (both kinds) */
	counts: Float64Array;
	/** rows × 3: summed weights of the same votes */
	weights: Float64Array;
	votes: number;
}

export type CovariateTies = 'half' | 'exclude';

export interface ControlOptions {
	ties?: CovariateTies;
	/** L2 penalty on γ (logit scale, on the whole log-likelihood: ½·l2·Σγ²); default 1 */
	l2?: number;
	bootstrap?: number;
	seed?: number;
	/** worker threads for the bootstrap; 0 = this thread; default every core (≤ 8) */
	workers?: number;
}

export interface ControlledEntry {
	system: string;
	rating: number;
	ci_low: number | null;
	ci_high: number | null;
	/** best rank the intervals allow (1 + systems whose ci_low is above this one's ci_high) */
	rank: number;
	/** worst rank the intervals allow (K − systems whose ci_high is below this one's ci_low) */
	rank_worst: number;
	/** the same votes fitted without covariates (weights kept) */
	raw_rating: number;
	/** raw place minus controlled place (by point rating): positive = the system moves up when controlled */
	delta_rank: number;
}

export interface Coefficient {
	name: string;
	/** logit scale: change in log-odds of the left image winning per unit of x */
	logit: number;
	/** the same in Elo points (× 400 / ln 10) */
	elo: number;
	ci_low: number | null;
	ci_high: number | null;
}

export interface ControlledBoard {
	leaderboard: ControlledEntry[];
	coefficients: Coefficient[];
	votes: number;
	weighted_votes: number;
	/** distinct (pair, design) rows the votes were aggregated into */
	rows: number;
	ties: CovariateTies;
	l2: number;
	separability: number | null;
	bootstrap: { rounds: number; seed: number };
}

export const CONTROL_TOLERANCE = 1e-10;
const BOOT_TOLERANCE = 1e-6;
const MAX_ITER = 200;

function fmix(h: number): number {
	h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
	h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
	return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Merges votes with the same left and right systems and the same design values (after rounding to
 * `grid` steps, when given: a coarser grid means fewer cells and a faster bootstrap). Exact merging
 * changes nothing in the fit: a row only enters through its summed score and weight.
 */
export function aggregateCovariates(votes: CovariateVotes, opts: { ties?: CovariateTies; grid?: number } = {}): CovariateCells {
	const p = votes.features.length;
	const N = votes.a.length;
	const grid = opts.grid;
	const bits = new Float64Array(1);
	const words = new Uint32Array(bits.buffer);
	let cap = 1024;
	while (cap < 2 * Math.min(N, 1 << 22)) cap *= 2;
	let slots = new Int32Array(cap).fill(-1);
	let hashes = new Uint32Array(cap);
	let rowA = new Int32Array(1024);
	let rowB = new Int32Array(1024);
	let rowX = new Float64Array(1024 * Math.max(p, 1));
	let counts = new Float64Array(3 * 1024);
	let weights = new Float64Array(3 * 1024);
	let rows = 0;
	const xv = new Float64Array(p);
	const place = (h: number) => {
		const mask = slots.length - 1;
		let slot = h & mask;
		while (slots[slot] >= 0) slot = (slot + 1) & mask;
		return slot;
	};
	for (let v = 0; v < N; v++) {
		const a = votes.a[v];
		const b = votes.b[v];
		let h = fmix(Math.imul(a, 0x9e3779b1) ^ b);
		for (let k = 0; k < p; k++) {
			let value = votes.x[v * p + k];
			if (grid) value = Math.round(value / grid) * grid;
			if (value === 0) value = 0; // −0 and 0 are one bucket
			xv[k] = value;
			bits[0] = value;
			h = fmix(h ^ words[0]) ^ words[1];
		}
		h = fmix(h);
		const mask = slots.length - 1;
		let slot = h & mask;
		let row = -1;
		for (;;) {
			const r = slots[slot];
			if (r < 0) break;
			if (hashes[r] === h && rowA[r] === a && rowB[r] === b) {
				let same = true;
				for (let k = 0; k < p && same; k++) same = rowX[r * p + k] === xv[k];
				if (same) {
					row = r;
					break;
				}
			}
			slot = (slot + 1) & mask;
		}
		if (row < 0) {
			if (rows === rowA.length) {
				const grow = <T extends Int32Array | Float64Array>(x: T, y: T): T => (y.set(x), y);
				const c = rows * 2;
				rowA = grow(rowA, new Int32Array(c));
				rowB = grow(rowB, new Int32Array(c));
				rowX = grow(rowX, new Float64Array(c * Math.max(p, 1)));
				counts = grow(counts, new Float64Array(3 * c));
				weights = grow(weights, new Float64Array(3 * c));
			}
			if (hashes.length < rowA.length) {
				const bigger = new Uint32Array(rowA.length);
				bigger.set(hashes);
				hashes = bigger;
			}
			row = rows++;
			rowA[row] = a;
			rowB[row] = b;
			rowX.set(xv, row * p);
			hashes[row] = h;
			slots[slot] = row;
			if (2 * rows > slots.length) {
				slots = new Int32Array(slots.length * 2).fill(-1);
				for (let r = 0; r < rows; r++) slots[place(hashes[r])] = r;
			}
		}
		const o = votes.outcome[v];
		const c = 3 * row + (o === 0 ? 0 : o === 1 ? 1 : 2);
		counts[c] += 1;
		weights[c] += votes.weight ? votes.weight[v] : 1;
	}
	return {
		systems: votes.systems,
		features: votes.features,
		rows,
		a: rowA.slice(0, rows),
		b: rowB.slice(0, rows),
		x: rowX.slice(0, rows * p),
		counts: counts.slice(0, 3 * rows),
		weights: weights.slice(0, 3 * rows),
		votes: N
	};
}

function problem(cells: CovariateCells, l2: number, features = cells.features.length): CovariateProblem {
	const p = cells.features.length;
	let x = cells.x;
	if (features !== p) {
		// the raw fit: the same rows without their design values
		x = new Float64Array(0);
	}
	return { K: cells.systems.length, p: features, rows: cells.rows, a: cells.a, b: cells.b, x, l2, prior: 0 };
}

export interface ControlledFit {
	systems: string[];
	features: string[];
	/** θ (natural log, mean 0) then γ (logit) */
	params: Float64Array;
	ratings: Float64Array;
	rawRatings: Float64Array;
	iterations: number;
	logLikelihood: number;
}

function checkCells(cells: CovariateCells, ties: CovariateTies): void {
	const K = cells.systems.length;
	if (cells.votes === 0 || K === 0) throw new RankingError('empty', 'no votes to rank');
	if (K === 1)
		throw new RankingError('single_system', `only one system (${cells.systems[0]}): nothing to rank it against`, [...cells.systems]);
	// the ratings' own existence condition (a strongly connected comparison graph), with its explanation
	const a: number[] = [];
	const b: number[] = [];
	const o: number[] = [];
	for (let r = 0; r < cells.rows; r++)
		for (let c = 0; c < 3; c++) {
			if (cells.counts[3 * r + c] === 0) continue;
			a.push(cells.a[r]);
			b.push(cells.b[r]);
			o.push(c);
		}
	fitBradleyTerry(countsFromCodes(cells.systems, Int32Array.from(a), Int32Array.from(b), Uint8Array.from(o)), { ties });
}

/** Point fit of the controlled model (and of the same rows without covariates, for Δrank). */
export function fitControlled(cells: CovariateCells, opts: { ties?: CovariateTies; l2?: number } = {}): ControlledFit {
	const ties = opts.ties ?? 'half';
	if (ties !== 'half' && ties !== 'exclude')
		throw new RankingError('invalid_input', `the controlled fit counts ties half or excludes them, not '${ties}'`);
	const l2 = opts.l2 ?? 1;
	if (!(Number.isFinite(l2) && l2 >= 0)) throw new RankingError('invalid_input', `l2 must be a finite number ≥ 0, not ${l2}`);
	checkCells(cells, ties);
	const mode = ties === 'exclude' ? 1 : 0;
	const K = cells.systems.length;
	const p = cells.features.length;
	const s = new Float64Array(cells.rows);
	const n = new Float64Array(cells.rows);
	cov.scores(mode, cells.weights, cells.rows, s, n);
	const fitOne = (pr: CovariateProblem) => {
		const x = new Float64Array(pr.K + pr.p);
		const iterations = cov.newton(pr, s, n, x, cov.workspace(pr.K + pr.p), CONTROL_TOLERANCE, MAX_ITER);
		return { x, iterations, ll: cov.logLik(pr, s, n, x) };
	};
	const full = fitOne(problem(cells, l2));
	if (full.iterations < 0)
		throw new RankingError(
			'invalid_input',
			`the covariates ${cells.features.join(', ')} have no finite estimate (one of them separates wins from losses); use an L2 penalty > 0`
		);
	const raw = p > 0 ? fitOne(problem(cells, l2, 0)) : full;
	const elo = (x: Float64Array) => Float64Array.from({ length: K }, (_, i) => 1000 + x[i] * ELO_PER_NAT);
	return {
		systems: cells.systems,
		features: cells.features,
		params: full.x,
		ratings: elo(full.x),
		rawRatings: elo(raw.x),
		iterations: full.iterations,
		logLikelihood: full.ll
	};
}

/** Places by point rating (1 = best; ties in rating broken by name), indexed like systems. */
function places(ratings: Float64Array, systems: string[]): Int32Array {
	const order = Array.from({ length: ratings.length }, (_, i) => i).sort(
		(x, y) => ratings[y] - ratings[x] || (systems[x] < systems[y] ? -1 : 1)
	);
	const place = new Int32Array(ratings.length);
	order.forEach((i, k) => (place[i] = k + 1));
	return place;
}

/** Fit, bootstrap and board. */
export async function rankControlled(
	cells: CovariateCells,
	opts: ControlOptions = {}
): Promise<{ board: ControlledBoard; fit: ControlledFit; warnings: string[] }> {
	const ties = opts.ties ?? 'half';
	const l2 = opts.l2 ?? 1;
	const rounds = opts.bootstrap ?? 1000;
	const seed = opts.seed ?? 0;
	if (!(Number.isSafeInteger(rounds) && rounds >= 0))
		throw new RankingError('invalid_input', `bootstrap rounds must be an integer ≥ 0, not ${rounds}`);
	if (!(Number.isSafeInteger(seed) && seed >= 0)) throw new RankingError('invalid_input', `seed must be an integer ≥ 0, not ${seed}`);
	const fit = fitControlled(cells, { ties, l2 });
	const K = cells.systems.length;
	const p = cells.features.length;
	const D = K + p;
	const job: CovariateBootJob = {
		problem: problem(cells, l2),
		counts: cells.counts,
		weights: cells.weights,
		mode: ties === 'exclude' ? 1 : 0,
		point: fit.params,
		seed,
		from: 0,
		to: rounds,
		tol: BOOT_TOLERANCE,
		maxIter: MAX_ITER,
		fallbackPrior: 0.01
	};
	const { samples, degenerate } =
		rounds > 0 ? await runCovariateRounds(job, opts.workers) : { samples: new Float64Array(0), degenerate: 0 };
	const low = new Float64Array(D);
	const high = new Float64Array(D);
	if (rounds > 0) {
		const column = new Float64Array(rounds);
		for (let d = 0; d < D; d++) {
			for (let r = 0; r < rounds; r++) column[r] = samples[r * D + d] * ELO_PER_NAT + (d < K ? 1000 : 0);
			column.sort();
			low[d] = quantileSorted(column, 0.025);
			high[d] = quantileSorted(column, 0.975);
		}
	}
	const ratings = fit.ratings;
	const lowK = low.subarray(0, K);
	const highK = high.subarray(0, K);
	const spread = rounds > 0 ? rankSpread(lowK, highK) : null;
	const controlledPlace = places(ratings, cells.systems);
	const rawPlace = places(fit.rawRatings, cells.systems);
	const order = Array.from({ length: K }, (_, i) => i).sort((x, y) => controlledPlace[x] - controlledPlace[y]);
	const leaderboard: ControlledEntry[] = order.map((i) => ({
		system: cells.systems[i],
		rating: ratings[i],
		ci_low: rounds > 0 ? low[i] : null,
		ci_high: rounds > 0 ? high[i] : null,
		rank: spread ? spread.best[i] : controlledPlace[i],
		rank_worst: spread ? spread.worst[i] : controlledPlace[i],
		raw_rating: fit.rawRatings[i],
		delta_rank: rawPlace[i] - controlledPlace[i]
	}));
	const coefficients: Coefficient[] = cells.features.map((name, k) => ({
		name,
		logit: fit.params[K + k],
		elo: fit.params[K + k] * ELO_PER_NAT,
		ci_low: rounds > 0 ? low[K + k] : null,
		ci_high: rounds > 0 ? high[K + k] : null
	}));
	let weighted = 0;
	let votes = 0;
	for (let c = 0; c < cells.weights.length; c++) {
		if (ties === 'exclude' && c % 3 === 2) continue;
		weighted += cells.weights[c];
		votes += cells.counts[c];
	}
	const warnings: string[] = [];
	if (degenerate > 0)
		warnings.push(
			`${degenerate} of ${rounds} bootstrap redraws had no finite maximum-likelihood estimate; they were refitted with a 0.01-draw prior and count as extreme values`
		);
	const board: ControlledBoard = {
		leaderboard,
		coefficients,
		votes,
		weighted_votes: weighted,
		rows: cells.rows,
		ties,
		l2,
		separability: rounds > 0 ? separability(lowK, highK) : null,
		bootstrap: { rounds, seed }
	};
	return { board, fit, warnings };
}
