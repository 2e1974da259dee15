// Per-evaluator metrics and the flags a lead sees on the evaluator dashboard.
// An evaluator's own metrics read all of their votes, rejected ones included: a lead rejecting careless
// votes must not make the evaluator look careful. The reference they are compared with (the other
// evaluators' majority) reads counted votes only.

import { analyzeVotes, type Analysis, type QualityOptions, type VoteFacts } from './analysis.ts';
import { binomialTwoSidedP, formatP } from './binomial.ts';
import { isDecisive } from './pairs.ts';
import { resolveThresholds, type QualityThresholdOverrides, type QualityThresholds } from './thresholds.ts';
import type { Reason, VoteRecord } from './types.ts';

export interface EvaluatorMetrics {
	userId: string;
	votes: number;
	counted: number;
	rejected: number;
	gold: {
		/** 'gold' votes whose pair has an expected answer */
		votes: number;
		correct: number;
		accuracy: number | null;
		/** 'gold' votes whose pair has no expectation (not scored) */
		unmatched: number;
	};
	side: {
		/** left + right votes (ties and both-bad excluded) */
		decisive: number;
		left: number;
		right: number;
		leftRate: number | null;
		/** exact two-sided binomial test of left among decisive votes against p = 0.5 */
		pValue: number | null;
	};
	repeats: {
		/** 'repeat' votes */
		votes: number;
		/** repeats with an earlier vote on the same pair to compare with */
		matched: number;
		/** matched repeats with a different answer in any way (including tie ↔ decision) */
		changed: number;
		/** matched repeats where both votes are decisive (left/right): the flip rate's denominator */
		decisive: number;
		/** of those, repeats where the other image was picked */
		flips: number;
		/** flips on the same side as the earlier vote (with swapped sides: the position decided) */
		sameSideFlips: number;
		/** flips / decisive */
		flipRate: number | null;
	};
	agreement: {
		/** own votes (repeats excluded) on pairs where other evaluators have a strict majority */
		comparable: number;
		agreed: number;
		rate: number | null;
	};
	predicted: {
		/** decisive votes on two different systems with a prediction other than 50/50 */
		comparable: number;
		agreed: number;
		rate: number | null;
	};
	time: {
		/** votes with active time */
		timed: number;
		medianSeconds: number | null;
		thresholdSeconds: number;
		tooFast: number;
		tooFastShare: number | null;
	};
	rationale: {
		/** votes with a rationale that is not empty after normalization */
		nonEmpty: number;
		/** mean length in characters (trimmed) over all votes */
		meanLength: number | null;
		/** non-empty rationales that near-duplicate another of this evaluator's rationales */
		nearDuplicates: number;
		nearDuplicateShare: number | null;
		/** decisive votes whose rationale argues for a side */
		withStance: number;
		/** of those, votes whose rationale argues for the side not chosen */
		contradictions: number;
		contradictionShare: number | null;
		contradictionVoteIds: string[];
	};
}

export type FlagCode =
	'side_bias' | 'gold_accuracy_low' | 'repeat_flips' | 'too_fast' | 'duplicate_rationales' | 'rationale_contradictions' | 'low_agreement';

export interface EvaluatorFlags {
	flagged: boolean;
	reasons: Reason<FlagCode>[];
}

export interface EvaluatorQuality extends EvaluatorFlags {
	userId: string;
	metrics: EvaluatorMetrics;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
/** Whole percent, or one decimal when rounding would make a value look equal to its threshold. */
const pct = (x: number, threshold?: number) =>
	threshold !== undefined && Math.round(x * 100) === Math.round(threshold * 100) && x !== threshold
		? `${(x * 100).toFixed(1)}%`
		: `${Math.round(x * 100)}%`;
const seconds = (x: number) => `${Number(x.toPrecision(2))} s`;

/** Metrics and flags of every evaluator in the votes, ordered by user id. */
export function evaluatorQuality(votes: readonly VoteRecord[], options: QualityOptions = {}): EvaluatorQuality[] {
	return evaluatorQualityFrom(analyzeVotes(votes, options));
}

export function evaluatorQualityFrom(analysis: Analysis): EvaluatorQuality[] {
	const byUser = new Map<string, VoteFacts[]>();
	for (const f of analysis.facts) {
		const list = byUser.get(f.vote.userId);
		if (list) list.push(f);
		else byUser.set(f.vote.userId, [f]);
	}
	return [...byUser.keys()].sort().map((userId) => {
		const metrics = metricsOf(userId, byUser.get(userId)!, analysis.thresholds);
		return { userId, metrics, ...flagEvaluator(metrics, analysis.thresholds) };
	});
}

function metricsOf(userId: string, facts: VoteFacts[], thresholds: QualityThresholds): EvaluatorMetrics {
	const tally = new MetricsTally();
	for (const f of facts) tally.add(f);
	return tally.metrics(userId, thresholds);
}

/**
 * One evaluator's metrics, a vote at a time: what metricsOf sums over an evaluator's facts, also fed by
 * the columnar path (columns.ts) one short-lived fact at a time, so both give the same numbers.
 */
export class MetricsTally {
	private votes = 0;
	private counted = 0;
	private goldVotes = 0;
	private goldCorrect = 0;
	private goldUnmatched = 0;
	private left = 0;
	private right = 0;
	private repeatVotes = 0;
	private matched = 0;
	private changed = 0;
	private decisiveRepeats = 0;
	private flips = 0;
	private sameSideFlips = 0;
	private comparable = 0;
	private agreed = 0;
	private predictedComparable = 0;
	private predictedAgreed = 0;
	private tooFast = 0;
	private readonly times: number[] = [];
	private lengthSum = 0;
	private nonEmpty = 0;
	private nearDuplicates = 0;
	private withStance = 0;
	private readonly contradictionVoteIds: string[] = [];

	/** Facts of the fields read here only (the record path: one VoteFacts per vote). */
	add(f: TalliedFacts): void {
		const v = f.vote;
		this.addValues(
			v.id,
			v.status === 'counted',
			v.kind === 'gold' ? TALLY_GOLD : v.kind === 'repeat' ? TALLY_REPEAT : TALLY_NORMAL,
			v.choice === 'left' ? TALLY_LEFT : v.choice === 'right' ? TALLY_RIGHT : TALLY_OTHER,
			tri(f.goldCorrect),
			tri(f.changed),
			tri(f.flipped),
			tri(f.sameSideFlip),
			tri(f.agreesWithOthers),
			tri(f.agreesWithPrediction),
			tri(f.tooFast),
			v.activeMs,
			codePoints(v.rationale.trim()),
			hasLetterOrDigit(v.rationale.trim()),
			f.duplicateOwn,
			isDecisive(v.choice) && f.stance.side !== null,
			f.contradiction
		);
	}

	/**
	 * The same as add, from plain values (the columnar path, columns.ts: no object per vote). Tri-states
	 * are -1 for null (not applicable), 0 false, 1 true; kind and choice are the TALLY_ codes.
	 */
	addValues(
		id: string,
		counted: boolean,
		kind: number,
		choice: number,
		goldCorrect: number,
		changed: number,
		flipped: number,
		sameSideFlip: number,
		agreesWithOthers: number,
		agreesWithPrediction: number,
		tooFast: number,
		activeMs: number | null,
		/** the trimmed rationale's length in code points, and whether it has a letter or digit (rationale-facts.ts) */
		rationaleLength: number,
		rationaleHasText: boolean,
		duplicateOwn: number,
		withStance: boolean,
		contradiction: boolean
	): void {
		this.votes++;
		if (counted) this.counted++;
		if (kind === TALLY_GOLD) {
			if (goldCorrect === -1) this.goldUnmatched++;
			else {
				this.goldVotes++;
				if (goldCorrect === 1) this.goldCorrect++;
			}
		}
		if (choice === TALLY_LEFT) this.left++;
		else if (choice === TALLY_RIGHT) this.right++;
		if (kind === TALLY_REPEAT) {
			this.repeatVotes++;
			if (changed !== -1) {
				this.matched++;
				if (changed === 1) this.changed++;
			}
			if (flipped !== -1) {
				this.decisiveRepeats++;
				if (flipped === 1) this.flips++;
				if (sameSideFlip === 1) this.sameSideFlips++;
			}
		} else if (agreesWithOthers !== -1) {
			this.comparable++;
			if (agreesWithOthers === 1) this.agreed++;
		}
		if (agreesWithPrediction !== -1) {
			this.predictedComparable++;
			if (agreesWithPrediction === 1) this.predictedAgreed++;
		}
		if (tooFast !== -1) {
			this.times.push((activeMs as number) / 1000);
			if (tooFast === 1) this.tooFast++;
		}
		this.lengthSum += rationaleLength;
		if (rationaleHasText) {
			this.nonEmpty++;
			if (duplicateOwn !== -1) this.nearDuplicates++;
		}
		if (withStance) {
			this.withStance++;
			if (contradiction) this.contradictionVoteIds.push(id);
		}
	}

	metrics(userId: string, thresholds: QualityThresholds): EvaluatorMetrics {
		const { left, right, counted, times, contradictionVoteIds } = this;
		const votes = this.votes;
		const decisive = left + right;
		return {
			userId,
			votes,
			counted,
			rejected: votes - counted,
			gold: {
				votes: this.goldVotes,
				correct: this.goldCorrect,
				accuracy: ratio(this.goldCorrect, this.goldVotes),
				unmatched: this.goldUnmatched
			},
			side: { decisive, left, right, leftRate: ratio(left, decisive), pValue: decisive > 0 ? binomialTwoSidedP(left, decisive) : null },
			repeats: {
				votes: this.repeatVotes,
				matched: this.matched,
				changed: this.changed,
				decisive: this.decisiveRepeats,
				flips: this.flips,
				sameSideFlips: this.sameSideFlips,
				flipRate: ratio(this.flips, this.decisiveRepeats)
			},
			agreement: { comparable: this.comparable, agreed: this.agreed, rate: ratio(this.agreed, this.comparable) },
			predicted: {
				comparable: this.predictedComparable,
				agreed: this.predictedAgreed,
				rate: ratio(this.predictedAgreed, this.predictedComparable)
			},
			time: {
				timed: times.length,
				medianSeconds: median(times),
				thresholdSeconds: thresholds.tooFastSeconds,
				tooFast: this.tooFast,
				tooFastShare: ratio(this.tooFast, times.length)
			},
			rationale: {
				nonEmpty: this.nonEmpty,
				meanLength: ratio(this.lengthSum, votes),
				nearDuplicates: this.nearDuplicates,
				nearDuplicateShare: ratio(this.nearDuplicates, this.nonEmpty),
				withStance: this.withStance,
				contradictions: contradictionVoteIds.length,
				contradictionShare: ratio(contradictionVoteIds.length, this.withStance),
				contradictionVoteIds
			}
		};
	}
}

/** MetricsTally.addValues's codes of a vote's kind and choice. */
export const TALLY_NORMAL = 0;
export const TALLY_GOLD = 1;
export const TALLY_REPEAT = 2;
export const TALLY_LEFT = 0;
export const TALLY_RIGHT = 1;
/** tie or both-bad */
export const TALLY_OTHER = 2;

const tri = (x: boolean | null) => (x === null ? -1 : x ? 1 : 0);

/** [...s].length: code points, a lone surrogate counting as one. */
export function codePoints(s: string): number {
	let n = s.length;
	for (let i = 0; i < s.length - 1; i++) {
		const c = s.charCodeAt(i);
		if (c >= 0xd800 && c <= 0xdbff) {
			const d = s.charCodeAt(i + 1);
			if (d >= 0xdc00 && d <= 0xdfff) {
				n--;
				i++;
			}
		}
	}
	return n;
}

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** /[\p{L}\p{N}]/u.test(s), deciding ASCII text without the regular expression. */
export function hasLetterOrDigit(s: string): boolean {
	for (let i = 0; i < s.length; i++) {
		const c = s.charCodeAt(i);
		if (c >= 128) return LETTER_OR_DIGIT.test(s);
		if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)) return true;
	}
	return false;
}

/** The facts MetricsTally reads. */
export type TalliedFacts = Pick<
	VoteFacts,
	| 'goldCorrect'
	| 'changed'
	| 'flipped'
	| 'sameSideFlip'
	| 'agreesWithOthers'
	| 'agreesWithPrediction'
	| 'tooFast'
	| 'duplicateOwn'
	| 'contradiction'
> & {
	vote: Pick<VoteRecord, 'id' | 'status' | 'kind' | 'choice' | 'activeMs' | 'rationale'>;
	stance: { side: VoteFacts['stance']['side'] };
};

export function median(values: readonly number[]): number | null {
	if (values.length === 0) return null;
	const sorted = Float64Array.from(values).sort();
	const mid = sorted.length >> 1;
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The flags of one evaluator: each rule fires only with enough data behind it (see QualityThresholds),
 * and its message carries the numbers so a lead can judge without opening the metrics.
 */
export function flagEvaluator(metrics: EvaluatorMetrics, overrides: QualityThresholds | QualityThresholdOverrides = {}): EvaluatorFlags {
	const t = resolveThresholds(overrides);
	const reasons: Reason<FlagCode>[] = [];
	const { side, gold, repeats, time, rationale, agreement } = metrics;

	if (
		side.pValue !== null &&
		side.leftRate !== null &&
		side.decisive >= t.sideBiasMinDecisive &&
		side.pValue < t.sideBiasMaxP &&
		Math.abs(side.leftRate - 0.5) >= t.sideBiasMinDeviation
	) {
		const favoured = side.leftRate >= 0.5 ? 'left' : 'right';
		const rate = favoured === 'left' ? side.leftRate : 1 - side.leftRate;
		reasons.push({
			code: 'side_bias',
			message: `picked ${favoured} in ${pct(rate)} of ${side.decisive} decisive votes (${formatP(side.pValue)})`
		});
	}
	if (gold.accuracy !== null && gold.votes >= t.goldMinVotes && gold.accuracy < t.goldMinAccuracy) {
		reasons.push({
			code: 'gold_accuracy_low',
			message: `answered ${gold.correct} of ${gold.votes} gold pairs as expected (${pct(gold.accuracy, t.goldMinAccuracy)}, below ${pct(t.goldMinAccuracy)})`
		});
	}
	if (repeats.flipRate !== null && repeats.decisive >= t.flipMinRepeats && repeats.flipRate > t.flipMaxRate) {
		const sameSide =
			repeats.sameSideFlips === repeats.flips
				? ', each time on the same side as before'
				: repeats.sameSideFlips > 0
					? `; ${repeats.sameSideFlips} on the same side as before`
					: '';
		reasons.push({
			code: 'repeat_flips',
			message: `picked the other image on ${repeats.flips} of ${repeats.decisive} hidden repeats (${pct(repeats.flipRate, t.flipMaxRate)}, above ${pct(t.flipMaxRate)})${sameSide}`
		});
	}
	if (time.tooFastShare !== null && time.timed >= t.tooFastMinVotes && time.tooFastShare > t.tooFastMaxShare) {
		reasons.push({
			code: 'too_fast',
			message:
				`${pct(time.tooFastShare, t.tooFastMaxShare)} of ${time.timed} timed votes took under ${seconds(t.tooFastSeconds)}` +
				(time.medianSeconds !== null ? ` (median ${seconds(time.medianSeconds)} per vote)` : '')
		});
	}
	if (
		rationale.nearDuplicateShare !== null &&
		rationale.nonEmpty >= t.duplicateMinVotes &&
		rationale.nearDuplicateShare > t.duplicateMaxShare
	) {
		reasons.push({
			code: 'duplicate_rationales',
			message: `${pct(rationale.nearDuplicateShare, t.duplicateMaxShare)} of ${rationale.nonEmpty} rationales repeat another of their own (character ${t.shingleSize}-gram Jaccard ≥ ${t.duplicateJaccard})`
		});
	}
	if (
		rationale.contradictionShare !== null &&
		rationale.withStance >= t.contradictionMinVotes &&
		rationale.contradictionShare > t.contradictionMaxShare
	) {
		reasons.push({
			code: 'rationale_contradictions',
			message: `rationale argues for the side not chosen in ${rationale.contradictions} of ${rationale.withStance} votes whose rationale takes a side (${pct(rationale.contradictionShare, t.contradictionMaxShare)})`
		});
	}
	if (agreement.rate !== null && agreement.comparable >= t.agreementMinVotes && agreement.rate < t.agreementMinRate) {
		reasons.push({
			code: 'low_agreement',
			message: `agreed with the majority of other evaluators on ${agreement.agreed} of ${agreement.comparable} shared pairs (${pct(agreement.rate, t.agreementMinRate)}, below ${pct(t.agreementMinRate)})`
		});
	}
	return { flagged: reasons.length > 0, reasons };
}
