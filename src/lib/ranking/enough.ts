// "Enough votes?": which adjacent systems' 95% intervals already separate, the board's separability,
// and how many more votes separating them (or reaching a lead's target) would take.
//
// The model, stated once: every interval's half-widths shrink as 1/√N, N the campaign's votes, while
// the votes keep arriving in the current mix (same scheduler, same share per pair) and the ratings
// stay where they are. Two systems i above j separate when the lower half of i's interval plus the
// upper half of j's (the halves facing each other, `reach`) is shorter than the gap between their
// ratings: low_i > high_j. After N' votes the reach is reach·√(N/N'), so the pair separates at
//   N' = N·(reach/gap)²,   i.e. N·(reach/gap)² − N more votes,
// never if the ratings are equal (gap 0). Time: those votes over the recent votes-per-hour rate.
// Pure: no I/O; the server supplies the board, N and the rate.

import { separability } from './spread.ts';

export interface EnoughRow {
	system: string;
	rating: number;
	ci_low: number;
	ci_high: number;
}

export interface AdjacentPair {
	upper: string;
	lower: string;
	/** rating gap (Elo), ≥ 0 on a board sorted best first */
	gap: number;
	/** do their 95% intervals not overlap (upper's low above lower's high)? */
	separated: boolean;
	/** more campaign votes until they would separate under the model; 0 if separated; null if never (gap 0) */
	votesNeeded: number | null;
	/** hours at the recent rate; 0 if separated; null when never or when there is no recent rate */
	hoursNeeded: number | null;
}

/** A lead's target: separability at least `value` (0–1], or every interval narrower than `value` Elo. */
export type EnoughTarget = { kind: 'separability'; value: number } | { kind: 'width'; value: number };

export interface TargetProgress {
	target: EnoughTarget;
	/** the current value of what the target measures (separability, or the widest interval in Elo) */
	current: number | null;
	reached: boolean;
	/** more votes until it is reached under the model (0 if reached; null if never) */
	votesNeeded: number | null;
	hoursNeeded: number | null;
}

export interface EnoughVotes {
	/** votes the intervals rest on (N) */
	votes: number;
	/** recent votes per hour; null when unknown or 0 */
	votesPerHour: number | null;
	separability: number | null;
	adjacent: AdjacentPair[];
	/** widest 95% interval (Elo), null without systems */
	widest: number | null;
	target: TargetProgress | null;
}

/**
 * Ratio N'/N at which intervals i and j separate: (reach/gap)², where reach is the half of the higher
 * system's interval below its rating plus the half of the lower's above its rating. 0 when the
 * intervals already separate with room to spare is not returned: any ratio ≤ 1 means "separated now".
 * Infinity when the ratings are equal.
 */
export function separationRatio(hi: EnoughRow, lo: EnoughRow): number {
	const gap = hi.rating - lo.rating;
	const reach = hi.rating - hi.ci_low + (lo.ci_high - lo.rating);
	if (!(gap > 0)) return reach > 0 ? Infinity : 0;
	return (reach / gap) ** 2;
}

/** More votes under the model for a ratio N'/N: N·ratio − N, 0 if already there, null if never. */
export function votesForRatio(votes: number, ratio: number): number | null {
	if (!Number.isFinite(ratio)) return null;
	return Math.max(0, Math.ceil(votes * ratio - votes - 1e-9));
}

const hours = (votesNeeded: number | null, perHour: number | null): number | null =>
	votesNeeded === null ? null : votesNeeded === 0 ? 0 : perHour && perHour > 0 ? votesNeeded / perHour : null;

/** Checks a target as stored or sent; throws a message naming what is wrong. */
export function checkTarget(value: unknown): EnoughTarget {
	if (typeof value !== 'object' || value === null) throw new Error('the target must be an object {kind, value}');
	const { kind, value: v } = value as { kind?: unknown; value?: unknown };
	if (kind === 'separability') {
		if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > 1)
			throw new Error('the target separability must be a share above 0 and at most 1');
		return { kind, value: v };
	}
	if (kind === 'width') {
		if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > 10_000)
			throw new Error('the target interval width must be a number of Elo points above 0 and at most 10000');
		return { kind, value: v };
	}
	throw new Error("the target kind must be 'separability' or 'width'");
}

/** Progress toward a target on the board `rows` (any order) resting on `votes` votes. */
export function targetProgress(rows: EnoughRow[], votes: number, perHour: number | null, target: EnoughTarget): TargetProgress {
	const K = rows.length;
	if (target.kind === 'width') {
		let widest = 0;
		for (const r of rows) widest = Math.max(widest, r.ci_high - r.ci_low);
		if (K === 0) return { target, current: null, reached: false, votesNeeded: null, hoursNeeded: null };
		const reached = widest < target.value;
		// widths shrink as 1/√N: narrower than X at N·(widest/X)²; "narrower" is strict, so at least one more vote
		const needed = reached ? 0 : Math.max(1, votesForRatio(votes, (widest / target.value) ** 2) ?? 0);
		return { target, current: widest, reached, votesNeeded: needed, hoursNeeded: hours(needed, perHour) };
	}
	const current = separability(
		rows.map((r) => r.ci_low),
		rows.map((r) => r.ci_high)
	);
	if (current === null) return { target, current, reached: false, votesNeeded: null, hoursNeeded: null };
	const reached = current >= target.value;
	if (reached) return { target, current, reached, votesNeeded: 0, hoursNeeded: 0 };
	// every pair separates at its own ratio; separability ≥ x once the ⌈x·M⌉-th smallest ratio is passed
	const ratios: number[] = [];
	for (let i = 0; i < K; i++)
		for (let j = i + 1; j < K; j++) {
			const [hi, lo] = rows[i].rating >= rows[j].rating ? [rows[i], rows[j]] : [rows[j], rows[i]];
			ratios.push(separationRatio(hi, lo));
		}
	ratios.sort((a, b) => a - b);
	const need = Math.ceil(target.value * ratios.length - 1e-9);
	const ratio = ratios[need - 1];
	// a pair exactly at its ratio touches but does not separate yet: one vote more
	const votesNeeded = votesForRatio(votes, ratio);
	const n = votesNeeded === null ? null : Math.max(1, votesNeeded);
	return { target, current, reached, votesNeeded: n, hoursNeeded: hours(n, perHour) };
}

/**
 * The "enough votes" summary of a board sorted best first (as the leaderboard is): every adjacent
 * pair, the separability, the widest interval and the progress toward `target` (if any).
 */
export function enoughVotes(rows: EnoughRow[], votes: number, perHour: number | null, target: EnoughTarget | null = null): EnoughVotes {
	const rate = perHour !== null && perHour > 0 && Number.isFinite(perHour) ? perHour : null;
	const adjacent: AdjacentPair[] = [];
	for (let k = 0; k + 1 < rows.length; k++) {
		const hi = rows[k];
		const lo = rows[k + 1];
		const separated = hi.ci_low > lo.ci_high;
		const needed = separated ? 0 : votesForRatio(votes, separationRatio(hi, lo));
		// intervals that touch exactly are not separated: at least one more vote
		const votesNeeded = needed === null ? null : separated ? 0 : Math.max(1, needed);
		adjacent.push({
			upper: hi.system,
			lower: lo.system,
			gap: hi.rating - lo.rating,
			separated,
			votesNeeded,
			hoursNeeded: hours(votesNeeded, rate)
		});
	}
	let widest: number | null = null;
	for (const r of rows) widest = Math.max(widest ?? 0, r.ci_high - r.ci_low);
	return {
		votes,
		votesPerHour: rate,
		separability: separability(
			rows.map((r) => r.ci_low),
			rows.map((r) => r.ci_high)
		),
		adjacent,
		widest,
		target: target ? targetProgress(rows, votes, rate, target) : null
	};
}
