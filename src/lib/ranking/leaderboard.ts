// The leaderboard: point ratings, bootstrap percentile intervals, statistical-tie
// ranks, per-system totals and online Elo, best first.

import { systemTotals, type PairCounts } from './counts.ts';
import { onlineElo } from './elo.ts';
import { RankingError } from './errors.ts';
import { BOOTSTRAP_TOLERANCE, checkOptions, fitBradleyTerry, MAX_ITERATIONS, type RatingFit, type TieMode } from './fit.ts';
import type { BootstrapResult } from './bootstrap.ts';
import { defaultWorkers, runBootstrap } from './pool.ts';
import { adjacentRobustnessYielding, type AdjacentRobustness } from './robustness.ts';
import { addRankSpread, type SpreadLeaderboard } from './spread.ts';

export interface LeaderboardEntry {
	system: string;
	rating: number;
	/** 2.5th / 97.5th bootstrap percentiles; null when no bootstrap rounds were run */
	ci_low: number | null;
	ci_high: number | null;
	/** 1 + number of systems whose ci_low is above this system's ci_high */
	rank: number;
	battles: number;
	wins: number;
	losses: number;
	/** ties of both kinds */
	ties: number;
	/** online Elo; null when the votes have no order (pair statistics) */
	elo: number | null;
}

export interface Leaderboard {
	leaderboard: LeaderboardEntry[];
	votes: number;
	ties: TieMode;
	bootstrap: { rounds: number; seed: number };
	/** present only when a prior was used: the ratings are then shrunk, not maximum likelihood */
	prior?: number;
	/** present (true) only when the votes were weighted by 1/P (adaptive scheduling) */
	weighted?: boolean;
}

export interface RankOptions {
	ties?: TieMode;
	/** bootstrap rounds, default 1000; 0 skips intervals (ci_* null, rank by rating alone) */
	bootstrap?: number;
	/** seed of the bootstrap generator (a non-negative safe integer), default 0 */
	seed?: number;
	/** worker threads for the bootstrap; 0 runs it in the calling thread; default every core (≤ 8) */
	workers?: number;
	/** see FitOptions.prior */
	prior?: number;
}

export interface RankDetails {
	board: Leaderboard;
	fit: RatingFit;
	/** bootstrap ratings, rounds × K, round-major, indexed like fit.systems */
	samples: Float64Array;
	/** rounds whose redraw had no finite MLE (refitted with a small fallback prior) */
	degenerateRounds: number;
	warnings: string[];
}

/** Redraws without a finite MLE get this many virtual draws so that they still count (as extremes). */
export const FALLBACK_PRIOR = 0.01;

/** Percentile with linear interpolation between order statistics (numpy's default). */
export function quantileSorted(sorted: Float64Array, q: number): number {
	const h = (sorted.length - 1) * q;
	const lo = Math.floor(h);
	const hi = Math.min(lo + 1, sorted.length - 1);
	return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

export async function rankWithDetails(counts: PairCounts, opts: RankOptions = {}): Promise<RankDetails> {
	const run = await start(counts, opts);
	return finish(counts, run, await run.bootstrap);
}

/**
 * The leaderboard with rank spreads, and the robustness of every adjacent pair (what the results page
 * shows). The robustness search runs in this thread, a pair at a time, while the bootstrap rounds run
 * on the worker threads: on a cold cache the board costs about what the bootstrap costs alone.
 */
export async function rankBoard(
	counts: PairCounts,
	opts: RankOptions = {}
): Promise<{ board: SpreadLeaderboard; robustness: AdjacentRobustness[]; details: RankDetails }> {
	const run = await start(counts, opts);
	// robustness is measured under the half-win model (Davidson boards too), or without the ties
	const [samples, robustness] = await Promise.all([
		run.bootstrap,
		adjacentRobustnessYielding(counts, run.order, { exclude: run.ties === 'exclude' })
	]);
	const details = finish(counts, run, samples);
	return { board: addRankSpread(details.board), robustness, details };
}

interface Started {
	ties: TieMode;
	prior: number;
	rounds: number;
	seed: number;
	fit: RatingFit;
	/** system ids, best first: the board's order */
	order: number[];
	bootstrap: Promise<BootstrapResult>;
}

/** Checks the options, fits, and starts the bootstrap (on the workers unless 0 are asked for). */
async function start(counts: PairCounts, opts: RankOptions): Promise<Started> {
	const { ties, prior } = checkOptions(opts);
	const rounds = opts.bootstrap ?? 1000;
	const seed = opts.seed ?? 0;
	if (!(Number.isSafeInteger(rounds) && rounds >= 0))
		throw new RankingError('invalid_input', `bootstrap rounds must be an integer ≥ 0, not ${rounds}`);
	if (!(Number.isSafeInteger(seed) && seed >= 0)) throw new RankingError('invalid_input', `seed must be an integer ≥ 0, not ${seed}`);
	const workers = opts.workers ?? (await defaultWorkers());
	if (!(Number.isInteger(workers) && workers >= 0))
		throw new RankingError('invalid_input', `workers must be an integer ≥ 0, not ${workers}`);

	const fit = fitBradleyTerry(counts, { ties, prior });
	const K = fit.systems.length;
	const bootstrap = runBootstrap(
		{
			K,
			P: counts.pairI.length,
			pairI: counts.pairI,
			pairJ: counts.pairJ,
			cells: fit.internal.cells,
			weights: fit.internal.weights,
			mode: fit.internal.mode,
			prior,
			fallbackPrior: FALLBACK_PRIOR,
			point: fit.internal.params,
			seed,
			tol: BOOTSTRAP_TOLERANCE,
			maxIter: MAX_ITERATIONS
		},
		rounds,
		workers
	);
	const order = Array.from({ length: K }, (_, i) => i).sort(
		(x, y) => fit.ratings[y] - fit.ratings[x] || (fit.systems[x] < fit.systems[y] ? -1 : 1)
	);
	return { ties, prior, rounds, seed, fit, order, bootstrap };
}

function finish(counts: PairCounts, run: Started, { samples, degenerate }: BootstrapResult): RankDetails {
	const { ties, prior, rounds, seed, fit, order } = run;
	const K = fit.systems.length;
	const low = new Float64Array(K);
	const high = new Float64Array(K);
	if (rounds > 0) {
		const column = new Float64Array(rounds);
		for (let i = 0; i < K; i++) {
			for (let r = 0; r < rounds; r++) column[r] = samples[r * K + i];
			column.sort();
			low[i] = quantileSorted(column, 0.025);
			high[i] = quantileSorted(column, 0.975);
		}
	} else {
		low.set(fit.ratings);
		high.set(fit.ratings);
	}
	const totals = systemTotals(counts);
	const elo = counts.battles ? onlineElo(K, counts.battles) : null;
	const leaderboard: LeaderboardEntry[] = order.map((i) => {
		let above = 0;
		for (let j = 0; j < K; j++) if (low[j] > high[i]) above++;
		return {
			system: fit.systems[i],
			rating: fit.ratings[i],
			ci_low: rounds > 0 ? low[i] : null,
			ci_high: rounds > 0 ? high[i] : null,
			rank: 1 + above,
			battles: totals.battles[i],
			wins: totals.wins[i],
			losses: totals.losses[i],
			ties: totals.ties[i],
			elo: elo ? elo[i] : null
		};
	});
	const board: Leaderboard = { leaderboard, votes: counts.votes, ties, bootstrap: { rounds, seed } };
	if (prior > 0) board.prior = prior;
	if (counts.weights) board.weighted = true;
	const warnings: string[] = [];
	if (degenerate > 0)
		warnings.push(
			`${degenerate} of ${rounds} bootstrap redraws had no finite maximum-likelihood ratings (some system ` +
				`never won or never lost in the redraw); they were refitted with a ${FALLBACK_PRIOR}-draw prior and ` +
				`count as extreme values, so intervals touching them are wide on purpose`
		);
	return { board, fit, samples, degenerateRounds: degenerate, warnings };
}

/** Ranks systems from counts: the leaderboard, best first. Bootstrap rounds run on worker threads. */
export async function rankSystems(counts: PairCounts, opts: RankOptions = {}): Promise<Leaderboard> {
	return (await rankWithDetails(counts, opts)).board;
}
