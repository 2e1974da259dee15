// How robust the order of the board is: for each two systems next to each other (by rating), the
// smallest number of votes whose outcome, if it had been the other way, or whose removal, would put
// the lower one level with or above the upper one.
//
// Everything works on the sufficient statistics (per pair: wins of each side, ties), never on votes.
// Greedy bound: the linear response of the rating gap to one changed vote is (e_u − e_l)ᵀH⁻¹Δg, so
// the votes are taken in order of effect (only the strongest kinds are sorted) until the linearised
// gap closes; the smallest prefix that really swaps the two is found by refits outwards from that
// linear guess (usually right to a vote, so two refits settle a pair; each refit is a few chord
// iterations with the one Hessian factor, stopped as soon as the sign of the gap is certain); repeated
// from the new state when even a quarter more does not swap them. That is an upper bound (a set of
// votes that provably swaps them, by refit), at O(pairs + K²) per refit. On small
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
	/** scratch: e^(θ − max θ) per system */
	strength: Float64Array;
}

/** One change of a vote: in pair p, one vote moves from cell `from` (0 i wins, 1 j wins, 2 tie) to `to` (−1 = removed). */
interface Move {
	p: number;
	from: number;
	to: number;
}

/**
 * Gradient of the log-likelihood at θ into g and, when h is given, the negated Hessian plus 11ᵀ (the
 * gauge direction, as in newton.ts). One exp per system, not per pair (as bradley-terry.ts), unless
 * the strengths span more than e^600.
 */
function evaluate(b: Board, cells: Float64Array, theta: Float64Array, g: Float64Array, h: Float64Array | null): void {
	const { K, P, pi, pj, strength } = b;
	let hi = -Infinity;
	let lo = Infinity;
	for (let k = 0; k < K; k++) {
		hi = Math.max(hi, theta[k]);
		lo = Math.min(lo, theta[k]);
	}
	const viaStrength = hi - lo < 600;
	if (viaStrength) for (let k = 0; k < K; k++) strength[k] = Math.exp(theta[k] - hi);
	g.fill(0);
	if (h) h.fill(1);
	for (let p = 0; p < P; p++) {
		const t = b.exclude ? 0 : cells[3 * p + 2];
		const n = cells[3 * p] + cells[3 * p + 1] + t;
		if (n === 0) continue;
		const i = pi[p];
		const j = pj[p];
		const mu = viaStrength ? strength[i] / (strength[i] + strength[j]) : 1 / (1 + Math.exp(theta[j] - theta[i]));
		const gr = cells[3 * p] + 0.5 * t - n * mu;
		g[i] += gr;
		g[j] -= gr;
		if (!h) continue;
		const hr = n * mu * (1 - mu);
		h[i * K + i] += hr;
		h[j * K + j] += hr;
		h[i * K + j] -= hr;
		h[j * K + i] -= hr;
	}
}

/** Bradley–Terry MLE by damped Newton from θ (in place); false when it has no finite estimate. */
function refit(b: Board, cells: Float64Array, theta: Float64Array, hess?: Float64Array): boolean {
	const { K } = b;
	const g = new Float64Array(K);
	const h = hess ?? new Float64Array(K * K);
	const step = new Float64Array(K);
	for (let it = 0; it < 100; it++) {
		evaluate(b, cells, theta, g, h);
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
	const { K } = b;
	const g = new Float64Array(K);
	let last = Infinity;
	for (let it = 0; it < 200; it++) {
		evaluate(b, cells, theta, g, null);
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

/** Changes the first k votes of the runs in the cells (sign −1 undoes it). */
function applyRuns(cells: Float64Array, runs: Run[], k: number, sign: 1 | -1 = 1): void {
	for (const r of runs) {
		const take = Math.min(k, r.count);
		if (take <= 0) break;
		cells[3 * r.p + r.from] -= sign * take;
		if (r.to >= 0) cells[3 * r.p + r.to] += sign * take;
		k -= take;
	}
}

const Y = [1, 0, 0.5];

/** The move kinds that close the gap, as parallel arrays (effect: linear change of the gap per vote, < 0). */
interface Kinds {
	n: number;
	p: Int32Array;
	from: Int8Array;
	to: Int8Array;
	count: Float64Array;
	effect: Float64Array;
}

function kindsBuffer(P: number): Kinds {
	return {
		n: 0,
		p: new Int32Array(3 * P),
		from: new Int8Array(3 * P),
		to: new Int8Array(3 * P),
		count: new Float64Array(3 * P),
		effect: new Float64Array(3 * P)
	};
}

/**
 * The kinds most effective per vote, best first, until their linear effect covers `need` (or every
 * kind is taken). Only the strongest are sorted: a threshold on the effect halves until the kinds
 * above it can close the gap, so a board of thousands of pairs sorts a handful of them.
 */
function strongestKinds(k: Kinds, need: number): number[] {
	let most = 0;
	for (let q = 0; q < k.n; q++) most = Math.min(most, k.effect[q]);
	let cut = most / 2;
	for (;;) {
		const picked: number[] = [];
		let cover = 0;
		for (let q = 0; q < k.n; q++)
			if (k.effect[q] <= cut) {
				picked.push(q);
				cover -= k.count[q] * k.effect[q];
			}
		if (cover >= need || picked.length === k.n || cut > -1e-300) return picked.sort((x, y) => k.effect[x] - k.effect[y]);
		cut /= 4;
	}
}

/** Greedy upper bound on the number of changed votes that swap u and l; null if none found. */
function greedy(
	b: Board,
	start: Float64Array,
	theta0: Float64Array,
	factor0: Float64Array,
	u: number,
	l: number,
	removal: boolean,
	k: Kinds
): number | null {
	const { K, P, pi, pj } = b;
	let cells = start;
	let theta = theta0;
	let factor = factor0;
	let used = 0;
	const v = new Float64Array(K);
	for (let round = 0; round < 40; round++) {
		const gap = theta[u] - theta[l];
		if (gap <= 1e-9) return used;
		v.fill(0);
		v[u] = 1;
		v[l] = -1;
		kernels.lin.cholSolve(factor, K, v, v);
		// the useful move kinds: per pair, moves whose linear effect on the gap is negative
		k.n = 0;
		const add = (p: number, from: number, to: number, count: number, effect: number) => {
			k.p[k.n] = p;
			k.from[k.n] = from;
			k.to[k.n] = to;
			k.count[k.n] = count;
			k.effect[k.n++] = effect;
		};
		// the gap responds mostly to votes of u and l: kinds far below the strongest are left for later rounds
		let strongest = 0;
		for (let p = 0; p < P; p++) strongest = Math.max(strongest, Math.abs(v[pi[p]] - v[pj[p]]));
		let top = -Infinity;
		let bottom = Infinity;
		for (let i = 0; i < K; i++) {
			top = Math.max(top, theta[i]);
			bottom = Math.min(bottom, theta[i]);
		}
		const viaStrength = top - bottom < 600;
		if (viaStrength) for (let i = 0; i < K; i++) b.strength[i] = Math.exp(theta[i] - top);
		for (let p = 0; p < P; p++) {
			const d = v[pi[p]] - v[pj[p]];
			if (Math.abs(d) < 1e-3 * strongest) continue;
			const mu = viaStrength
				? b.strength[pi[p]] / (b.strength[pi[p]] + b.strength[pj[p]])
				: 1 / (1 + Math.exp(theta[pj[p]] - theta[pi[p]]));
			for (let from = 0; from < 3; from++) {
				if (b.exclude && from === 2) continue;
				const available = cells[3 * p + from];
				if (available <= 0) continue;
				if (removal) {
					const e = -(Y[from] - mu) * d;
					if (e < 0) add(p, from, -1, available, e);
					continue;
				}
				// the most helpful other outcome: the win of the side that d says to favour
				const to = d > 0 ? 1 : 0;
				if (to === from) continue;
				const e = (Y[to] - Y[from]) * d;
				if (e < 0) add(p, from, to, available, e);
			}
		}
		if (k.n === 0) return null;
		// votes in order of effect: `guess` closes the linearised gap, `total` goes a quarter beyond it
		// (room for the curvature) before the model is linearised again
		const runs: Run[] = [];
		let closed = 0;
		let total = 0;
		let guess = 0;
		for (const q of strongestKinds(k, 1.25 * gap)) {
			const need = Math.ceil((1.25 * gap - closed) / -k.effect[q]);
			const take = Math.min(k.count[q], Math.max(need, 1));
			if (guess === 0 && closed - take * k.effect[q] >= gap) guess = total + Math.max(1, Math.ceil((gap - closed) / -k.effect[q]));
			runs.push({ p: k.p[q], from: k.from[q], to: k.to[q], count: take });
			closed -= take * k.effect[q];
			total += take;
			if (closed >= 1.25 * gap) break;
		}
		if (guess === 0) guess = total;
		// the smallest prefix that swaps, found from the linear guess outwards: swaps(0) is false (gap > 0),
		// and the guess is usually right to a vote or two, so two refits settle most pairs
		const known = new Map<number, boolean>([[0, false]]);
		const scratch = cells.slice();
		const swaps = (n: number): boolean => {
			let s = known.get(n);
			if (s === undefined) {
				applyRuns(scratch, runs, n);
				s = swapsOnRefit(b, scratch, theta.slice(), factor, u, l) === true;
				applyRuns(scratch, runs, n, -1);
				known.set(n, s);
			}
			return s;
		};
		let lo: number;
		let hi: number;
		if (swaps(guess)) {
			hi = guess;
			for (let step = 1; ; step *= 2) {
				lo = Math.max(0, hi - step);
				if (!swaps(lo)) break;
				hi = lo;
			}
		} else {
			lo = guess;
			hi = -1;
			for (let step = 1; lo < total; step *= 2) {
				const next = Math.min(total, lo + step);
				if (swaps(next)) {
					hi = next;
					break;
				}
				lo = next;
			}
		}
		if (hi >= 0) {
			while (hi - lo > 1) {
				const mid = (lo + hi) >> 1;
				if (swaps(mid)) hi = mid;
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

export interface RobustnessOptions {
	exclude?: boolean;
	/** 'greedy': bounds only, even on small boards; 'exact': the breadth-first search alone (no greedy bound to start from) */
	search?: 'auto' | 'greedy' | 'exact';
}

/**
 * Robustness of each adjacent pair of the board, best first. `order` lists system ids best first
 * (the board's order). Ties count half (Davidson boards are measured under the same half-win model)
 * or, with `exclude`, are left out.
 */
export function adjacentRobustness(counts: PairCounts, order: number[], opts: RobustnessOptions = {}): AdjacentRobustness[] {
	return [...robustnessSteps(counts, order, opts)];
}

/**
 * The same, giving the event loop a turn between pairs: run beside the bootstrap (whose rounds are on
 * worker threads) it takes the otherwise idle main thread, and requests are not held up meanwhile.
 */
export async function adjacentRobustnessYielding(
	counts: PairCounts,
	order: number[],
	opts: RobustnessOptions = {}
): Promise<AdjacentRobustness[]> {
	const out: AdjacentRobustness[] = [];
	for (const step of robustnessSteps(counts, order, opts)) {
		out.push(step);
		await new Promise((resolve) => setImmediate(resolve));
	}
	return out;
}

/** One adjacent pair at a time (the model is fitted once, before the first). */
function* robustnessSteps(counts: PairCounts, order: number[], opts: RobustnessOptions): Generator<AdjacentRobustness, void> {
	const K = counts.systems.length;
	const P = counts.pairI.length;
	const b: Board = { K, P, pi: counts.pairI, pj: counts.pairJ, exclude: opts.exclude === true, strength: new Float64Array(K) };
	const cells = new Float64Array(3 * P);
	for (let p = 0; p < P; p++) {
		cells[3 * p] = counts.cells[4 * p];
		cells[3 * p + 1] = counts.cells[4 * p + 1];
		cells[3 * p + 2] = counts.cells[4 * p + 2] + counts.cells[4 * p + 3];
	}
	const theta = new Float64Array(K);
	if (K < 2 || !refit(b, cells, theta)) return;
	const factor = factorAt(b, cells, theta);
	if (!factor) return;
	const search = opts.search ?? 'auto';
	const small = search === 'exact' || (search === 'auto' && counts.votes <= SMALL_BOARD);
	const kinds = kindsBuffer(P);
	for (let r = 0; r + 1 < order.length; r++) {
		const u = order[r];
		const l = order[r + 1];
		let reversals = search === 'exact' ? null : greedy(b, cells, theta, factor, u, l, false, kinds);
		let removals = search === 'exact' ? null : greedy(b, cells, theta, factor, u, l, true, kinds);
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
		yield { upper: counts.systems[u], lower: counts.systems[l], reversals, removals, exact: isExact, head_to_head: h2h };
	}
}
