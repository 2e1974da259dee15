// Every number that decides a flag or weighs a risk, in one place so leads can see and override them.

export interface QualityThresholds {
	/** A vote is too fast under this many seconds of active time. */
	tooFastSeconds: number;
	/** Flag when the share of timed votes under `tooFastSeconds` is above this… */
	tooFastMaxShare: number;
	/** …with at least this many timed votes. */
	tooFastMinVotes: number;

	/** Flag side bias when the exact two-sided binomial test (p = 0.5) of left among decisive votes is below this… */
	sideBiasMaxP: number;
	/** …with at least this many decisive (left/right) votes… */
	sideBiasMinDecisive: number;
	/** …and a left-side rate at least this far from 50% (so a significant but harmless 53% is not flagged). */
	sideBiasMinDeviation: number;

	/** Flag when gold accuracy is below this… */
	goldMinAccuracy: number;
	/** …with at least this many gold votes that have an expected answer. */
	goldMinVotes: number;

	/** Flag when the share of hidden repeats on which the other image was picked is above this… */
	flipMaxRate: number;
	/** …with at least this many repeats where both the repeat and the earlier vote are decisive. */
	flipMinRepeats: number;

	/** Flag when agreement with the majority of other evaluators on the same image pair is below this… */
	agreementMinRate: number;
	/** …with at least this many comparable votes (pairs where the other evaluators have a strict majority). */
	agreementMinVotes: number;

	/** Two rationales are near-duplicates when the Jaccard similarity of their shingle sets is at least this. */
	duplicateJaccard: number;
	/** Characters per shingle. */
	shingleSize: number;
	/** Flag when the share of an evaluator's rationales that near-duplicate another of their own is above this… */
	duplicateMaxShare: number;
	/** …with at least this many non-empty rationales. */
	duplicateMinVotes: number;

	/** Flag when the share of decisive votes whose rationale argues for the other side is above this… */
	contradictionMaxShare: number;
	/** …with at least this many decisive votes whose rationale takes a side (the denominator). */
	contradictionMinVotes: number;

	/**
	 * Weights of the per-vote risk signals; the score is 1 − Π(1 − weight) over the signals present
	 * (a noisy-OR: one strong signal is enough to rank high, several add up, the score stays in [0, 1]).
	 */
	riskWeights: RiskWeights;
}

export interface RiskWeights {
	tooFast: number;
	contradiction: number;
	duplicateOwn: number;
	duplicateOthers: number;
	disagreement: number;
	goldMiss: number;
}

export const DEFAULT_QUALITY_THRESHOLDS: Readonly<QualityThresholds> = Object.freeze({
	tooFastSeconds: 3,
	tooFastMaxShare: 0.3,
	tooFastMinVotes: 10,

	sideBiasMaxP: 0.001,
	sideBiasMinDecisive: 30,
	sideBiasMinDeviation: 0.1,

	goldMinAccuracy: 0.7,
	goldMinVotes: 5,

	flipMaxRate: 0.3,
	flipMinRepeats: 5,

	agreementMinRate: 0.5,
	agreementMinVotes: 20,

	duplicateJaccard: 0.8,
	shingleSize: 4,
	duplicateMaxShare: 0.5,
	duplicateMinVotes: 10,

	contradictionMaxShare: 0.2,
	contradictionMinVotes: 10,

	riskWeights: Object.freeze({
		tooFast: 0.3,
		contradiction: 0.5,
		duplicateOwn: 0.2,
		duplicateOthers: 0.35,
		disagreement: 0.25,
		goldMiss: 0.5
	})
});

export type QualityThresholdOverrides = Partial<Omit<QualityThresholds, 'riskWeights'>> & { riskWeights?: Partial<RiskWeights> };

/** The defaults with some values replaced; rejects values that would make a rule meaningless. */
export function resolveThresholds(overrides: QualityThresholdOverrides = {}): QualityThresholds {
	const merged: QualityThresholds = {
		...DEFAULT_QUALITY_THRESHOLDS,
		...overrides,
		riskWeights: { ...DEFAULT_QUALITY_THRESHOLDS.riskWeights, ...overrides.riskWeights }
	};
	for (const [key, value] of Object.entries(merged)) {
		if (key === 'riskWeights') continue;
		if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
			throw new RangeError(`threshold ${key} must be a finite number ≥ 0, got ${value}`);
	}
	for (const key of [
		'tooFastMaxShare',
		'sideBiasMaxP',
		'sideBiasMinDeviation',
		'goldMinAccuracy',
		'flipMaxRate',
		'agreementMinRate',
		'duplicateMaxShare',
		'contradictionMaxShare'
	] as const) {
		if (merged[key] > 1) throw new RangeError(`threshold ${key} is a share and must be ≤ 1, got ${merged[key]}`);
	}
	if (!(merged.duplicateJaccard > 0 && merged.duplicateJaccard <= 1))
		throw new RangeError(`duplicateJaccard must be in (0, 1], got ${merged.duplicateJaccard}`);
	if (!Number.isInteger(merged.shingleSize) || merged.shingleSize < 1)
		throw new RangeError(`shingleSize must be a positive integer, got ${merged.shingleSize}`);
	for (const [key, weight] of Object.entries(merged.riskWeights)) {
		if (!(weight >= 0 && weight <= 1)) throw new RangeError(`risk weight ${key} must be in [0, 1], got ${weight}`);
	}
	return merged;
}
