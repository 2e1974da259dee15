// The columnar report (what the quality worker runs) against the record path at a larger scale than
// columns.test.ts: thousands of votes by dozens of evaluators, with gold pairs, hidden repeats, ties,
// both-bad, rejected votes, missing active times, rationales in several scripts and with the phrases
// the stance rules rewrite; and the evaluator mark signals against their first (map-based) version.
import { describe, expect, it } from 'vitest';
import {
	assessQuality,
	assessQualityColumns,
	columnarToReport,
	columnsFromRecords,
	duplicateColumns,
	resolveThresholds,
	type VoteRecord
} from '../../../src/lib/quality/index.ts';
import { markSignals, markSignalsColumns, type MarkRecord } from '../../../src/lib/quality/marks.ts';
import { markSignalsReference } from './marks-reference.ts';
import { mulberry32, simulateCampaign, type Behaviour } from './simulate.ts';

const BEHAVIOURS: Behaviour[] = ['careful', 'careful', 'careful', 'always_left', 'random_fast', 'paster'];
const EVALUATORS = Array.from({ length: 36 }, (_, k) => ({
	id: `e${String(k).padStart(2, '0')}`,
	behaviour: BEHAVIOURS[k % BEHAVIOURS.length]
}));

/** Rationales the simulation does not write: other scripts, apostrophes, prompt phrases, odd punctuation. */
const ODD_RATIONALES = [
	"The left one isn't as sharp; the right's colours are better",
	'Right follows the prompt, left is off-topic',
	"Left won't match the description but it's crisp",
	'Although the right is sharper, it ignores the brief',
	'L’image de gauche est plus nette', // a curly apostrophe and an accent: the reference reading
	'Ｔｈｅ ｌｅｆｔ ｏｎｅ ｉｓ ｂｅｔｔｅｒ', // full-width letters (NFKC makes them ASCII)
	'the right one is better 🙂 — the left is blurry',
	'left:sharp,right:blurry...but_left yet2 the right is on-topic',
	'  ,,  ',
	'',
	'\tthe LEFT image is cleaner\r\nthe right image has artefacts\u000b\f',
	'Neither is great; both left and right are blurry',
	'the upper left corner has artifacts, the right one is better though'
];

/** Rejects some votes, drops some active times, makes some ties and both-bad, gives some odd rationales. */
function roughen(votes: VoteRecord[], seed: number): VoteRecord[] {
	const rng = mulberry32(seed);
	return votes.map((v) => {
		const r = rng();
		if (r < 0.05) return { ...v, status: 'rejected' as const };
		if (r < 0.08) return { ...v, activeMs: null };
		if (r < 0.11) return { ...v, choice: 'tie' as const };
		if (r < 0.13) return { ...v, choice: 'both_bad' as const };
		if (r < 0.2) return { ...v, rationale: ODD_RATIONALES[Math.floor(rng() * ODD_RATIONALES.length)] };
		if (r < 0.21) return { ...v, activeMs: -5 };
		return v;
	});
}

/**
 * Region marks: most evaluators mark now and then anywhere; e03 and e09 never mark (while others mark the
 * images they saw), e05 puts nearly every mark in one cell, e07 has a mark whose centre is not a number,
 * and some marks name votes that are not in the campaign.
 */
function marksFor(votes: readonly VoteRecord[], seed: number): MarkRecord[] {
	const rng = mulberry32(seed);
	const marks: MarkRecord[] = [];
	for (const v of votes) {
		if (v.userId === 'e03' || v.userId === 'e09') continue;
		for (const side of ['left', 'right'] as const) {
			if (v.userId === 'e05') {
				if (rng() < 0.7)
					marks.push({ voteId: v.id, side, kind: 'artifact', x: 0.3 + rng() * 0.05, y: 0.52 + rng() * 0.05, w: 0.02, h: 0.02 });
				else if (rng() < 0.1) marks.push({ voteId: v.id, side, kind: 'artifact', x: rng(), y: rng(), w: 0, h: 0 });
				continue;
			}
			// the images' quality decides how often they are marked: the same images get marked by everyone
			if (rng() < 0.55) {
				const at = Math.floor(rng() * 3) / 8 + 0.01;
				marks.push({ voteId: v.id, side, kind: 'distortion', x: rng() * 0.9, y: at, w: rng() * 0.1, h: rng() * 0.1 });
			}
		}
		if (v.userId === 'e07' && rng() < 0.2) marks.push({ voteId: v.id, side: 'left', kind: 'artifact', x: NaN, y: 0.5, w: 0, h: 0 });
		if (rng() < 0.01) marks.push({ voteId: `${v.id}-gone`, side: 'right', kind: 'artifact', x: 0.5, y: 0.5, w: 0, h: 0 });
	}
	return marks;
}

describe.each([7, 8])('at scale, seed %i', (seed) => {
	const sim = simulateCampaign({ seed, evaluators: EVALUATORS, pool: 600, perEvaluator: 140, repeats: 15, goldPairs: 12 });
	const votes = roughen(sim.votes, seed + 100);
	const columns = columnsFromRecords(votes);

	it('the columnar report equals the record path: evaluators, alpha, every score and every reason in order', () => {
		expect(votes.length).toBeGreaterThan(5000);
		const options = { gold: sim.gold, predict: sim.predict };
		const expected = assessQuality(votes, options);
		const q = assessQualityColumns(columns, { ...options, duplicates: duplicateColumns(columns, resolveThresholds()) });
		const actual = columnarToReport(q, columns);
		expect(actual.agreement).toEqual(expected.agreement);
		expect(actual.evaluators).toEqual(expected.evaluators);
		expect(actual.votes).toEqual(expected.votes);
		// the report is rich enough for the comparison to mean something
		expect(expected.evaluators.filter((e) => e.flagged).length).toBeGreaterThan(5);
		const codes = new Set(expected.votes.flatMap((v) => v.reasons.map((r) => r.code)));
		expect(codes.size).toBe(6);
		expect(expected.evaluators.some((e) => e.metrics.repeats.flips > 0 && e.metrics.gold.votes > 0)).toBe(true);
		expect(expected.votes.filter((v) => v.score === 0).length).toBeGreaterThan(100);
		// signalled: exactly the votes with a reason
		expect(actual.votes.every((v) => v.reasons.length > 0 === (q.signalled[columns.ids.indexOf(v.voteId)] === 1))).toBe(true);
	});

	it('the mark signals over columns equal their first version and the record path', () => {
		const marks = marksFor(votes, seed + 200);
		const expected = markSignalsReference(columns, marks);
		expect(markSignalsColumns(columns, marks)).toEqual(expected);
		const records = votes.map((v) => ({
			id: v.id,
			userId: v.userId,
			leftImageId: v.leftImageId,
			rightImageId: v.rightImageId,
			leftSystem: v.leftSystemId,
			rightSystem: v.rightSystemId
		}));
		expect(markSignals(records, marks)).toEqual(expected);
		// both signals fire, and the user with a mark off the grid is judged too
		const codes = expected.flatMap((s) => s.reasons.map((r) => `${s.userId} ${r.code}`));
		expect(codes).toContain('e03 never_marks');
		expect(codes).toContain('e09 never_marks');
		expect(codes).toContain('e05 same_region');
		// other thresholds
		const options = { neverMarksMinImages: 1, othersMarkShare: 0.2, sameRegionMinMarks: 2, sameRegionMinImages: 1, sameRegionShare: 0.1 };
		const loose = markSignalsReference(columns, marks, options);
		expect(markSignalsColumns(columns, marks, options)).toEqual(loose);
		expect(loose.some((s) => s.userId === 'e07')).toBe(true);
		expect(markSignalsColumns(columns, [])).toEqual(markSignalsReference(columns, []));
	});
});

it("names the lower grid cell when two cells hold as many of an evaluator's marks", () => {
	const votes = Array.from({ length: 8 }, (_, i) => ({
		id: `v${i}`,
		userId: 'u',
		leftImageId: `a${i}`,
		rightImageId: `b${i}`,
		leftSystem: 's1',
		rightSystem: 's2'
	}));
	// four marks in row 3 column 6, four in row 1 column 2 (listed first)
	const marks: MarkRecord[] = votes.flatMap((v, i) => [
		i < 4
			? { voteId: v.id, side: 'left' as const, kind: 'k', x: 0.7, y: 0.3, w: 0, h: 0 }
			: { voteId: v.id, side: 'left' as const, kind: 'k', x: 0.2, y: 0.05, w: 0, h: 0 }
	]);
	const options = { sameRegionMinMarks: 8, sameRegionMinImages: 4, sameRegionShare: 0.5 };
	const signals = markSignals(votes, marks, options);
	expect(signals).toEqual([
		{
			userId: 'u',
			reasons: [
				{
					code: 'same_region',
					message: 'puts 50% of their 8 marks in the same region (grid cell row 1, column 2) on 4 different images'
				}
			]
		}
	]);
});
