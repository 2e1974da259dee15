// Rank spreads and separability on hand-computed intervals; robustness against a brute-force search
// over the votes themselves on small boards.

import { describe, expect, it } from 'vitest';
import {
	addRankSpread,
	adjacentRobustness,
	countsFromBattles,
	adjacentRobustnessYielding,
	fitBradleyTerry,
	rankBoard,
	rankSystems,
	RankingError,
	rankSpread,
	separability,
	type Winner
} from '../../../src/lib/ranking/index.ts';
import { mulberry32 } from './helpers.ts';

describe('rank spread and separability', () => {
	it('match hand-computed cases', () => {
		// A [100,120], B [90,110], C [50,95], D [0,40]
		const low = [100, 90, 50, 0];
		const high = [120, 110, 95, 40];
		const { best, worst } = rankSpread(low, high);
		// A: nobody's low > 120 → 1; below A's low 100: C (95), D (40) → worst 4 − 2 = 2
		// B: nobody above 110 → 1; below 90: D → worst 3
		// C: lows above 95: A only (B's 90 is not) → best 2; below 50: D → worst 3
		// D: lows above 40: A, B, C → best 4; worst 4
		expect([...best]).toEqual([1, 1, 2, 4]);
		expect([...worst]).toEqual([2, 3, 3, 4]);
		// pairs apart: A–C, A–D, B–D, C–D; overlapping: A–B, B–C (90 < 95) → 4 of 6
		expect(separability(low, high)).toBeCloseTo(4 / 6, 12);
		// touching endpoints overlap; one system has no pairs
		expect(separability([0, 10], [10, 20])).toBe(0);
		expect(separability([1], [2])).toBeNull();
		const identical = rankSpread([5, 5, 5], [6, 6, 6]);
		expect([...identical.best, ...identical.worst]).toEqual([1, 1, 1, 3, 3, 3]);
	});

	it('adds rank_worst and separability to a board, and copes with no intervals', () => {
		const board = addRankSpread({
			leaderboard: [
				{ ci_low: 100, ci_high: 120, rank: 1 },
				{ ci_low: 130, ci_high: 140, rank: 1 }
			]
		});
		expect(board.leaderboard.map((e) => e.rank_worst)).toEqual([2, 1]);
		expect(board.separability).toBe(1);
		const none = addRankSpread({ leaderboard: [{ ci_low: null, ci_high: null, rank: 2 }] });
		expect(none.leaderboard[0].rank_worst).toBe(2);
		expect(none.separability).toBeNull();
	});
});

type Vote = { a: string; b: string; winner: Winner };
const OUTCOMES: Winner[] = ['model_a', 'model_b', 'tie'];

/** Whether `lower` is rated at least as high as `upper` after the votes; null when no finite fit. */
function swaps(votes: Vote[], upper: string, lower: string, exclude: boolean): boolean {
	try {
		const fit = fitBradleyTerry(countsFromBattles(votes), { ties: exclude ? 'exclude' : 'half' });
		const u = fit.systems.indexOf(upper);
		const l = fit.systems.indexOf(lower);
		if (u < 0 || l < 0) return false;
		return fit.theta[l] >= fit.theta[u] - 1e-9;
	} catch (error) {
		if (error instanceof RankingError) return false;
		throw error;
	}
}

/** Brute force over subsets of votes (and every other outcome for each), smallest size first. */
function bruteForce(votes: Vote[], upper: string, lower: string, removal: boolean, exclude: boolean, max: number): number | null {
	const n = votes.length;
	const pick: number[] = [];
	const tryChoices = (k: number, changed: Vote[]): boolean => {
		if (k === pick.length) return swaps(changed, upper, lower, exclude);
		const idx = pick[k];
		const v = votes[idx];
		if (removal) {
			const rest = changed.filter((x) => x !== v);
			return tryChoices(k + 1, rest);
		}
		for (const w of OUTCOMES) {
			if (w === v.winner || (v.winner === 'tie (bothbad)' && w === 'tie')) continue;
			if (exclude && w === 'tie') continue;
			const next = changed.map((x) => (x === v ? { ...v, winner: w } : x));
			if (tryChoices(k + 1, next)) return true;
		}
		return false;
	};
	const subsets = (size: number, from: number): boolean => {
		if (pick.length === size) return tryChoices(0, votes);
		for (let i = from; i < n; i++) {
			if (exclude && votes[i].winner.startsWith('tie')) continue;
			pick.push(i);
			if (subsets(size, i + 1)) return true;
			pick.pop();
		}
		return false;
	};
	for (let size = 0; size <= max; size++) {
		pick.length = 0;
		if (subsets(size, 0)) return size;
	}
	return null;
}

function randomBoard(seed: number, systems: number, n: number, spread: number): Vote[] {
	const rand = mulberry32(seed);
	const strength = Array.from({ length: systems }, (_, i) => spread * (systems - i));
	const votes: Vote[] = [];
	for (let v = 0; v < n; v++) {
		const i = Math.floor(rand() * systems);
		const j = (i + 1 + Math.floor(rand() * (systems - 1))) % systems;
		const p = 1 / (1 + Math.exp(strength[j] - strength[i]));
		const u = rand();
		votes.push({ a: `s${i}`, b: `s${j}`, winner: u < p - 0.1 ? 'model_a' : u < 0.9 ? 'model_b' : rand() < 0.5 ? 'tie' : 'tie (bothbad)' });
	}
	return votes;
}

describe('robustness', () => {
	it('equals a brute-force search over the votes on small boards (≤ 40 votes)', () => {
		let compared = 0;
		let greedyExact = 0;
		for (let seed = 1; seed <= 40 && compared < 14; seed++) {
			const votes = randomBoard(seed, 3 + (seed % 2), 14 + (seed % 4) * 5, 0.4);
			const counts = countsFromBattles(votes);
			let fit;
			try {
				fit = fitBradleyTerry(counts);
			} catch {
				continue;
			}
			const order = Array.from(fit.theta.keys()).sort((x, y) => fit.theta[y] - fit.theta[x]);
			const result = adjacentRobustness(counts, order);
			const bounds = adjacentRobustness(counts, order, { search: 'greedy' });
			// the breadth-first search alone, without a greedy bound to start from
			const searched = adjacentRobustness(counts, order, { search: 'exact' });
			expect(result).toHaveLength(order.length - 1);
			for (const [k, r] of result.slice(0, 2).entries()) {
				expect(r.exact).toBe(true);
				const cap = Math.max(r.reversals ?? 0, r.removals ?? 0);
				if (cap > 3) continue; // keep the brute force small
				expect(bruteForce(votes, r.upper, r.lower, false, false, cap), `seed ${seed} reversal`).toBe(r.reversals);
				expect(bruteForce(votes, r.upper, r.lower, true, false, cap), `seed ${seed} removal`).toBe(r.removals);
				expect(searched[k]).toEqual(r);
				// the greedy bound is never below the minimum, and is achieved (it swaps: brute force within it)
				const g = bounds[k];
				expect(g.exact).toBe(false);
				if (r.reversals !== null) expect(g.reversals!).toBeGreaterThanOrEqual(r.reversals);
				if (r.removals !== null && g.removals !== null) expect(g.removals).toBeGreaterThanOrEqual(r.removals);
				if (g.reversals === r.reversals) greedyExact++;
				compared++;
			}
		}
		expect(compared).toBeGreaterThanOrEqual(8);
		// the bound is tight on most small boards
		expect(greedyExact).toBeGreaterThanOrEqual(compared * 0.75);
	});

	it('gives a greedy bound on larger boards that really swaps the two, and is never below the truth', () => {
		const votes = randomBoard(99, 5, 400, 0.15);
		const counts = countsFromBattles(votes);
		const fit = fitBradleyTerry(counts);
		const order = Array.from(fit.theta.keys()).sort((x, y) => fit.theta[y] - fit.theta[x]);
		const result = adjacentRobustness(counts, order);
		expect(result.every((r) => !r.exact)).toBe(true);
		for (const r of result) {
			expect(r.reversals).not.toBeNull();
			expect(r.reversals!).toBeGreaterThan(0);
			// a reversal moves the gap more than a removal does
			expect(r.removals === null || r.removals >= r.reversals!).toBe(true);
			expect(r.head_to_head.upper_wins + r.head_to_head.lower_wins + r.head_to_head.ties).toBeGreaterThan(0);
		}
	});

	it('counts only the direct votes when two systems meet nobody else', () => {
		// a beats b 5–1: reversing 2 of a's wins (3–3) levels them; removing 4 of them (1–1) too
		const votes: Vote[] = [
			...Array.from({ length: 5 }, () => ({ a: 'a', b: 'b', winner: 'model_a' as Winner })),
			{ a: 'b', b: 'a', winner: 'model_a' }
		];
		const counts = countsFromBattles(votes);
		const [r] = adjacentRobustness(counts, [0, 1]);
		expect(r).toMatchObject({ upper: 'a', lower: 'b', reversals: 2, removals: 4, exact: true });
		expect(r.head_to_head).toEqual({ upper_wins: 5, lower_wins: 1, ties: 0 });
	});

	it('is the same computed beside the bootstrap (rankBoard) as on its own, for every tie rule', async () => {
		const votes = randomBoard(7, 6, 600, 0.2);
		const counts = countsFromBattles(votes);
		for (const ties of ['half', 'exclude', 'davidson'] as const) {
			const { board, robustness } = await rankBoard(counts, { ties, bootstrap: 40, seed: 3, workers: 1 });
			expect(board).toEqual(addRankSpread(await rankSystems(counts, { ties, bootstrap: 40, seed: 3, workers: 0 })));
			const ids = board.leaderboard.map((e) => counts.systems.indexOf(e.system));
			const alone = adjacentRobustness(counts, ids, { exclude: ties === 'exclude' });
			expect(robustness).toEqual(alone);
			expect(await adjacentRobustnessYielding(counts, ids, { exclude: ties === 'exclude' })).toEqual(alone);
			expect(robustness).toHaveLength(5);
		}
	});
});
