import { describe, expect, it } from 'vitest';
import { campaignAlpha, krippendorffAlphaNominal } from '../../../src/lib/quality/index.ts';
import { krippendorffAlphaNominalCounts } from '../../../src/lib/quality/alpha.ts';
import { vote } from './helpers.ts';
import { mulberry32 } from './simulate.ts';

const _ = null;

describe('krippendorffAlphaNominal', () => {
	it("reproduces Krippendorff's nominal example (2011, 4 observers × 12 units, missing values): alpha = 0.743", () => {
		// "Computing Krippendorff's Alpha-Reliability", section C; rows are observers A–D, columns units 1–12
		const table = [
			[1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
			[1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
			[_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
			[1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _]
		];
		const units = table[0].map((_, u) => table.map((row) => row[u]));
		const result = krippendorffAlphaNominal(units);
		// unit 12 has a single value and is not pairable: 11 units, n = 40 pairable values
		expect(result.units).toBe(11);
		expect(result.pairableValues).toBe(40);
		expect(result.alpha).toBeCloseTo(0.743, 3);
		// by hand: value counts n_1..n_5 = 9, 13, 10, 5, 3, so n² − Σ n_c² = 1600 − 384 = 1216; only units 2, 6
		// and 8 disagree, contributing (16 − 10)/3 + (16 − 4)/3 + (16 − 10)/3 = 8; alpha = 1 − 39 · 8/1216
		expect(result.alpha).toBeCloseTo(1 - (39 * 8) / 1216, 12);
	});

	it('is 1 for perfect agreement with variation between units', () => {
		expect(
			krippendorffAlphaNominal([
				['a', 'a', 'a'],
				['b', 'b'],
				['c', 'c', 'c', 'c']
			])
		).toEqual({ alpha: 1, units: 3, pairableValues: 9 });
	});

	it('is null with a reason when no unit has two values', () => {
		expect(krippendorffAlphaNominal([])).toEqual({ alpha: null, units: 0, pairableValues: 0, reason: 'no pairable units' });
		expect(krippendorffAlphaNominal([['a'], [null, 'b'], [undefined]])).toEqual({
			alpha: null,
			units: 0,
			pairableValues: 0,
			reason: 'no pairable units'
		});
	});

	it('is null with a reason when every value is the same (no variation)', () => {
		expect(
			krippendorffAlphaNominal([
				['a', 'a'],
				['a', 'a', 'a']
			])
		).toEqual({ alpha: null, units: 2, pairableValues: 5, reason: 'no variation' });
	});

	it('is below zero for systematic disagreement', () => {
		// two coders who always disagree: D_o > D_e
		const result = krippendorffAlphaNominal([
			['a', 'b'],
			['b', 'a'],
			['a', 'b'],
			['b', 'a']
		]);
		// n = 8, n_a = n_b = 4: alpha = 1 − 7 · 8 / (64 − 32) = −0.75
		expect(result.alpha).toBeCloseTo(-0.75, 12);
	});
});

describe('campaignAlpha', () => {
	it('normalizes orientation: the same image chosen from either side is agreement', () => {
		const votes = [
			vote({ userId: 'u1', leftImageId: 'x', rightImageId: 'y', choice: 'left' }),
			vote({ userId: 'u2', leftImageId: 'y', rightImageId: 'x', choice: 'right' }),
			vote({ userId: 'u1', leftImageId: 'p', rightImageId: 'q', choice: 'right' }),
			vote({ userId: 'u2', leftImageId: 'q', rightImageId: 'p', choice: 'left' })
		];
		// raw sides would disagree everywhere; images agree everywhere (x twice, q twice)
		expect(campaignAlpha(votes)).toEqual({ alpha: 1, units: 2, pairableValues: 4 });
	});

	it('counts one value per evaluator and pair, skips rejected votes and single-evaluator pairs', () => {
		const votes = [
			// pair (a,b): u1 first image, u2 first image, u3 second image
			vote({ userId: 'u1', leftImageId: 'a', rightImageId: 'b', choice: 'left' }),
			vote({ userId: 'u2', leftImageId: 'b', rightImageId: 'a', choice: 'right' }),
			vote({ userId: 'u3', leftImageId: 'a', rightImageId: 'b', choice: 'right' }),
			// u1's hidden repeat on (a,b) flips; it must not add a fourth value
			vote({ userId: 'u1', leftImageId: 'b', rightImageId: 'a', choice: 'left', kind: 'repeat' }),
			// pair (c,d): u1 tie, u2 tie; u3's vote is rejected
			vote({ userId: 'u1', leftImageId: 'c', rightImageId: 'd', choice: 'tie' }),
			vote({ userId: 'u2', leftImageId: 'd', rightImageId: 'c', choice: 'tie' }),
			vote({ userId: 'u3', leftImageId: 'c', rightImageId: 'd', choice: 'left', status: 'rejected' }),
			// pair (e,f): one evaluator only
			vote({ userId: 'u1', leftImageId: 'e', rightImageId: 'f', choice: 'left' })
		];
		const result = campaignAlpha(votes);
		expect(result.units).toBe(2);
		expect(result.pairableValues).toBe(5);
		// values: {first, first, second}, {tie, tie}; n_first = 2, n_second = 1, n_tie = 2
		// Σ_{c≠k} o_ck = (9 − 5)/2 + 0 = 2; n² − Σ n_c² = 25 − 9 = 16; alpha = 1 − 4 · 2/16 = 0.5
		expect(result.alpha).toBeCloseTo(0.5, 12);
	});

	it('is null with a reason when no pair was judged by two evaluators', () => {
		const votes = [
			vote({ userId: 'u1', leftImageId: 'a', rightImageId: 'b', choice: 'left' }),
			vote({ userId: 'u1', leftImageId: 'b', rightImageId: 'a', choice: 'left', kind: 'repeat' }),
			vote({ userId: 'u2', leftImageId: 'c', rightImageId: 'd', choice: 'left' })
		];
		expect(campaignAlpha(votes)).toEqual({ alpha: null, units: 0, pairableValues: 0, reason: 'no pairable units' });
	});
});

describe('krippendorffAlphaNominalCounts', () => {
	it('equals krippendorffAlphaNominal to the last bit, units of zero or one value included', () => {
		const rng = mulberry32(5);
		for (let trial = 0; trial < 200; trial++) {
			const units = trial % 50 === 0 ? 0 : 1 + Math.floor(rng() * 30);
			const values = 1 + Math.floor(rng() * 4);
			const counts = new Int32Array(units * values);
			const lists: number[][] = [];
			for (let u = 0; u < units; u++) {
				const m = Math.floor(rng() * 5);
				const list: number[] = [];
				for (let k = 0; k < m; k++) {
					const v = Math.floor(rng() * values);
					counts[u * values + v]++;
					list.push(v);
				}
				lists.push(list);
			}
			const order = Array.from({ length: units }, (_, u) => u).sort(() => rng() - 0.5);
			expect(krippendorffAlphaNominalCounts(counts, values, order)).toEqual(krippendorffAlphaNominal(order.map((u) => lists[u])));
		}
	});
});
