import { describe, expect, it } from 'vitest';
import { checkTarget, enoughVotes, separationRatio, targetProgress, votesForRatio } from '../../../src/lib/ranking/enough.ts';

// A board worked by hand (best first), 400 votes, 50 votes an hour:
//   A 1100 [1060, 1140]   B 1050 [1010, 1090]   C 1000 [980, 1020]
// A–B: gap 50, facing halves 40 + 40 = 80, ratio (80/50)² = 2.56 → 400·2.56 − 400 = 624 votes, 12.48 h
// B–C: gap 50, facing halves 40 + 20 = 60, ratio 1.44 → 176 votes, 3.52 h
// A–C: 1060 > 1020, apart now (ratio (60/100)² = 0.36); separability 1 of 3 pairs
const board = [
	{ system: 'A', rating: 1100, ci_low: 1060, ci_high: 1140 },
	{ system: 'B', rating: 1050, ci_low: 1010, ci_high: 1090 },
	{ system: 'C', rating: 1000, ci_low: 980, ci_high: 1020 }
];

describe('enough votes', () => {
	it('adjacent pairs, separability and the votes and hours still needed, as computed by hand', () => {
		const e = enoughVotes(board, 400, 50);
		expect(e.separability).toBeCloseTo(1 / 3, 12);
		expect(e.widest).toBe(80);
		expect(e.adjacent).toEqual([
			{ upper: 'A', lower: 'B', gap: 50, separated: false, votesNeeded: 624, hoursNeeded: 12.48 },
			{ upper: 'B', lower: 'C', gap: 50, separated: false, votesNeeded: 176, hoursNeeded: 3.52 }
		]);
		expect(separationRatio(board[0], board[2])).toBeCloseTo(0.36, 12);
	});

	it('a separated pair needs nothing; equal ratings never separate; no rate means no time', () => {
		const e = enoughVotes(
			[
				{ system: 'A', rating: 1200, ci_low: 1150, ci_high: 1250 },
				{ system: 'B', rating: 1000, ci_low: 950, ci_high: 1050 },
				{ system: 'C', rating: 1000, ci_low: 990, ci_high: 1010 }
			],
			100,
			null
		);
		expect(e.adjacent[0]).toMatchObject({ separated: true, votesNeeded: 0, hoursNeeded: 0 });
		expect(e.adjacent[1]).toMatchObject({ separated: false, votesNeeded: null, hoursNeeded: null });
		expect(e.votesPerHour).toBeNull();
		expect(enoughVotes(board, 400, 0).adjacent[0].hoursNeeded).toBeNull();
	});

	it('targets: the k-th smallest separation ratio for separability, (widest/X)² for width', () => {
		// ratios 0.36, 1.44, 2.56: separability ≥ 0.6 needs 2 of 3 pairs → 1.44 → 176 votes
		expect(targetProgress(board, 400, 50, { kind: 'separability', value: 0.6 })).toEqual({
			target: { kind: 'separability', value: 0.6 },
			current: 1 / 3,
			reached: false,
			votesNeeded: 176,
			hoursNeeded: 3.52
		});
		expect(targetProgress(board, 400, 50, { kind: 'separability', value: 1 }).votesNeeded).toBe(624);
		expect(targetProgress(board, 400, 50, { kind: 'separability', value: 0.3 })).toMatchObject({ reached: true, votesNeeded: 0 });
		// widest 80 Elo, target 40: (80/40)² = 4 → 1200 more votes, 24 h
		expect(targetProgress(board, 400, 50, { kind: 'width', value: 40 })).toEqual({
			target: { kind: 'width', value: 40 },
			current: 80,
			reached: false,
			votesNeeded: 1200,
			hoursNeeded: 24
		});
		expect(targetProgress(board, 400, 50, { kind: 'width', value: 100 })).toMatchObject({ reached: true, votesNeeded: 0 });
		expect(enoughVotes(board, 400, 50, { kind: 'width', value: 40 }).target?.votesNeeded).toBe(1200);
	});

	it('votesForRatio: N·r − N rounded up, 0 when already there, null for never', () => {
		expect(votesForRatio(400, 2.56)).toBe(624);
		expect(votesForRatio(400, 0.5)).toBe(0);
		expect(votesForRatio(400, Infinity)).toBeNull();
	});

	it('checkTarget refuses what is not a target and names the problem', () => {
		expect(checkTarget({ kind: 'separability', value: 0.8 })).toEqual({ kind: 'separability', value: 0.8 });
		expect(checkTarget({ kind: 'width', value: 25 })).toEqual({ kind: 'width', value: 25 });
		expect(() => checkTarget({ kind: 'separability', value: 1.5 })).toThrow(/separability/);
		expect(() => checkTarget({ kind: 'separability', value: 0 })).toThrow(/separability/);
		expect(() => checkTarget({ kind: 'width', value: -3 })).toThrow(/width/);
		expect(() => checkTarget({ kind: 'width', value: '25' })).toThrow(/width/);
		expect(() => checkTarget({ kind: 'rank', value: 1 })).toThrow(/kind/);
		expect(() => checkTarget(null)).toThrow(/object/);
	});
});
