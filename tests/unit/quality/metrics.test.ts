// Every per-evaluator metric on a small campaign computed by hand (see the comments for the arithmetic).
import { describe, expect, it } from 'vitest';
import { assessQuality, campaignAlpha, evaluatorQuality, type GoldExpectation, type VoteRecord } from '../../../src/lib/quality/index.ts';
import { codePoints, hasLetterOrDigit } from '../../../src/lib/quality/evaluators.ts';

// images and their systems: i1 A, i2 B, i3 A, i4 C, i5 B, i6 C, i7 C, i8 A
const SYSTEM: Record<string, string> = { i1: 'A', i2: 'B', i3: 'A', i4: 'C', i5: 'B', i6: 'C', i7: 'C', i8: 'A' };
let clock = 0;
function v(
	id: string,
	userId: string,
	left: string,
	right: string,
	choice: VoteRecord['choice'],
	rest: Partial<VoteRecord> = {}
): VoteRecord {
	return {
		id,
		userId,
		leftImageId: left,
		rightImageId: right,
		leftSystemId: SYSTEM[left],
		rightSystemId: SYSTEM[right],
		choice,
		rationale: '',
		activeMs: 8000,
		submittedAt: ++clock,
		kind: 'normal',
		status: 'counted',
		assignmentId: `a-${id}`,
		...rest
	};
}

const votes: VoteRecord[] = [
	// u1, the evaluator under test
	v('v1', 'u1', 'i1', 'i2', 'left', { rationale: 'The left image is sharper', activeMs: 10_000 }),
	v('v2', 'u1', 'i2', 'i1', 'right', { rationale: 'The right image is sharper', activeMs: 2000, kind: 'repeat' }), // same image i1: consistent
	v('v3', 'u1', 'i3', 'i4', 'left', { rationale: 'left is worse', activeMs: 4000, kind: 'gold' }), // gold hit; text argues for right
	v('v4', 'u1', 'i5', 'i6', 'tie', { rationale: '', activeMs: null }),
	v('v5', 'u1', 'i7', 'i8', 'right', { rationale: 'The left image is sharper', activeMs: 6000, status: 'rejected' }), // contradiction, copy of v1
	v('v6', 'u1', 'i4', 'i3', 'left', { rationale: 'Picked it.', activeMs: 1000, kind: 'gold' }), // gold miss (expects i3, on the right here)
	v('v7', 'u1', 'i8', 'i7', 'right', { rationale: 'Good.', activeMs: 3000, kind: 'repeat' }), // same side as v5, other image: a flip
	// the others
	v('w1', 'u2', 'i1', 'i2', 'left', { rationale: 'Crisper fur on the first cat.' }),
	v('w2', 'u3', 'i2', 'i1', 'right', { rationale: 'Less noise in the sky.' }),
	v('w3', 'u2', 'i7', 'i8', 'left', { rationale: 'Better hands.' }),
	v('w4', 'u3', 'i8', 'i7', 'left', { rationale: 'Nicer lighting overall.' }),
	v('w5', 'u2', 'i5', 'i6', 'tie', { rationale: 'Equally fine.' }),
	v('w6', 'u3', 'i6', 'i5', 'tie', { rationale: 'Hard to choose.' }),
	v('w7', 'u2', 'i3', 'i4', 'right', { rationale: 'Follows the prompt.', kind: 'gold' }),
	v('w8', 'u3', 'i3', 'i4', 'left', { rationale: 'Rejected vote.', kind: 'gold', status: 'rejected' })
];
// the gold pair is defined the other way round: i4 on the left, expected right (= i3)
const gold: GoldExpectation[] = [{ leftImageId: 'i4', rightImageId: 'i3', expected: 'right' }];
// Bradley–Terry strengths A 2, B 1, C 0
const strength: Record<string, number> = { A: 2, B: 1, C: 0 };
const predict = (a: string, b: string) => 1 / (1 + Math.exp(strength[b] - strength[a]));

describe('per-evaluator metrics by hand', () => {
	const report = evaluatorQuality(votes, { gold, predict });
	const u1 = report.find((e) => e.userId === 'u1')!.metrics;

	it('lists every evaluator, ordered by id', () => {
		expect(report.map((e) => e.userId)).toEqual(['u1', 'u2', 'u3']);
		expect(u1.votes).toBe(7);
		expect(u1.counted).toBe(6);
		expect(u1.rejected).toBe(1);
	});

	it('scores gold votes whichever side the gold images were shown on', () => {
		// v3: i3 on the left, chose left = i3 = expected; v6: i3 on the right, chose left = i4: miss
		expect(u1.gold).toEqual({ votes: 2, correct: 1, accuracy: 0.5, unmatched: 0 });
		// u2 chose i4 (right in w7): a miss; u3's rejected gold vote still counts for u3's own metrics (a hit)
		expect(report[1].metrics.gold).toEqual({ votes: 1, correct: 0, accuracy: 0, unmatched: 0 });
		expect(report[2].metrics.gold).toEqual({ votes: 1, correct: 1, accuracy: 1, unmatched: 0 });
		// without expectations the gold votes are unmatched, not wrong
		expect(evaluatorQuality(votes)[0].metrics.gold).toEqual({ votes: 0, correct: 0, accuracy: null, unmatched: 2 });
	});

	it('measures the left-side rate among decisive votes with the exact binomial p-value', () => {
		// decisive: v1 L, v2 R, v3 L, v5 R, v6 L, v7 R → 3 of 6 left, p = 1
		expect(u1.side).toEqual({ decisive: 6, left: 3, right: 3, leftRate: 0.5, pValue: 1 });
	});

	it('counts flips on hidden repeats by image, not by side', () => {
		// v2 repeats v1 (i1 both times: consistent); v7 repeats v5 (i8, then i7: a flip, on the same side)
		expect(u1.repeats).toEqual({ votes: 2, matched: 2, changed: 1, decisive: 2, flips: 1, sameSideFlips: 1, flipRate: 0.5 });
	});

	it('does not call a tie turning into a decision a flip, and needs an earlier vote to compare with', () => {
		const repeats = evaluatorQuality([
			v('r1', 'r', 'a', 'b', 'tie'),
			v('r2', 'r', 'b', 'a', 'left', { kind: 'repeat' }), // changed, not a flip
			v('r3', 'r', 'c', 'd', 'left'),
			v('r4', 'r', 'c', 'd', 'right', { kind: 'repeat' }), // not swapped: other side = other image, a flip
			v('r5', 'r', 'e', 'f', 'left', { kind: 'repeat' }), // nothing earlier
			v('r6', 'r', 'g', 'h', 'right'),
			v('r7', 'r', 'g', 'h', 'left', { kind: 'repeat', submittedAt: 0 }) // "earlier" than its original: unmatched
		])[0].metrics.repeats;
		expect(repeats).toEqual({ votes: 4, matched: 2, changed: 2, decisive: 1, flips: 1, sameSideFlips: 0, flipRate: 1 });
	});

	it('compares with the majority of the other evaluators, orientation-aware and without rejected votes', () => {
		// (i1,i2): u2, u3 both chose i1 → v1 agrees (v2 is a repeat, left out)
		// (i7,i8): u2 i7, u3 i8 → no majority
		// (i5,i6): both tie → v4 agrees
		// (i3,i4): u2 chose i4; u3's vote is rejected → v3 (i3) disagrees, v6 (i4) agrees
		expect(u1.agreement).toEqual({ comparable: 4, agreed: 3, rate: 0.75 });
	});

	it('compares with the predicted winner', () => {
		// predicted (stronger system): v1 left ✓, v2 right ✓, v3 left ✓, v5 right ✓, v6 right ✗ (chose left), v7 left ✗
		expect(u1.predicted).toEqual({ comparable: 6, agreed: 4, rate: 4 / 6 });
		expect(evaluatorQuality(votes)[0].metrics.predicted).toEqual({ comparable: 0, agreed: 0, rate: null });
	});

	it('takes the median time and the share under the threshold', () => {
		// timed: 10, 2, 4, 6, 1, 3 s → median (3 + 4)/2; under 3 s: 2 and 1
		expect(u1.time).toEqual({ timed: 6, medianSeconds: 3.5, thresholdSeconds: 3, tooFast: 2, tooFastShare: 2 / 6 });
		const slower = evaluatorQuality(votes, { thresholds: { tooFastSeconds: 4.5 } })[0].metrics.time;
		expect(slower.tooFast).toBe(4);
	});

	it('measures rationale length, near-duplicates and contradictions', () => {
		// lengths 25, 26, 13, 0, 25, 10, 5 over 7 votes; v1 and v5 are the same text
		// stance on decisive votes: v1 left (L), v2 right (R), v3 right (L: contradiction), v5 left (R: contradiction)
		expect(u1.rationale).toEqual({
			nonEmpty: 6,
			meanLength: 104 / 7,
			nearDuplicates: 2,
			nearDuplicateShare: 2 / 6,
			withStance: 4,
			contradictions: 2,
			contradictionShare: 0.5,
			contradictionVoteIds: ['v3', 'v5']
		});
	});

	it('flags nothing on so little data', () => {
		expect(report.every((e) => !e.flagged && e.reasons.length === 0)).toBe(true);
	});
});

describe('per-vote risk by hand', () => {
	const { votes: risks } = assessQuality(votes, { gold, predict });
	const byId = new Map(risks.map((r) => [r.voteId, r]));

	it('combines the signals of each vote with a noisy-OR of the weights', () => {
		// v6: too fast (0.3) + gold miss (0.5) → 1 − 0.7 · 0.5
		expect(byId.get('v6')!.reasons.map((r) => r.code)).toEqual(['too_fast', 'gold_miss']);
		expect(byId.get('v6')!.score).toBeCloseTo(0.65, 12);
		// v3: contradiction (0.5) + disagreement with u2 (0.25) → 1 − 0.5 · 0.75
		expect(byId.get('v3')!.reasons.map((r) => r.code)).toEqual(['contradiction', 'disagreement']);
		expect(byId.get('v3')!.score).toBeCloseTo(0.625, 12);
		// v5: contradiction + the same text as v1 (0.2) → 1 − 0.5 · 0.8
		expect(byId.get('v5')!.reasons.map((r) => r.code)).toEqual(['contradiction', 'duplicate_own']);
		expect(byId.get('v5')!.score).toBeCloseTo(0.6, 12);
		// v2: too fast only; v4 and the others' votes: nothing
		expect(byId.get('v2')!.reasons.map((r) => r.code)).toEqual(['too_fast']);
		expect(byId.get('v4')).toEqual({ voteId: 'v4', userId: 'u1', score: 0, reasons: [] });
	});

	it('explains each reason in words with the numbers', () => {
		const messages = Object.fromEntries(risks.flatMap((r) => r.reasons.map((x) => [`${r.voteId}:${x.code}`, x.message])));
		expect(messages['v6:too_fast']).toBe('answered in 1 s (under 3 s)');
		expect(messages['v6:gold_miss']).toBe('gold pair expects right; this vote is left');
		expect(messages['v3:contradiction']).toBe('rationale argues for right ("left is worse") but the vote is for left');
		expect(messages['v3:disagreement']).toBe('1 of 1 other evaluators chose right on this pair; this vote is left');
		expect(messages['v5:duplicate_own']).toBe("rationale repeats this evaluator's vote v1");
	});

	it('sorts the queue by risk, highest first', () => {
		// w7 (u2's gold miss, against u1's v3 on the pair) ties v3 at 0.625 and comes after it in the input
		expect(byId.get('w7')!.reasons.map((r) => r.code)).toEqual(['disagreement', 'gold_miss']);
		expect(risks.slice(0, 4).map((r) => r.voteId)).toEqual(['v6', 'v3', 'w7', 'v5']);
		for (let i = 1; i < risks.length; i++) expect(risks[i - 1].score).toBeGreaterThanOrEqual(risks[i].score);
		expect(risks.every((r) => r.score >= 0 && r.score <= 1)).toBe(true);
	});

	it('flags a rationale copied from another evaluator', () => {
		const copied = [...votes, v('x1', 'u4', 'i5', 'i6', 'left', { rationale: 'crisper fur on the first cat' })];
		const risk = assessQuality(copied).votes.find((r) => r.voteId === 'x1')!;
		expect(risk.reasons.map((r) => [r.code, r.message])).toContainEqual([
			'duplicate_others',
			'rationale repeats vote w1 by another evaluator (u2)'
		]);
	});

	it('reports campaign alpha with the evaluators', () => {
		// units: (i1,i2) first×3 · (i3,i4) u1 first (v3), u2 second · (i5,i6) tie×3 · (i7,i8) u1 first (v7: v5 is
		// rejected), u2 first, u3 second → n = 11, n_first 6, n_second 2, n_tie 3; Σ_{c≠k} o_ck = 2 + 2
		const report = assessQuality(votes, { gold, predict });
		expect(report.agreement).toEqual(campaignAlpha(votes));
		expect(report.agreement.units).toBe(4);
		expect(report.agreement.pairableValues).toBe(11);
		expect(report.agreement.alpha).toBeCloseTo(1 - (10 * 4) / (121 - 49), 12);
	});
});

describe('the rationale length and emptiness as the tally counts them without regular expressions', () => {
	it.each([
		'',
		'   ',
		'abc',
		'  a b  ',
		'...,;',
		'_',
		'é',
		'…',
		'—',
		'日本語',
		'🙂🙂',
		'a🙂b',
		'\ud83d',
		'x\ude42y',
		'\ud83d\ud83d\ude42',
		'\ud83d\ud83da',
		'\ude42\ud83d',
		'Ｔｈｅ',
		'٣',
		'  \u00a0 ',
		'\u0301'
	])('%j', (text) => {
		expect(codePoints(text)).toBe([...text].length);
		expect(hasLetterOrDigit(text)).toBe(/[\p{L}\p{N}]/u.test(text));
	});
});
