// How robust the order of the board is: for each two systems next to each other (by rating), the
// smallest number of votes whose outcome, if it had been the other way, or whose removal, would put
// the lower one level with or above the upper one.
//
// Everything works on the sufficient statistics (per pair: wins of each side, ties), never on votes.
// Greedy bound: the linear response of the rating gap to one changed vote is (e_u − e_l)ᵀH⁻¹Δg, so
// the votes are taken in order of effect until the linearised gap closes, the model is refitted, and
// the smallest prefix that really swaps the two is found by bisection; repeated from the new state
// until it swaps. That is an upper bound (a set of votes that provably swaps them, by refit). On small
// boards (≤ SMALL_BOARD votes) an exhaustive breadth-first search over changed cell counts gives the
// exact minimum instead.

import type { PairCounts } from './counts.ts';
import { kernels } from './kernels.ts';

export interface AdjacentRobustness {
	upper: string;
	lower: string;
	/** fewest votes whose outcome reversed would swap the two (null: no change of votes can) */
	reversals: number | null;
	/** fewest votes whose removal would swap the two (null: no removal can) */
	removals: number | null;
	/** true when both numbers are the exact minimum (small boards), false when greedy upper bounds */
	exact: boolean;
	/** the votes between the two: wins of the upper, wins of the lower, ties */
	head_to_head: { upper_wins: number; lower_wins: number; ties: number };
}

export const SMALL_BOARD = 40;
/** states the exact search may visit before it gives up (then the greedy bound stands) */
const MAX_STATES = 200_000;

interface Board {
	K: number;
	P: number;
	pi: Int32Array;
	pj: Int32Array;
	exclude: boolean;
}

/** One change of a vote: in pair p, one vote moves from cell `from` (0 i wins, 1 j wins, 2 tie) to `to` (−1 = removed). */
interface Move {
	p: number;
	from: number;
	to: number;
}

/** Score of pair i in cells c (ties half) and its weight. */
function sn(b: Board, cells: Float64Array, p: number): [number, number] {
	const t = b.exclude ? 0 : cells[3 * p + 2];
	return [cells[3 * p] + 0.5 * t, cells[3 * p] + cells[3 * p + 1] + t];
}

/** Bradley–Terry MLE by damped Newton from θ (in place); false when it has no finite estimate. */
function refit(b: Board, cells: Float64Array, theta: Float64Array, hess?: Float64Array): boolean {
	const { K, P, pi, pj } = b;
	const g = new Float64Array(K);
	const h = hess ?? new Float64Array(K * K);
	const step = new Float64Array(K);
	for (let it = 0; it < 100; it++) {
		g.fill(0);
		h.fill(1); // + 11ᵀ: the gauge direction, as in newton.ts
		for (let p = 0; p < P; p++) {
			const [s, n] = sn(b, cells, p);
			if (n === 0) continue;
			const i = pi[p];
			const j = pj[p];
			const mu = 1 / (1 + Math.exp(-(theta[i] - theta[j])));
			const gr = s - n * mu;
			g[i] += gr;
			g[j] -= gr;
			const hr = n * mu * (1 - mu);
			h[i * K + i] += hr;
			h[j * K + j] += hr;
			h[i * K + j] -= hr;
			h[j * K + i] -= hr;
		}
		if (!kernels.lin.cholesky(h, K)) return false;
		kernels.lin.cholSolve(h, K, g, step);
		let big = 0;
		for (let k = 0; k < K; k++) big = Math.max(big, Math.abs(step[k]));
		if (!(big < 20)) return false;
		const t = big > 2 ? 2 / big : 1;
		for (let k = 0; k < K; k++) theta[k] += t * step[k];
		if (big < 1e-9) return Math.abs(theta[0]) < 50;
	}
	return false;
}

function swapped(theta: Float64Array, u: number, l: number): boolean {
	return theta[l] >= theta[u] - 1e-9;
}

function applyMove(cells: Float64Array, m: Move, sign: 1 | -1): void {
	cells[3 * m.p + m.from] -= sign;
	if (m.to >= 0) cells[3 * m.p + m.to] += sign;
}

/** Every kind of move the cells allow (reversal: to another outcome; removal: to −1). */
function moveKinds(b: Board, cells: Float64Array, removal: boolean): Move[] {
	const out: Move[] = [];
	for (let p = 0; p < b.P; p++)
		for (let from = 0; from < 3; from++) {
			if (b.exclude && from === 2) continue;
			if (cells[3 * p + from] <= 0) continue;
			if (removal) out.push({ p, from, to: -1 });
			else for (let to = 0; to < 3; to++) if (to !== from && !(b.exclude && to === 2)) out.push({ p, from, to });
		}
	return out;
}

/** The factor of the negated Hessian (+ 11ᵀ) at θ for the cells. */
function factorAt(b: Board, cells: Float64Array, theta: Float64Array): Float64Array | null {
	const h = new Float64Array(b.K * b.K);
	const t = theta.slice();
	return refit(b, cells, t, h) ? h : null;
}

/**
 * Whether u and l are swapped once the cells are refitted from θ (in place): chord iterations with a
 * fixed factor (cheap next to the point where it was taken), stopping as soon as the sign of the gap
 * is beyond what the remaining iterations can change; full Newton when they stop contracting. null
 * when the cells have no finite estimate.
 */
function swapsOnRefit(b: Board, cells: Float64Array, theta: Float64Array, factor: Float64Array, u: number, l: number): boolean | null {
	const { K, P, pi, pj } = b;
	const g = new Float64Array(K);
	let last = Infinity;
	for (let it = 0; it < 200; it++) {
		g.fill(0);
		for (let p = 0; p < P; p++) {
			const t = b.exclude ? 0 : cells[3 * p + 2];
			const n = cells[3 * p] + cells[3 * p + 1] + t;
			if (n === 0) continue;
			const gr = cells[3 * p] + 0.5 * t - n / (1 + Math.exp(-(theta[pi[p]] - theta[pj[p]])));
			g[pi[p]] += gr;
			g[pj[p]] -= gr;
		}
		kernels.lin.cholSolve(factor, K, g, g);
		let big = 0;
		for (let k = 0; k < K; k++) big = Math.max(big, Math.abs(g[k]));
		if (!(big < 1) || big > 0.9 * last) break;
		for (let k = 0; k < K; k++) theta[k] += g[k];
		// the iterations contract by ρ = big / last at most: what is left moves the gap by < 2·big·ρ/(1 − ρ)
		const rho = Math.min(big / last, 0.9);
		const left = (2 * big * rho) / (1 - rho) + 1e-10;
		const gap = theta[u] - theta[l];
		if (it > 0 && Math.abs(gap) > left + 1e-9) return gap <= 1e-9;
		if (big < 1e-10) return swapped(theta, u, l);
		last = big;
	}
	if (!refit(b, cells, theta)) return null;
	return swapped(theta, u, l);
}

/** Votes to change, in order: runs of `count` votes of one move kind. */
interface Run {
	p: number;
	from: number;
	to: number;
	count: number;
}

function applyRuns(cells: Float64Array, runs: Run[], k: number): void {
	for (const r of runs) {
		const take = Math.min(k, r.count);
		if (take <= 0) break;
		cells[3 * r.p + r.from] -= take;
		if (r.to >= 0) cells[3 * r.p + r.to] += take;
		k -= take;
	}
}

const Y = [1, 0, 0.5];

/** Greedy upper bound on the number of changed votes that swap u and l; null if none found. */
function greedy(
	b: Board,
	start: Float64Array,
	theta0: Float64Array,
	factor0: Float64Array,
	u: number,
	l: number,
	removal: boolean
): number | null {
	const { K, P, pi, pj } = b;
	let cells = start;
	let theta = theta0;
	let factor = factor0;
	let used = 0;
	const v = new Float64Array(K);
	const swapsAfter = (runs: Run[], k: number): boolean => {
		const c = cells.slice();
		applyRuns(c, runs, k);
		return swapsOnRefit(b, c, theta.slice(), factor, u, l) === true;
	};
	for (let round = 0; round < 40; round++) {
		const gap = theta[u] - theta[l];
		if (gap <= 1e-9) return used;
		v.fill(0);
		v[u] = 1;
		v[l] = -1;
		kernels.lin.cholSolve(factor, K, v, v);
		// the useful move kinds: per pair, moves whose linear effect on the gap is negative
		const kinds: Run[] = [];
		const effects: number[] = [];
		// the gap responds mostly to votes of u and l: kinds far below the strongest are left for later rounds
		let strongest = 0;
		for (let p = 0; p < P; p++) strongest = Math.max(strongest, Math.abs(v[pi[p]] - v[pj[p]]));
		for (let p = 0; p < P; p++) {
			const d = v[pi[p]] - v[pj[p]];
			if (Math.abs(d) < 1e-3 * strongest) continue;
			const mu = 1 / (1 + Math.exp(-(theta[pi[p]] - theta[pj[p]])));
			for (let from = 0; from < 3; from++) {
				if (b.exclude && from === 2) continue;
				const available = cells[3 * p + from];
				if (available <= 0) continue;
				if (removal) {
					const e = -(Y[from] - mu) * d;
					if (e < 0) {
						kinds.push({ p, from, to: -1, count: available });
						effects.push(e);
					}
					continue;
				}
				// the most helpful other outcome: the win of the side that d says to favour
				const to = d > 0 ? 1 : 0;
				if (to === from) continue;
				const e = (Y[to] - Y[from]) * d;
				if (e < 0) {
					kinds.push({ p, from, to, count: available });
					effects.push(e);
				}
			}
		}
		if (kinds.length === 0) return null;
		const order = Array.from(kinds.keys()).sort((x, y) => effects[x] - effects[y]);
		// votes in order of effect until the linearised gap closes (with a margin for the curvature)
		const runs: Run[] = [];
		let closed = 0;
		let total = 0;
		for (const k of order) {
			const need = Math.ceil((1.05 * gap - closed) / -effects[k]);
			const take = Math.min(kinds[k].count, Math.max(need, 1));
			runs.push({ ...kinds[k], count: take });
			closed -= take * effects[k];
			total += take;
			if (closed >= 1.05 * gap) break;
		}
		if (swapsAfter(runs, total)) {
			let lo = 0;
			let hi = total;
			while (hi - lo > 1) {
				const mid = (lo + hi) >> 1;
				if (swapsAfter(runs, mid)) hi = mid;
				else lo = mid;
			}
			return used + hi;
		}
		const c = cells.slice();
		applyRuns(c, runs, total);
		const t = theta.slice();
		if (!refit(b, c, t)) return null;
		const f = factorAt(b, c, t);
		if (!f) return null;
		cells = c;
		theta = t;
		factor = f;
		used += total;
	}
	return null;
}

/** Exact minimum below `bound` by breadth-first search over changed cells; null when too many states. */
function exact(
	b: Board,
	start: Float64Array,
	theta0: Float64Array,
	u: number,
	l: number,
	removal: boolean,
	bound: number | null
): number | null {
	if (swapped(theta0, u, l)) return 0;
	let level = [start];
	const seen = new Set<string>([start.join(',')]);
	const limit = bound ?? Infinity;
	for (let depth = 1; depth < limit; depth++) {
		const next: Float64Array[] = [];
		for (const cells of level)
			for (const m of moveKinds(b, cells, removal)) {
				const c = cells.slice();
				applyMove(c, m, 1);
				const key = c.join(',');
				if (seen.has(key)) continue;
				seen.add(key);
				if (seen.size > MAX_STATES) return -1;
				const theta = theta0.slice();
				if (refit(b, c, theta) && swapped(theta, u, l)) return depth;
				next.push(c);
			}
		if (next.length === 0) return bound;
		level = next;
	}
	return bound;
}

/**
 * Robustness of each adjacent pair of the board, best first. `order` lists system ids best first
 * (the board's order); `theta` are the point estimates (natural log). Ties count half (Davidson
 * boards are measured under the same half-win model) or, with `exclude`, are left out.
 */
export function adjacentRobustness(
	counts: PairCounts,
	order: number[],
	opts: {
		exclude?: boolean;
		/** 'greedy': bounds only, even on small boards; 'exact': the breadth-first search alone (no greedy bound to start from) */
		search?: 'auto' | 'greedy' | 'exact';
	} = {}
): AdjacentRobustness[] {
	const K = counts.systems.length;
	const P = counts.pairI.length;
	const b: Board = { K, P, pi: counts.pairI, pj: counts.pairJ, exclude: opts.exclude === true };
	const cells = new Float64Array(3 * P);
	for (let p = 0; p < P; p++) {
		cells[3 * p] = counts.cells[4 * p];
		cells[3 * p + 1] = counts.cells[4 * p + 1];
		cells[3 * p + 2] = counts.cells[4 * p + 2] + counts.cells[4 * p + 3];
	}
	const theta = new Float64Array(K);
	if (K < 2 || !refit(b, cells, theta)) return [];
	const factor = factorAt(b, cells, theta);
	if (!factor) return [];
	const search = opts.search ?? 'auto';
	const small = search === 'exact' || (search === 'auto' && counts.votes <= SMALL_BOARD);
	const out: AdjacentRobustness[] = [];
	for (let r = 0; r + 1 < order.length; r++) {
		const u = order[r];
		const l = order[r + 1];
		let reversals = search === 'exact' ? null : greedy(b, cells, theta, factor, u, l, false);
		let removals = search === 'exact' ? null : greedy(b, cells, theta, factor, u, l, true);
		let isExact = false;
		if (small) {
			const er = exact(b, cells, theta, u, l, false, reversals);
			const em = exact(b, cells, theta, u, l, true, removals);
			if (er !== -1 && em !== -1) {
				reversals = er;
				removals = em;
				isExact = true;
			}
		}
		const h2h = { upper_wins: 0, lower_wins: 0, ties: 0 };
		for (let p = 0; p < P; p++) {
			const i = counts.pairI[p];
			const j = counts.pairJ[p];
			if (!((i === u && j === l) || (i === l && j === u))) continue;
			const ti = counts.cells[4 * p];
			const tj = counts.cells[4 * p + 1];
			h2h.upper_wins = i === u ? ti : tj;
			h2h.lower_wins = i === u ? tj : ti;
			h2h.ties = counts.cells[4 * p + 2] + counts.cells[4 * p + 3];
		}
		out.push({ upper: counts.systems[u], lower: counts.systems[l], reversals, removals, exact: isExact, head_to_head: h2h });
	}
	return out;
}
