// Exact binomial and multinomial sampling, so a bootstrap round costs O(cells) instead of O(votes).
//
// Worker-shipped like rng.ts: the factory refers only to its parameter and to JavaScript globals.

import type { RngKernel } from './rng.ts';

export function samplingKernel(rng: RngKernel) {
	const nextDouble = rng.nextDouble;

	/** log(k!) minus its Stirling approximation; table below 10 (values from Hörmann 1993 / TF). */
	function stirlingTail(k: number): number {
		switch (k) {
			case 0: return 0.0810614667953272;
			case 1: return 0.0413406959554092;
			case 2: return 0.0276779256849983;
			case 3: return 0.02079067210376509;
			case 4: return 0.0166446911898211;
			case 5: return 0.0138761288230707;
			case 6: return 0.0118967099458917;
			case 7: return 0.010411265261972;
			case 8: return 0.00925546218271273;
			case 9: return 0.00833056343336287;
		}
		// 1/(12x) − 1/(360x³) + 1/(1260x⁵) with x = k + 1, one division
		const x = 1 / (k + 1);
		const x2 = x * x;
		return x * (1 / 12 - x2 * (1 / 360 - x2 / 1260));
	}

	/** Inversion by sequential search: exact, and fast when the mean n·p is small (< 10). */
	function binomialInversion(s: Uint32Array, n: number, p: number): number {
		const q = 1 - p;
		const q0 = Math.exp(n * Math.log1p(-p));
		const ratio = p / q;
		const a = (n + 1) * ratio;
		const bound = Math.min(n, n * p + 10 * Math.sqrt(n * p * q + 1));
		for (;;) {
			let x = 0;
			let r = q0;
			let u = nextDouble(s);
			while (u > r) {
				u -= r;
				x++;
				// rounding can leave u above the remaining mass: restart rather than return a bad tail value
				if (x > bound) break;
				r *= a / x - ratio;
			}
			if (x <= bound) return x;
		}
	}

	/** BTRS, transformed rejection with squeeze (Hörmann 1993), exact for n·p ≥ 10 and p ≤ 1/2. */
	function binomialBtrs(s: Uint32Array, n: number, p: number): number {
		const spq = Math.sqrt(n * p * (1 - p));
		const b = 1.15 + 2.53 * spq;
		const a = -0.0873 + 0.0248 * b + 0.01 * p;
		const c = n * p + 0.5;
		const vr = 0.92 - 4.2 / b;
		const r = p / (1 - p);
		const alpha = (2.83 + 5.1 / b) * spq;
		const m = Math.floor((n + 1) * p);
		// the k-independent part of the log acceptance bound, computed once per call and only if needed
		let fixed = NaN;
		for (;;) {
			const u = nextDouble(s) - 0.5;
			let v = nextDouble(s);
			const us = 0.5 - Math.abs(u);
			const k = Math.floor(((2 * a) / us + b) * u + c);
			if (k < 0 || k > n) continue;
			if (us >= 0.07 && v <= vr) return k;
			v = Math.log((v * alpha) / (a / (us * us) + b));
			if (fixed !== fixed) fixed = (m + 0.5) * Math.log((m + 1) / (r * (n - m + 1))) + stirlingTail(m) + stirlingTail(n - m);
			const bound =
				fixed +
				(n + 1) * Math.log((n - m + 1) / (n - k + 1)) +
				(k + 0.5) * Math.log((r * (n - k + 1)) / (k + 1)) -
				stirlingTail(k) -
				stirlingTail(n - k);
			if (v <= bound) return k;
		}
	}

	/** One Binomial(n, p) draw, n a non-negative integer. */
	function binomial(s: Uint32Array, n: number, p: number): number {
		if (n <= 0 || p <= 0) return 0;
		if (p >= 1) return n;
		if (p > 0.5) return n - binomial(s, n, 1 - p);
		return n * p < 10 ? binomialInversion(s, n, p) : binomialBtrs(s, n, p);
	}

	/**
	 * Multinomial(total, weights / sum(weights)) into `out`, by conditional binomials: cell c gets
	 * Binomial(remaining draws, w_c / remaining weight). Weights are integer counts, so the remaining
	 * weight is tracked exactly and the last non-empty cell takes whatever is left.
	 */
	function multinomial(s: Uint32Array, total: number, weights: Float64Array, out: Float64Array): void {
		let remWeight = 0;
		for (let c = 0; c < weights.length; c++) remWeight += weights[c];
		let remN = total;
		for (let c = 0; c < weights.length; c++) {
			const w = weights[c];
			if (w <= 0 || remN === 0) {
				out[c] = 0;
				remWeight -= w > 0 ? w : 0;
				continue;
			}
			const x = w >= remWeight ? remN : binomial(s, remN, w / remWeight);
			out[c] = x;
			remN -= x;
			remWeight -= w;
		}
	}

	return { binomial, multinomial };
}

export type SamplingKernel = ReturnType<typeof samplingKernel>;
