// The bootstrap's generator and samplers: determinism, exact distributions, numpy's percentiles.

import { describe, expect, it } from 'vitest';
import { quantileSorted } from '../../../src/lib/ranking/index.ts';
import { rngKernel } from '../../../src/lib/ranking/rng.ts';
import { samplingKernel } from '../../../src/lib/ranking/sampling.ts';

const rng = rngKernel();
const sampling = samplingKernel(rng);

describe('xoshiro128** streams', () => {
	it('matches the reference xoshiro128** output for a known state', () => {
		// state (1, 2, 3, 4): first outputs of the reference C implementation
		const s = new Uint32Array([1, 2, 3, 4]);
		expect([rng.nextU32(s), rng.nextU32(s), rng.nextU32(s), rng.nextU32(s)]).toEqual([11520, 0, 5927040, 70819200]);
	});

	it('is deterministic per (seed, round) and differs across rounds and seeds', () => {
		const draw = (seed: number, round: number) => {
			const s = new Uint32Array(4);
			rng.seedStream(s, seed, round);
			return [rng.nextDouble(s), rng.nextDouble(s)];
		};
		expect(draw(0, 0)).toEqual(draw(0, 0));
		expect(draw(0, 0)).not.toEqual(draw(0, 1));
		expect(draw(0, 0)).not.toEqual(draw(1, 0));
		expect(draw(2 ** 40, 0)).not.toEqual(draw(0, 0));
	});

	it('gives uniform doubles in [0, 1)', () => {
		const s = new Uint32Array(4);
		rng.seedStream(s, 42, 0);
		const bins = new Array(10).fill(0);
		let inRange = true;
		for (let i = 0; i < 100000; i++) {
			const u = rng.nextDouble(s);
			inRange &&= u >= 0 && u < 1;
			bins[Math.floor(u * 10)]++;
		}
		expect(inRange).toBe(true);
		const chi2 = bins.reduce((c, o) => c + (o - 10000) ** 2 / 10000, 0);
		expect(chi2).toBeLessThan(27.9); // 9 degrees of freedom, p = 0.001
	});
});

describe('binomial sampler', () => {
	const cases: [number, number][] = [
		[5, 0.3],
		[40, 0.1], // inversion (n·p < 10)
		[1000, 0.02],
		[200, 0.5], // BTRD
		[20000, 0.37],
		[1000000, 0.001],
		[30, 0.9] // p > 1/2 by symmetry
	];
	for (const [n, p] of cases)
		it(`Binomial(${n}, ${p}) has the right mean, variance and stays in range`, () => {
			const s = new Uint32Array(4);
			rng.seedStream(s, n, 1);
			const draws = 40000;
			let sum = 0;
			let sq = 0;
			let inRange = true;
			for (let i = 0; i < draws; i++) {
				const x = sampling.binomial(s, n, p);
				inRange &&= Number.isInteger(x) && x >= 0 && x <= n;
				sum += x;
				sq += x * x;
			}
			expect(inRange).toBe(true);
			const mean = sum / draws;
			const variance = sq / draws - mean * mean;
			const v = n * p * (1 - p);
			expect(Math.abs(mean - n * p)).toBeLessThan(5 * Math.sqrt(v / draws));
			expect(Math.abs(variance / v - 1)).toBeLessThan(0.05);
		});

	// n·p = 18 (the acceptance is decided by the product near the mode), 800 (mostly by the squeeze and
	// the log test far from it) and 6 (inversion): an error in either would distort the shape
	for (const [n, p] of [
		[60, 0.3],
		[2000, 0.4],
		[20, 0.3]
	])
		it(`matches the exact Binomial(${n}, ${p}) distribution (chi-square)`, () => {
			const logPmf: number[] = [];
			let logc = 0;
			for (let k = 0; k <= n; k++) {
				if (k > 0) logc += Math.log((n - k + 1) / k);
				logPmf.push(logc + k * Math.log(p) + (n - k) * Math.log(1 - p));
			}
			const s = new Uint32Array(4);
			rng.seedStream(s, 9, n);
			const draws = 400000;
			const counts = new Array(n + 1).fill(0);
			for (let i = 0; i < draws; i++) counts[sampling.binomial(s, n, p)]++;
			let chi2 = 0;
			let dof = -1;
			for (let k = 0; k <= n; k++) {
				const e = Math.exp(logPmf[k]) * draws;
				if (e < 20) continue;
				chi2 += (counts[k] - e) ** 2 / e;
				dof++;
			}
			// above the p = 0.001 critical value for these degrees of freedom
			expect(chi2).toBeLessThan(dof + 4.5 * Math.sqrt(2 * dof));
		});
});

describe('multinomial by conditional binomials', () => {
	it('keeps the total and has multinomial means and variances', () => {
		const weights = new Float64Array([500, 0, 3, 1200, 70, 0, 9000, 1]);
		const total = weights.reduce((a, b) => a + b, 0);
		const out = new Float64Array(weights.length);
		const s = new Uint32Array(4);
		rng.seedStream(s, 3, 0);
		const rounds = 20000;
		const sum = new Float64Array(weights.length);
		const sq = new Float64Array(weights.length);
		let kept = true;
		for (let r = 0; r < rounds; r++) {
			sampling.multinomial(s, total, weights, out);
			kept &&= out.reduce((a, b) => a + b, 0) === total;
			out.forEach((x, c) => ((sum[c] += x), (sq[c] += x * x)));
		}
		expect(kept).toBe(true);
		weights.forEach((w, c) => {
			const p = w / total;
			const mean = sum[c] / rounds;
			if (w === 0) return expect(sum[c]).toBe(0);
			const v = total * p * (1 - p);
			expect(Math.abs(mean - total * p)).toBeLessThan(5 * Math.sqrt(v / rounds));
			expect(Math.abs((sq[c] / rounds - mean * mean) / v - 1)).toBeLessThan(0.06);
		});
	});
});

describe('multinomial by conditional Poissons (the bootstrap redraw)', () => {
	/** Chi-square of `draws` plan draws of Multinomial(N, counts / N) against the exact probabilities. */
	function chiSquare(counts: number[], margin: number, draws: number, seed: number) {
		const N = counts.reduce((a, b) => a + b, 0);
		const plan = sampling.multinomialPlan(Float64Array.from(counts), margin);
		const out = new Float64Array(counts.length);
		const s = new Uint32Array(4);
		rng.seedStream(s, seed, 0);
		const seen = new Map<string, number>();
		let keptTotal = true;
		for (let d = 0; d < draws; d++) {
			sampling.drawMultinomial(s, plan, out);
			keptTotal &&= out.reduce((a, b) => a + b, 0) === N;
			const key = out.join(',');
			seen.set(key, (seen.get(key) ?? 0) + 1);
		}
		// every composition of N over the cells: log N! − Σ log x_c! + Σ x_c log p_c
		const logFact = [0];
		for (let k = 1; k <= N; k++) logFact.push(logFact[k - 1] + Math.log(k));
		let chi2 = 0;
		let dof = -1;
		let missing = 0;
		const walk = (c: number, left: number, parts: number[]) => {
			if (c === counts.length - 1) {
				const x = [...parts, left];
				if (x.some((v, i) => v > 0 && counts[i] === 0)) return;
				let lp = logFact[N];
				x.forEach((v, i) => (lp += v > 0 ? v * Math.log(counts[i] / N) - logFact[v] : 0));
				const e = Math.exp(lp) * draws;
				const o = seen.get(x.join(',')) ?? 0;
				seen.delete(x.join(','));
				if (e < 20) return void (missing += o);
				chi2 += (o - e) ** 2 / e;
				dof++;
				return;
			}
			for (let v = 0; v <= left; v++) walk(c + 1, left - v, [...parts, v]);
		};
		walk(0, N, []);
		return { chi2, dof, keptTotal, impossible: seen.size, missing };
	}

	// margin 0: the Poisson sum overshoots N about half the time (the redraw) and falls short the other
	// half (the single votes); margin 2 is the bootstrap's; margin 9 leaves μ = 0, all single votes
	for (const margin of [0, 2, 9])
		it(`matches the exact Multinomial(12, (5, 0, 3, 4) / 12) with margin ${margin} (chi-square)`, () => {
			const r = chiSquare([5, 0, 3, 4], margin, 300000, 17 + margin);
			expect(r.keptTotal).toBe(true);
			// no draw ever lands in a cell of count 0
			expect(r.impossible).toBe(0);
			// above the p = 0.001 critical value for these degrees of freedom
			expect(r.chi2).toBeLessThan(r.dof + 4.5 * Math.sqrt(2 * r.dof));
		});

	it('has multinomial means and variances at bootstrap scale, and falls back for non-integer counts', () => {
		const weights = new Float64Array([500, 0, 3, 1200, 70, 0, 9000, 1, 70, 12000]);
		const total = weights.reduce((a, b) => a + b, 0);
		const plan = sampling.multinomialPlan(weights);
		expect(plan.fallback).toBe(false);
		const out = new Float64Array(weights.length);
		const s = new Uint32Array(4);
		rng.seedStream(s, 4, 0);
		const rounds = 20000;
		const sum = new Float64Array(weights.length);
		const sq = new Float64Array(weights.length);
		let kept = true;
		for (let r = 0; r < rounds; r++) {
			sampling.drawMultinomial(s, plan, out);
			kept &&= out.reduce((a, b) => a + b, 0) === total;
			out.forEach((x, c) => ((sum[c] += x), (sq[c] += x * x)));
		}
		expect(kept).toBe(true);
		weights.forEach((w, c) => {
			if (w === 0) return expect(sum[c]).toBe(0);
			const p = w / total;
			const mean = sum[c] / rounds;
			const v = total * p * (1 - p);
			expect(Math.abs(mean - total * p)).toBeLessThan(5 * Math.sqrt(v / rounds));
			expect(Math.abs((sq[c] / rounds - mean * mean) / v - 1)).toBeLessThan(0.06);
		});
		const weighted = sampling.multinomialPlan(new Float64Array([2.5, 4, 1]));
		expect(weighted.fallback).toBe(true);
		sampling.drawMultinomial(s, weighted, out);
		expect(out[0] + out[1] + out[2]).toBe(7.5);
	});
});

describe('percentiles', () => {
	it('interpolates linearly like numpy.quantile', () => {
		const x = new Float64Array([1, 2, 3, 4, 10]);
		// numpy.quantile([1,2,3,4,10], [0.025, 0.5, 0.975]) = [1.1, 3.0, 9.4]
		expect(quantileSorted(x, 0.025)).toBeCloseTo(1.1, 12);
		expect(quantileSorted(x, 0.5)).toBe(3);
		expect(quantileSorted(x, 0.975)).toBeCloseTo(9.4, 12);
		expect(quantileSorted(new Float64Array([7]), 0.975)).toBe(7);
	});
});
