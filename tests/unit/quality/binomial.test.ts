import { describe, expect, it } from 'vitest';
import { binomialTwoSidedP, formatP } from '../../../src/lib/quality/index.ts';

/** Independent reference: exact rational arithmetic with BigInt, R's rule (outcomes no more likely than observed). */
function exactP(k: number, n: number, num: bigint, den: bigint): number {
	const choose = (n: number, i: number) => {
		let c = 1n;
		for (let j = 0; j < i; j++) c = (c * BigInt(n - j)) / BigInt(j + 1);
		return c;
	};
	// pmf_i = C(n,i) num^i (den-num)^(n-i) / den^n, compared as integers
	const weight = (i: number) => choose(n, i) * num ** BigInt(i) * (den - num) ** BigInt(n - i);
	const observed = weight(k);
	let sum = 0n;
	for (let i = 0; i <= n; i++) if (weight(i) <= observed) sum += weight(i);
	const scale = 10n ** 30n;
	return Number((sum * scale) / den ** BigInt(n)) / 1e30;
}

describe('binomialTwoSidedP', () => {
	it('matches published values of the exact two-sided test', () => {
		// R: binom.test(60, 100)$p.value = 0.05688793
		expect(binomialTwoSidedP(60, 100)).toBeCloseTo(0.05688793, 7);
		expect(binomialTwoSidedP(40, 100)).toBeCloseTo(0.05688793, 7);
		// R: binom.test(7, 10)$p.value = 0.34375 (= 2 · 176/1024)
		expect(binomialTwoSidedP(7, 10)).toBeCloseTo(0.34375, 12);
		// all 10 on one side: 2 / 2^10
		expect(binomialTwoSidedP(0, 10)).toBeCloseTo(2 / 1024, 14);
		expect(binomialTwoSidedP(10, 10)).toBeCloseTo(2 / 1024, 14);
		// R: binom.test(9, 10)$p.value = 0.02148438 (= 22/1024)
		expect(binomialTwoSidedP(9, 10)).toBeCloseTo(22 / 1024, 12);
	});

	it('is 1 at the centre and for no trials', () => {
		expect(binomialTwoSidedP(50, 100)).toBe(1);
		expect(binomialTwoSidedP(5000, 10000)).toBe(1);
		expect(binomialTwoSidedP(0, 0)).toBe(1);
	});

	it('agrees with exact rational arithmetic, for p = 1/2 and for other p', () => {
		for (const [k, n] of [
			[3, 7],
			[12, 30],
			[25, 30],
			[31, 80],
			[140, 200],
			[0, 1],
			[1, 1]
		] as const) {
			expect(binomialTwoSidedP(k, n)).toBeCloseTo(exactP(k, n, 1n, 2n), 12);
		}
		for (const [k, n, num, den] of [
			[3, 20, 3n, 10n],
			[9, 20, 3n, 10n],
			[0, 15, 1n, 5n],
			[14, 40, 1n, 4n]
		] as const) {
			expect(binomialTwoSidedP(k, n, Number(num) / Number(den))).toBeCloseTo(exactP(k, n, num, den), 10);
		}
	});

	it('stays finite and tiny for thousands of one-sided votes', () => {
		const p = binomialTwoSidedP(3000, 4000);
		expect(p).toBeGreaterThanOrEqual(0);
		expect(p).toBeLessThan(1e-100);
		expect(binomialTwoSidedP(2050, 4000)).toBeGreaterThan(0.1);
	});

	it('rejects impossible counts', () => {
		expect(() => binomialTwoSidedP(11, 10)).toThrow(RangeError);
		expect(() => binomialTwoSidedP(-1, 10)).toThrow(RangeError);
		expect(() => binomialTwoSidedP(1.5, 10)).toThrow(RangeError);
		expect(() => binomialTwoSidedP(1, 10, 1.2)).toThrow(RangeError);
	});

	it('formats p-values for messages', () => {
		expect(formatP(0.00001)).toBe('p < 0.0001');
		expect(formatP(0.0568879)).toBe('p = 0.057');
		expect(formatP(0.00032)).toBe('p = 0.00032');
	});
});
