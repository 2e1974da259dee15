// Ranks that respect the intervals: for each system the best and the worst rank its 95% interval
// allows, and the board's separability (the share of system pairs whose intervals do not overlap).

import type { Leaderboard, LeaderboardEntry } from './leaderboard.ts';

export interface RankSpread {
	/** 1 + number of systems whose lower bound is above this one's upper bound (FastChat's rank_ub) */
	best: Int32Array;
	/** the symmetric worst: K − number of systems whose upper bound is below this one's lower bound */
	worst: Int32Array;
}

/** Indexed like the bounds; both arrays hold K intervals (low ≤ high). */
export function rankSpread(low: ArrayLike<number>, high: ArrayLike<number>): RankSpread {
	const K = low.length;
	const best = new Int32Array(K);
	const worst = new Int32Array(K);
	for (let i = 0; i < K; i++) {
		let above = 0;
		let below = 0;
		for (let j = 0; j < K; j++) {
			if (j === i) continue;
			if (low[j] > high[i]) above++;
			if (high[j] < low[i]) below++;
		}
		best[i] = 1 + above;
		worst[i] = K - below;
	}
	return { best, worst };
}

/** Share of the K·(K−1)/2 pairs whose intervals are disjoint; null with fewer than two systems. */
export function separability(low: ArrayLike<number>, high: ArrayLike<number>): number | null {
	const K = low.length;
	if (K < 2) return null;
	let apart = 0;
	for (let i = 0; i < K; i++) for (let j = i + 1; j < K; j++) if (low[i] > high[j] || low[j] > high[i]) apart++;
	return apart / ((K * (K - 1)) / 2);
}

/** A leaderboard with each system's worst rank (its `rank` is already the best) and the separability. */
export interface WithSpread {
	leaderboard: { ci_low: number | null; ci_high: number | null; rank: number; rank_worst?: number }[];
	separability?: number | null;
}

export type WithRankSpread<B extends WithSpread> = Omit<B, 'leaderboard' | 'separability'> & {
	leaderboard: (B['leaderboard'][number] & { rank_worst: number })[];
	separability: number | null;
};

/**
 * Adds `rank_worst` to every entry and `separability` to the board, in place (additive fields).
 * Without intervals (no bootstrap) the worst rank is the rank and separability is null.
 */
export function addRankSpread<B extends WithSpread>(board: B): WithRankSpread<B> {
	const entries = board.leaderboard;
	const withCi = entries.length > 0 && entries.every((e) => e.ci_low !== null && e.ci_high !== null);
	if (!withCi) {
		for (const e of entries) e.rank_worst = e.rank;
		board.separability = null;
	} else {
		const low = entries.map((e) => e.ci_low!);
		const high = entries.map((e) => e.ci_high!);
		const { worst } = rankSpread(low, high);
		entries.forEach((e, k) => (e.rank_worst = worst[k]));
		board.separability = separability(low, high);
	}
	return board as unknown as WithRankSpread<B>;
}

/** The engine's leaderboard with the rank spread added (what addRankSpread returns for it). */
export type SpreadLeaderboard = Omit<Leaderboard, 'leaderboard'> & {
	leaderboard: (LeaderboardEntry & { rank_worst: number })[];
	separability: number | null;
};
