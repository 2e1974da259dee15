// Each flag rule at its threshold, with and without enough data, and the numbers in its message.
import { describe, expect, it } from 'vitest';
import {
	binomialTwoSidedP,
	DEFAULT_QUALITY_THRESHOLDS,
	flagEvaluator,
	resolveThresholds,
	type EvaluatorMetrics
} from '../../../src/lib/quality/index.ts';

function metrics(change: (m: EvaluatorMetrics) => void = () => {}): EvaluatorMetrics {
	const m: EvaluatorMetrics = {
		userId: 'u',
		votes: 200,
		counted: 200,
		rejected: 0,
		gold: { votes: 10, correct: 9, accuracy: 0.9, unmatched: 0 },
		side: { decisive: 180, left: 92, right: 88, leftRate: 92 / 180, pValue: binomialTwoSidedP(92, 180) },
		repeats: { votes: 10, matched: 10, changed: 1, decisive: 9, flips: 1, sameSideFlips: 1, flipRate: 1 / 9 },
		agreement: { comparable: 100, agreed: 80, rate: 0.8 },
		predicted: { comparable: 150, agreed: 110, rate: 110 / 150 },
		time: { timed: 200, medianSeconds: 11, thresholdSeconds: 3, tooFast: 4, tooFastShare: 0.02 },
		rationale: {
			nonEmpty: 200,
			meanLength: 80,
			nearDuplicates: 10,
			nearDuplicateShare: 0.05,
			withStance: 150,
			contradictions: 3,
			contradictionShare: 0.02,
			contradictionVoteIds: []
		}
	};
	change(m);
	return m;
}
const codes = (m: EvaluatorMetrics, overrides = {}) => flagEvaluator(m, overrides).reasons.map((r) => r.code);

describe('flagEvaluator', () => {
	it('flags nothing for a careful record', () => {
		expect(flagEvaluator(metrics())).toEqual({ flagged: false, reasons: [] });
	});

	it('side bias: significant, large enough, with enough decisive votes; message has rate, count and p', () => {
		const biased = metrics(
			(m) => (m.side = { decisive: 120, left: 115, right: 5, leftRate: 115 / 120, pValue: binomialTwoSidedP(115, 120) })
		);
		expect(flagEvaluator(biased)).toEqual({
			flagged: true,
			reasons: [{ code: 'side_bias', message: 'picked left in 96% of 120 decisive votes (p < 0.0001)' }]
		});
		const right = metrics((m) => (m.side = { decisive: 40, left: 5, right: 35, leftRate: 5 / 40, pValue: binomialTwoSidedP(5, 40) }));
		expect(flagEvaluator(right).reasons[0].message).toBe('picked right in 88% of 40 decisive votes (p < 0.0001)');
		// 29 of 29 left is extreme but under the 30-vote minimum
		expect(codes(metrics((m) => (m.side = { decisive: 29, left: 29, right: 0, leftRate: 1, pValue: binomialTwoSidedP(29, 29) })))).toEqual(
			[]
		);
		// 56% of 4000: p ≈ 3e-14 but within the 10-point minimum deviation
		const slight = metrics(
			(m) => (m.side = { decisive: 4000, left: 2240, right: 1760, leftRate: 0.56, pValue: binomialTwoSidedP(2240, 4000) })
		);
		expect(slight.side.pValue!).toBeLessThan(1e-10);
		expect(codes(slight)).toEqual([]);
		expect(codes(slight, { sideBiasMinDeviation: 0.05 })).toEqual(['side_bias']);
		// 24 of 30 left: p = 0.0014 > 0.001
		expect(
			codes(metrics((m) => (m.side = { decisive: 30, left: 24, right: 6, leftRate: 0.8, pValue: binomialTwoSidedP(24, 30) })))
		).toEqual([]);
		// 25 of 30 left: p = 0.00033
		expect(
			codes(metrics((m) => (m.side = { decisive: 30, left: 25, right: 5, leftRate: 25 / 30, pValue: binomialTwoSidedP(25, 30) })))
		).toEqual(['side_bias']);
	});

	it('gold accuracy below 70% with at least 5 gold votes', () => {
		const at = (votes: number, correct: number) => metrics((m) => (m.gold = { votes, correct, accuracy: correct / votes, unmatched: 0 }));
		expect(flagEvaluator(at(5, 3)).reasons).toEqual([
			{ code: 'gold_accuracy_low', message: 'answered 3 of 5 gold pairs as expected (60%, below 70%)' }
		]);
		expect(codes(at(10, 7))).toEqual([]); // exactly 70% is not below
		expect(codes(at(4, 0))).toEqual([]); // too few
		expect(flagEvaluator(at(1000, 699)).reasons[0].message).toBe('answered 699 of 1000 gold pairs as expected (69.9%, below 70%)');
	});

	it('flip rate above 30% with at least 5 decisive repeats, naming same-side flips', () => {
		const at = (decisive: number, flips: number, sameSideFlips = flips) =>
			metrics(
				(m) =>
					(m.repeats = {
						votes: decisive + 2,
						matched: decisive + 2,
						changed: flips + 1,
						decisive,
						flips,
						sameSideFlips,
						flipRate: flips / decisive
					})
			);
		expect(flagEvaluator(at(6, 2)).reasons).toEqual([
			{
				code: 'repeat_flips',
				message: 'picked the other image on 2 of 6 hidden repeats (33%, above 30%), each time on the same side as before'
			}
		]);
		expect(flagEvaluator(at(5, 4, 1)).reasons[0].message).toBe(
			'picked the other image on 4 of 5 hidden repeats (80%, above 30%); 1 on the same side as before'
		);
		expect(flagEvaluator(at(5, 4, 0)).reasons[0].message).toBe('picked the other image on 4 of 5 hidden repeats (80%, above 30%)');
		expect(codes(at(10, 3))).toEqual([]); // exactly 30%
		expect(codes(at(4, 4))).toEqual([]); // too few
	});

	it('too-fast share above 30% with at least 10 timed votes; the threshold in seconds is configurable', () => {
		const at = (timed: number, tooFast: number) =>
			metrics((m) => (m.time = { timed, medianSeconds: 1.2, thresholdSeconds: 3, tooFast, tooFastShare: tooFast / timed }));
		expect(flagEvaluator(at(50, 41)).reasons).toEqual([
			{ code: 'too_fast', message: '82% of 50 timed votes took under 3 s (median 1.2 s per vote)' }
		]);
		expect(codes(at(10, 3))).toEqual([]);
		expect(codes(at(9, 9))).toEqual([]);
		expect(flagEvaluator(at(50, 41), { tooFastSeconds: 2 }).reasons[0].message).toContain('under 2 s');
	});

	it('near-duplicate share above 50% with at least 10 rationales', () => {
		const at = (nonEmpty: number, nearDuplicates: number) =>
			metrics((m) => (m.rationale = { ...m.rationale, nonEmpty, nearDuplicates, nearDuplicateShare: nearDuplicates / nonEmpty }));
		expect(flagEvaluator(at(40, 30)).reasons).toEqual([
			{ code: 'duplicate_rationales', message: '75% of 40 rationales repeat another of their own (character 4-gram Jaccard ≥ 0.8)' }
		]);
		expect(codes(at(10, 5))).toEqual([]);
		expect(codes(at(9, 9))).toEqual([]);
	});

	it('contradiction share above 20% with at least 10 votes whose rationale takes a side', () => {
		const at = (withStance: number, contradictions: number) =>
			metrics((m) => (m.rationale = { ...m.rationale, withStance, contradictions, contradictionShare: contradictions / withStance }));
		expect(flagEvaluator(at(20, 6)).reasons).toEqual([
			{
				code: 'rationale_contradictions',
				message: 'rationale argues for the side not chosen in 6 of 20 votes whose rationale takes a side (30%)'
			}
		]);
		expect(codes(at(20, 4))).toEqual([]);
		expect(codes(at(9, 9))).toEqual([]);
	});

	it('agreement with others below 50% with at least 20 comparable votes', () => {
		const at = (comparable: number, agreed: number) => metrics((m) => (m.agreement = { comparable, agreed, rate: agreed / comparable }));
		expect(flagEvaluator(at(25, 10)).reasons).toEqual([
			{ code: 'low_agreement', message: 'agreed with the majority of other evaluators on 10 of 25 shared pairs (40%, below 50%)' }
		]);
		expect(codes(at(20, 10))).toEqual([]);
		expect(codes(at(19, 0))).toEqual([]);
	});

	it('lists every rule that fires, in a fixed order', () => {
		const bad = metrics((m) => {
			m.side = { decisive: 100, left: 100, right: 0, leftRate: 1, pValue: binomialTwoSidedP(100, 100) };
			m.time = { ...m.time, tooFast: 150, tooFastShare: 0.75 };
			m.gold = { votes: 10, correct: 5, accuracy: 0.5, unmatched: 0 };
		});
		expect(codes(bad)).toEqual(['side_bias', 'gold_accuracy_low', 'too_fast']);
	});

	it('ignores metrics with no data', () => {
		const empty = metrics((m) => {
			m.gold = { votes: 0, correct: 0, accuracy: null, unmatched: 0 };
			m.side = { decisive: 0, left: 0, right: 0, leftRate: null, pValue: null };
			m.repeats = { votes: 0, matched: 0, changed: 0, decisive: 0, flips: 0, sameSideFlips: 0, flipRate: null };
			m.agreement = { comparable: 0, agreed: 0, rate: null };
			m.time = { timed: 0, medianSeconds: null, thresholdSeconds: 3, tooFast: 0, tooFastShare: null };
		});
		expect(flagEvaluator(empty)).toEqual({ flagged: false, reasons: [] });
	});
});

describe('thresholds', () => {
	it('are documented defaults, overridable one at a time', () => {
		expect(DEFAULT_QUALITY_THRESHOLDS.sideBiasMaxP).toBe(0.001);
		expect(DEFAULT_QUALITY_THRESHOLDS.goldMinAccuracy).toBe(0.7);
		const t = resolveThresholds({ tooFastSeconds: 5, riskWeights: { goldMiss: 0.9 } });
		expect(t.tooFastSeconds).toBe(5);
		expect(t.sideBiasMinDecisive).toBe(30);
		expect(t.riskWeights).toEqual({ ...DEFAULT_QUALITY_THRESHOLDS.riskWeights, goldMiss: 0.9 });
		expect(() => ((DEFAULT_QUALITY_THRESHOLDS as { tooFastSeconds: number }).tooFastSeconds = 1)).toThrow(TypeError);
	});

	it('reject values that make a rule meaningless', () => {
		expect(() => resolveThresholds({ goldMinAccuracy: 1.5 })).toThrow(/goldMinAccuracy/);
		expect(() => resolveThresholds({ tooFastSeconds: -1 })).toThrow(/tooFastSeconds/);
		expect(() => resolveThresholds({ duplicateJaccard: 0 })).toThrow(/duplicateJaccard/);
		expect(() => resolveThresholds({ shingleSize: 2.5 })).toThrow(/shingleSize/);
		expect(() => resolveThresholds({ riskWeights: { tooFast: 2 } })).toThrow(/tooFast/);
	});
});
