// Votes reduced to what the ranking needs: per-pair counts of each outcome (the bootstrap cells),
// plus the battles in time order when they are known (for online Elo).

import { RankingError } from './errors.ts';

export type Winner = 'model_a' | 'model_b' | 'tie' | 'tie (bothbad)';

/** Outcome codes of a battle, from the point of view of (model_a, model_b). */
export const OUTCOME_A = 0;
export const OUTCOME_B = 1;
export const OUTCOME_TIE = 2;
export const OUTCOME_BOTHBAD = 3;

export function outcomeCode(winner: string): number {
	switch (winner) {
		case 'model_a':
			return OUTCOME_A;
		case 'model_b':
			return OUTCOME_B;
		case 'tie':
			return OUTCOME_TIE;
		case 'tie (bothbad)':
			return OUTCOME_BOTHBAD;
		default:
			return -1;
	}
}

/** Battles as parallel arrays of system ids and outcome codes, in time order. */
export interface OrderedBattles {
	a: Int32Array;
	b: Int32Array;
	outcome: Uint8Array;
}

export interface PairCounts {
	/** system names; ids are indices, and names are sorted so ids do not depend on input order */
	systems: string[];
	/** pair p compares systems pairI[p] < pairJ[p]; only pairs with at least one vote, sorted */
	pairI: Int32Array;
	pairJ: Int32Array;
	/** 4 per pair: wins of pairI, wins of pairJ, ties, both-bad ties (integer counts) */
	cells: Float64Array;
	votes: number;
	/** the battles themselves when known (battle input), else null (pair statistics) */
	battles: OrderedBattles | null;
	/**
	 * Inverse-probability weighting (adaptive scheduling): 4 per pair like `cells`, the mean weight
	 * 1/P of the pair's votes (the same in its four cells), scaled so that the mean over all votes is 1.
	 * Absent: every vote 1.
	 */
	weights?: Float64Array | null;
}

export interface SystemTotals {
	battles: Float64Array;
	wins: Float64Array;
	losses: Float64Array;
	ties: Float64Array;
}

/**
 * Counts from battles given as interned ids. `names[id]` is the name of id; ids are renumbered to
 * name order and pairs sorted, so that the same votes in any order or orientation give identical counts.
 */
export function countsFromCodes(names: string[], a: Int32Array, b: Int32Array, outcome: Uint8Array): PairCounts {
	const n = a.length;
	const used = new Uint8Array(names.length);
	for (let r = 0; r < n; r++) used[a[r]] = used[b[r]] = 1;
	const ids: number[] = [];
	for (let id = 0; id < names.length; id++) if (used[id]) ids.push(id);
	ids.sort((x, y) => (names[x] < names[y] ? -1 : names[x] > names[y] ? 1 : 0));
	const K = ids.length;
	const remap = new Int32Array(names.length).fill(-1);
	ids.forEach((id, k) => (remap[id] = k));
	const systems = ids.map((id) => names[id]);

	const ra = new Int32Array(n);
	const rb = new Int32Array(n);
	// dense K×K pair index while it stays small (2048² × 4 bytes = 16 MB), a Map beyond
	const dense = K <= 2048 ? new Int32Array(K * K).fill(-1) : null;
	const sparse = dense ? null : new Map<number, number>();
	let P = 0;
	let pi: Int32Array = new Int32Array(64);
	let pj: Int32Array = new Int32Array(64);
	let cells = new Float64Array(256);
	for (let r = 0; r < n; r++) {
		const x = remap[a[r]];
		const y = remap[b[r]];
		if (x === y) throw new RankingError('invalid_input', `battle ${r + 1}: ${systems[x]} against itself`, [systems[x]]);
		ra[r] = x;
		rb[r] = y;
		const lo = x < y ? x : y;
		const hi = x < y ? y : x;
		const key = lo * K + hi;
		let p = dense ? dense[key] : (sparse!.get(key) ?? -1);
		if (p < 0) {
			if (P === pi.length) {
				pi = grow32(pi);
				pj = grow32(pj);
				const c = new Float64Array(cells.length * 2);
				c.set(cells);
				cells = c;
			}
			p = P++;
			pi[p] = lo;
			pj[p] = hi;
			if (dense) dense[key] = p;
			else sparse!.set(key, p);
		}
		const o = outcome[r];
		// the cell layout is relative to the lower id: model_a's win is a win of lo only if a is lo
		const cell = o >= OUTCOME_TIE ? o : (o === OUTCOME_A) === (x === lo) ? 0 : 1;
		cells[p * 4 + cell]++;
	}
	return sortPairs(systems, pi.subarray(0, P), pj.subarray(0, P), cells.subarray(0, 4 * P), n, {
		a: ra,
		b: rb,
		outcome: outcome.slice(0, n)
	});
}

function grow32(x: Int32Array): Int32Array {
	const y = new Int32Array(x.length * 2);
	y.set(x);
	return y;
}

function sortPairs(
	systems: string[],
	pi: Int32Array,
	pj: Int32Array,
	cells: Float64Array,
	votes: number,
	battles: OrderedBattles | null
): PairCounts {
	const P = pi.length;
	const K = systems.length;
	const order = Array.from({ length: P }, (_, p) => p).sort((x, y) => pi[x] * K + pj[x] - (pi[y] * K + pj[y]));
	const pairI = new Int32Array(P);
	const pairJ = new Int32Array(P);
	const sorted = new Float64Array(4 * P);
	order.forEach((p, k) => {
		pairI[k] = pi[p];
		pairJ[k] = pj[p];
		for (let c = 0; c < 4; c++) sorted[4 * k + c] = cells[4 * p + c];
	});
	return { systems, pairI, pairJ, cells: sorted, votes, battles };
}

/** Counts from battle objects, in the order given (that order is the time order for online Elo). */
export function countsFromBattles(battles: Iterable<{ a: string; b: string; winner: Winner | string }>): PairCounts {
	const index = new Map<string, number>();
	const names: string[] = [];
	const list = Array.isArray(battles) ? battles : [...battles];
	const a = new Int32Array(list.length);
	const b = new Int32Array(list.length);
	const outcome = new Uint8Array(list.length);
	const intern = (name: string) => {
		let id = index.get(name);
		if (id === undefined) {
			id = names.length;
			names.push(name);
			index.set(name, id);
		}
		return id;
	};
	list.forEach((battle, r) => {
		const code = outcomeCode(battle.winner);
		if (code < 0)
			throw new RankingError(
				'invalid_input',
				`battle ${r + 1}: unknown winner '${battle.winner}' (expected model_a, model_b, tie or tie (bothbad))`
			);
		if (typeof battle.a !== 'string' || typeof battle.b !== 'string' || !battle.a || !battle.b)
			throw new RankingError('invalid_input', `battle ${r + 1}: system names must be non-empty strings`);
		a[r] = intern(battle.a);
		b[r] = intern(battle.b);
		outcome[r] = code;
	});
	return countsFromCodes(names, a, b, outcome);
}

export interface PairStatRow {
	systemA: string;
	systemB: string;
	aWins: number;
	bWins: number;
	ties: number;
	bothBad: number;
	/** Sums of the votes' weights (1/P) behind each count, when they are weighted; all four or none. */
	aWeight?: number;
	bWeight?: number;
	tieWeight?: number;
	bothBadWeight?: number;
}

/**
 * Counts from per-pair statistics (e.g. the `pair_stat` table). Rows for the same pair, in either
 * orientation, are added up; systems that appear only in empty rows are left out. No time order, so
 * no online Elo.
 */
export function countsFromPairStats(rows: Iterable<PairStatRow>): PairCounts {
	const totals = new Map<string, [string, string, number, number, number, number]>();
	// weight sums per pair in the totals' orientation: wins of lo, wins of hi, ties, both bad
	const weightSums = new Map<string, [number, number, number, number]>();
	let weighted = false;
	const names = new Set<string>();
	let votes = 0;
	let r = 0;
	for (const row of rows) {
		r++;
		const { systemA, systemB } = row;
		if (typeof systemA !== 'string' || typeof systemB !== 'string' || !systemA || !systemB)
			throw new RankingError('invalid_input', `pair statistics row ${r}: system names must be non-empty strings`);
		if (systemA === systemB) throw new RankingError('invalid_input', `pair statistics row ${r}: ${systemA} against itself`, [systemA]);
		const values = [row.aWins, row.bWins, row.ties, row.bothBad];
		if (!values.every((v) => Number.isSafeInteger(v) && v >= 0))
			throw new RankingError('invalid_input', `pair statistics row ${r} (${systemA} vs ${systemB}): counts must be non-negative integers`, [
				systemA,
				systemB
			]);
		const n = values[0] + values[1] + values[2] + values[3];
		if (n === 0) continue;
		votes += n;
		names.add(systemA);
		names.add(systemB);
		const flip = systemB < systemA;
		const lo = flip ? systemB : systemA;
		const hi = flip ? systemA : systemB;
		const key = JSON.stringify([lo, hi]);
		const t = totals.get(key) ?? [lo, hi, 0, 0, 0, 0];
		t[2] += flip ? row.bWins : row.aWins;
		t[3] += flip ? row.aWins : row.bWins;
		t[4] += row.ties;
		t[5] += row.bothBad;
		totals.set(key, t);
		if (row.aWeight !== undefined) {
			const ws = [row.aWeight, row.bWeight, row.tieWeight, row.bothBadWeight];
			if (!ws.every((w) => typeof w === 'number' && Number.isFinite(w) && w >= 0))
				throw new RankingError('invalid_input', `pair statistics row ${r} (${systemA} vs ${systemB}): weights must be finite numbers ≥ 0`, [
					systemA,
					systemB
				]);
			weighted = true;
			const w = weightSums.get(key) ?? [0, 0, 0, 0];
			w[0] += flip ? row.bWeight! : row.aWeight;
			w[1] += flip ? row.aWeight : row.bWeight!;
			w[2] += row.tieWeight!;
			w[3] += row.bothBadWeight!;
			weightSums.set(key, w);
		}
	}
	const systems = [...names].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
	const id = new Map(systems.map((s, k) => [s, k]));
	const P = totals.size;
	const pi = new Int32Array(P);
	const pj = new Int32Array(P);
	const cells = new Float64Array(4 * P);
	const weightTotals = new Float64Array(4 * P);
	let p = 0;
	for (const [key, [lo, hi, wl, wh, t, bb]] of totals) {
		pi[p] = id.get(lo)!;
		pj[p] = id.get(hi)!;
		cells.set([wl, wh, t, bb], 4 * p);
		// a row without weights among weighted ones counts its votes at weight 1 (before scaling)
		weightTotals.set(weightSums.get(key) ?? [wl, wh, t, bb], 4 * p);
		p++;
	}
	const counts = sortPairs(systems, pi, pj, cells, votes, null);
	if (weighted) counts.weights = meanWeights(counts, sortPairs(systems, pi, pj, weightTotals, votes, null).cells);
	return counts;
}

/**
 * Weight per cell from weight sums: every vote of a pair weighs the pair's mean 1/P (its cells'
 * weight sums over its votes), scaled so that the votes' mean weight is 1. A pair's total weight is
 * its Σ 1/P, as inverse-probability weighting needs; within a pair every vote weighs the same,
 * because the votes of one pair are draws of one outcome distribution whatever P was when each was
 * drawn. Per-cell means would weigh a pair's wins and losses by the P of the moments they happened
 * to be cast at: noise in the estimate that the bootstrap (which keeps each cell's weight) never
 * sees, so its intervals came out too narrow (docs/scheduling.md, "Why intervals miss").
 */
function meanWeights(counts: PairCounts, sums: Float64Array): Float64Array {
	let total = 0;
	for (let c = 0; c < sums.length; c++) total += sums[c];
	if (!(total > 0)) throw new RankingError('invalid_input', 'the votes’ weights sum to 0');
	const scale = counts.votes / total;
	const weights = new Float64Array(sums.length);
	for (let c = 0; c < sums.length; c += 4) {
		const n = counts.cells[c] + counts.cells[c + 1] + counts.cells[c + 2] + counts.cells[c + 3];
		const w = n > 0 ? ((sums[c] + sums[c + 1] + sums[c + 2] + sums[c + 3]) / n) * scale : 1;
		weights.fill(w, c, c + 4);
	}
	return weights;
}

/** Battles, wins, losses and ties (both kinds) of every system. */
export function systemTotals(counts: PairCounts): SystemTotals {
	const K = counts.systems.length;
	const t: SystemTotals = {
		battles: new Float64Array(K),
		wins: new Float64Array(K),
		losses: new Float64Array(K),
		ties: new Float64Array(K)
	};
	const { pairI, pairJ, cells } = counts;
	for (let p = 0; p < pairI.length; p++) {
		const i = pairI[p];
		const j = pairJ[p];
		const [wi, wj, tie, bb] = [cells[4 * p], cells[4 * p + 1], cells[4 * p + 2], cells[4 * p + 3]];
		const n = wi + wj + tie + bb;
		t.battles[i] += n;
		t.battles[j] += n;
		t.wins[i] += wi;
		t.losses[i] += wj;
		t.wins[j] += wj;
		t.losses[j] += wi;
		t.ties[i] += tie + bb;
		t.ties[j] += tie + bb;
	}
	return t;
}
