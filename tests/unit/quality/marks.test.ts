// Per-system mark rates with Wilson intervals, the mark heatmap and the evaluator signals, against
// values computed by hand.
import { describe, expect, it } from 'vitest';
import {
	markCell,
	markHeatmap,
	markHeatmaps,
	markRates,
	markSignals,
	MISSED,
	wilson,
	type MarkRecord,
	type MarkVote
} from '../../../src/lib/quality/marks.ts';

const vote = (id: string, left: string, right: string, userId = 'u1', images?: [string, string]): MarkVote => ({
	id,
	userId,
	leftSystem: left,
	rightSystem: right,
	leftImageId: images?.[0] ?? `${id}-L`,
	rightImageId: images?.[1] ?? `${id}-R`
});
const box = (voteId: string, side: 'left' | 'right', kind: string, x: number, y: number, w = 0, h = 0): MarkRecord => ({
	voteId,
	side,
	kind,
	x,
	y,
	w,
	h
});

describe('wilson', () => {
	it('gives the textbook interval for 1 of 4 and for 0 of 10', () => {
		// p = 0.25, z = 1.96: centre (0.25 + z²/8)/(1 + z²/4) = 0.37247, half 0.32689
		const a = wilson(1, 4);
		expect(a.rate).toBe(0.25);
		expect(a.low).toBeCloseTo(0.04559, 4);
		expect(a.high).toBeCloseTo(0.69936, 4);
		// k = 0: low is 0, high z²/(n + z²) = 3.8415/13.8415 = 0.27753
		const b = wilson(0, 10);
		expect(b.low).toBe(0);
		expect(b.high).toBeCloseTo(0.27753, 4);
		expect(wilson(0, 0)).toEqual({ rate: null, low: null, high: null });
	});
});

describe('markRates', () => {
	it('counts appearances with at least one mark of a kind, and marks per appearance', () => {
		// A appears in v1 (left), v2 (left), v3 (right), v4 (right): 4 appearances; B in v1, v2; C in v3, v4
		const votes = [vote('v1', 'A', 'B'), vote('v2', 'A', 'B'), vote('v3', 'C', 'A'), vote('v4', 'C', 'A')];
		const marks = [
			// two artifacts on one appearance of A: one appearance marked, two marks
			box('v1', 'left', 'artifact', 0.1, 0.1, 0.2, 0.2),
			box('v1', 'left', 'artifact', 0.5, 0.5),
			box('v1', 'right', 'anatomy', 0.3, 0.3),
			// a mark of a vote outside the selection is ignored
			box('gone', 'left', 'artifact', 0.1, 0.1)
		];
		const missing = [
			{ voteId: 'v3', side: 'right' as const, element: 'cat' },
			{ voteId: 'v4', side: 'right' as const, element: 'cat' },
			{ voteId: 'v4', side: 'right' as const, element: 'red' }
		];
		const rows = markRates(votes, marks, missing, ['artifact', 'anatomy']);
		const get = (system: string, kind: string) => rows.find((r) => r.system === system && r.kind === kind)!;
		expect(rows.map((r) => `${r.system}/${r.kind}`)).toEqual([
			'A/artifact',
			'A/anatomy',
			'A/missed',
			'B/artifact',
			'B/anatomy',
			'B/missed',
			'C/artifact',
			'C/anatomy',
			'C/missed'
		]);
		const aArtifact = get('A', 'artifact');
		expect(aArtifact).toMatchObject({ appearances: 4, marked: 1, total: 2, rate: 0.25, perAppearance: 0.5 });
		expect(aArtifact.low).toBeCloseTo(0.04559, 4);
		expect(aArtifact.high).toBeCloseTo(0.69936, 4);
		expect(get('B', 'anatomy')).toMatchObject({ appearances: 2, marked: 1, total: 1, rate: 0.5, perAppearance: 0.5 });
		// A misses something in v3 and v4 (3 elements): 2 of 4 appearances; Wilson 2/4 = [0.1500, 0.8500]
		const aMissed = get('A', MISSED);
		expect(aMissed).toMatchObject({ marked: 2, total: 3, rate: 0.5, perAppearance: 0.75 });
		expect(aMissed.low).toBeCloseTo(0.15004, 4);
		expect(aMissed.high).toBeCloseTo(0.84996, 4);
		expect(get('C', 'artifact')).toMatchObject({ marked: 0, rate: 0, low: 0 });
	});

	it('gives a system shown against itself two appearances', () => {
		const rows = markRates([vote('v1', 'A', 'A')], [box('v1', 'right', 'artifact', 0.5, 0.5)], [], ['artifact']);
		expect(rows[0]).toMatchObject({ system: 'A', appearances: 2, marked: 1, rate: 0.5 });
	});
});

describe('markHeatmap', () => {
	it('counts each mark in the cell of its centre, points at their position, borders to the right/below', () => {
		// centre of the box (0.1 + 0.2/2, 0.6 + 0.2/2) = (0.2, 0.7): column floor(1.6) = 1, row floor(5.6) = 5
		expect(markCell({ x: 0.1, y: 0.6, w: 0.2, h: 0.2 })).toEqual({ row: 5, col: 1 });
		// a point on the border x = 0.25 belongs to column 2; 1.0 to the last cell
		expect(markCell({ x: 0.25, y: 1, w: 0, h: 0 })).toEqual({ row: 7, col: 2 });
		expect(markCell({ x: 0, y: 0, w: 0, h: 0 })).toEqual({ row: 0, col: 0 });
		const votes = [vote('v1', 'A', 'B'), vote('v2', 'B', 'A')];
		const marks = [
			box('v1', 'left', 'artifact', 0.1, 0.6, 0.2, 0.2),
			box('v2', 'right', 'artifact', 0.15, 0.65, 0.1, 0.1), // A again, centre (0.2, 0.7)
			box('v2', 'right', 'anatomy', 0.9, 0.05), // A, row 0 column 7
			box('v1', 'right', 'artifact', 0.5, 0.5) // B: not A's
		];
		const all = markHeatmap(votes, marks, 'A', null);
		expect(all.marks).toBe(3);
		expect(all.counts[5][1]).toBe(2);
		expect(all.counts[0][7]).toBe(1);
		expect(all.counts.flat().reduce((a, b) => a + b, 0)).toBe(3);
		const anatomy = markHeatmap(votes, marks, 'A', 'anatomy');
		expect(anatomy.marks).toBe(1);
		expect(anatomy.counts[5][1]).toBe(0);
		expect(markHeatmap(votes, marks, 'B', null).counts[4][4]).toBe(1);
		// all at once gives the same grids
		const all2 = markHeatmaps(votes, marks, ['A', 'B'], ['artifact', 'anatomy']);
		expect(all2.map((h) => `${h.system}/${h.kind}`)).toEqual(['A/null', 'A/artifact', 'A/anatomy', 'B/null', 'B/artifact', 'B/anatomy']);
		for (const h of all2) expect(h).toEqual(markHeatmap(votes, marks, h.system, h.kind));
	});
});

describe('markSignals', () => {
	it('flags an evaluator who never marks images the others mark often, and not one who marks', () => {
		const votes: MarkVote[] = [];
		const marks: MarkRecord[] = [];
		for (let i = 0; i < 6; i++) {
			const images: [string, string] = [`img${i}a`, `img${i}b`];
			votes.push(vote(`q${i}`, 'A', 'B', 'quiet', images));
			votes.push(vote(`o${i}`, 'A', 'B', 'other', images));
			marks.push(box(`o${i}`, 'left', 'artifact', (i % 4) / 4, 0.5, 0.1, 0.1));
		}
		const signals = markSignals(votes, marks);
		expect(signals.map((s) => s.userId)).toEqual(['quiet']);
		expect(signals[0].reasons[0].code).toBe('never_marks');
		expect(signals[0].reasons[0].message).toContain('6 of the same images');
		// with fewer shared images than the threshold, nothing
		expect(markSignals(votes.slice(0, 8), marks.slice(0, 4))).toEqual([]);
	});

	it('flags an evaluator who marks the same region on every image', () => {
		const votes: MarkVote[] = [];
		const marks: MarkRecord[] = [];
		for (let i = 0; i < 8; i++) {
			votes.push(vote(`s${i}`, 'A', 'B', 'stamp'));
			marks.push(box(`s${i}`, i % 2 ? 'left' : 'right', 'artifact', 0.02, 0.02, 0.05, 0.05));
			votes.push(vote(`c${i}`, 'A', 'B', 'careful'));
			marks.push(box(`c${i}`, 'left', 'artifact', (i % 8) / 8 + 0.01, ((i * 3) % 8) / 8 + 0.01));
		}
		const signals = markSignals(votes, marks);
		expect(signals.map((s) => s.userId)).toEqual(['stamp']);
		expect(signals[0].reasons).toEqual([
			{
				code: 'same_region',
				message: 'puts 100% of their 8 marks in the same region (grid cell row 1, column 1) on 8 different images'
			}
		]);
	});
});
