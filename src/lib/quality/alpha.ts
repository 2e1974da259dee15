// Krippendorff's alpha for nominal data, and the campaign-level agreement built on it: units are unordered
// image pairs, coders are evaluators, values are choices seen from a canonical image order.

import { canonicalOutcome, pairKey } from './pairs.ts';
import type { VoteRecord } from './types.ts';

export interface AlphaResult {
	/** null when alpha is undefined; `reason` says why. */
	alpha: number | null;
	/** Units with two or more values (the only ones that carry information about agreement). */
	units: number;
	/** Values in those units (Krippendorff's n). */
	pairableValues: number;
	reason?: 'no pairable units' | 'no variation';
}

/**
 * Nominal alpha = 1 − D_o / D_e from the coincidence matrix (Krippendorff 2011, "Computing Krippendorff's
 * Alpha-Reliability"). Each unit lists the values it received, one per coder; null/undefined is a missing
 * value. Units with fewer than two values are not pairable and are skipped.
 *
 * With n pairable values, n_c of them equal to c, and n_uc values c in unit u (m_u values):
 *   Σ_{c≠k} o_ck = Σ_u (m_u² − Σ_c n_uc²) / (m_u − 1)
 *   alpha = 1 − (n − 1) · Σ_{c≠k} o_ck / (n² − Σ_c n_c²)
 * When every pairable value is the same, D_e = 0 and alpha is undefined (Krippendorff: no variation).
 */
export function krippendorffAlphaNominal(units: Iterable<ReadonlyArray<string | number | null | undefined>>): AlphaResult {
	const total = new Map<string | number, number>();
	let n = 0;
	let unitCount = 0;
	let disagreement = 0;
	const inUnit = new Map<string | number, number>();
	for (const unit of units) {
		inUnit.clear();
		let m = 0;
		for (const value of unit) {
			if (value === null || value === undefined) continue;
			inUnit.set(value, (inUnit.get(value) ?? 0) + 1);
			m++;
		}
		if (m < 2) continue;
		unitCount++;
		n += m;
		let squares = 0;
		for (const [value, count] of inUnit) {
			squares += count * count;
			total.set(value, (total.get(value) ?? 0) + count);
		}
		disagreement += (m * m - squares) / (m - 1);
	}
	if (unitCount === 0) return { alpha: null, units: 0, pairableValues: 0, reason: 'no pairable units' };
	let squares = 0;
	for (const count of total.values()) squares += count * count;
	const expected = n * n - squares;
	if (expected === 0) return { alpha: null, units: unitCount, pairableValues: n, reason: 'no variation' };
	return { alpha: 1 - ((n - 1) * disagreement) / expected, units: unitCount, pairableValues: n };
}

/**
 * krippendorffAlphaNominal over units given as counts: unit u received counts[u × values + v] values v.
 * The same sums in the same order (units in the order `units` yields them), so the same result to the
 * last bit, without a list of values per unit (the columnar report's pairs, columns.ts).
 */
export function krippendorffAlphaNominalCounts(counts: ArrayLike<number>, values: number, units: Iterable<number>): AlphaResult {
	const total = new Float64Array(values);
	let n = 0;
	let unitCount = 0;
	let disagreement = 0;
	for (const u of units) {
		let m = 0;
		for (let v = 0; v < values; v++) m += counts[u * values + v];
		if (m < 2) continue;
		unitCount++;
		n += m;
		let squares = 0;
		for (let v = 0; v < values; v++) {
			const count = counts[u * values + v];
			squares += count * count;
			total[v] += count;
		}
		disagreement += (m * m - squares) / (m - 1);
	}
	if (unitCount === 0) return { alpha: null, units: 0, pairableValues: 0, reason: 'no pairable units' };
	let squares = 0;
	for (let v = 0; v < values; v++) squares += total[v] * total[v];
	const expected = n * n - squares;
	if (expected === 0) return { alpha: null, units: unitCount, pairableValues: n, reason: 'no variation' };
	return { alpha: 1 - ((n - 1) * disagreement) / expected, units: unitCount, pairableValues: n };
}

/**
 * One value per evaluator and unordered image pair: the evaluator's first counted vote on the pair that is not
 * a hidden repeat (or their first counted vote when all are repeats). Repeats measure self-consistency
 * (the flip rate), not agreement between people, so they must not count twice here.
 */
export function representativeVotes(votes: readonly VoteRecord[]): Map<string, Map<string, VoteRecord>> {
	const byPair = new Map<string, Map<string, VoteRecord>>();
	for (const vote of votes) {
		if (vote.status !== 'counted') continue;
		const key = pairKey(vote.leftImageId, vote.rightImageId);
		let coders = byPair.get(key);
		if (!coders) byPair.set(key, (coders = new Map()));
		const current = coders.get(vote.userId);
		if (!current || preferAsRepresentative(vote, current)) coders.set(vote.userId, vote);
	}
	return byPair;
}

function preferAsRepresentative(candidate: VoteRecord, current: VoteRecord): boolean {
	const a = candidate.kind === 'repeat' ? 1 : 0;
	const b = current.kind === 'repeat' ? 1 : 0;
	if (a !== b) return a < b;
	if (candidate.submittedAt !== current.submittedAt) return candidate.submittedAt < current.submittedAt;
	return candidate.id < current.id;
}

/**
 * Campaign-level nominal alpha over image pairs judged by two or more evaluators. Values are
 * 'first'/'second' image wins, 'tie', 'both_bad' in a canonical image order, so a pair shown with sides
 * swapped to different evaluators is still compared correctly. Rejected votes are left out.
 */
export function campaignAlpha(votes: readonly VoteRecord[]): AlphaResult {
	const units: string[][] = [];
	for (const coders of representativeVotes(votes).values()) {
		if (coders.size < 2) continue;
		units.push([...coders.values()].map((v) => canonicalOutcome(v.leftImageId, v.rightImageId, v.choice)));
	}
	return krippendorffAlphaNominal(units);
}
