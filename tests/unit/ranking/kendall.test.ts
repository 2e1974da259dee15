import { describe, expect, it } from 'vitest';
import { kendallTau } from '../../../src/lib/ranking/index.ts';

describe('kendallTau (τ-b)', () => {
	it('is 1 for the same order, −1 for the reverse', () => {
		expect(kendallTau([1, 2, 3, 4], [10, 20, 30, 40])).toBe(1);
		expect(kendallTau([1, 2, 3, 4], [4, 3, 2, 1])).toBe(-1);
	});
	it('matches hand-computed cases', () => {
		// one swapped neighbour among 4: 5 concordant, 1 discordant of 6 pairs → 4/6
		expect(kendallTau([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(2 / 3, 12);
		// a tie in x: pairs (1,2),(1,3),(2,3); x = [1,1,2], y = [1,2,3]: C = 2, D = 0, tx = 1, ty = 0
		// τ-b = 2 / √(3 · 2)
		expect(kendallTau([1, 1, 2], [1, 2, 3])).toBeCloseTo(2 / Math.sqrt(6), 12);
	});
	it('is null when it is not defined', () => {
		expect(kendallTau([1], [1])).toBeNull();
		expect(kendallTau([1, 1, 1], [1, 2, 3])).toBeNull();
	});
});
