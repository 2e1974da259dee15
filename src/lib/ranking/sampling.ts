// Exact binomial and multinomial sampling, so a bootstrap round costs O(cells) instead of O(votes).
//
// Worker-shipped like rng.ts: the factory refers only to its parameter and to JavaScript globals.

import type { RngKernel } from './rng.ts';

export function samplingKernel(rng: RngKernel) {
	const nextDouble = rng.nextDouble;

	/** log(k!) minus its Stirling approximation; table below 10 (values from Hörmann 1993). */
	function stirlingTail(k: number): number {
		switch (k) {
			case 0:
				return 0.0810614667953272;
			case 1:
				return 0.0413406959554092;
			case 2:
				return 0.0276779256849983;
			case 3:
				return 0.02079067210376509;
			case 4:
				return 0.0166446911898211;
			case 5:
				return 0.0138761288230707;
			case 6:
				return 0.0118967099458917;
			case 7:
				return 0.010411265261972;
			case 8:
				return 0.00925546218271273;
			case 9:
				return 0.00833056343336287;
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

	/**
	 * BTRD, transformed rejection with decomposition (Hörmann 1993, as in Boost.Random): exact for
	 * n·p ≥ 10 and p ≤ 1/2. Most draws take the one-uniform quick path; near the mode the acceptance
	 * test is a short product instead of logarithms.
	 */
	function binomialBtrd(s: Uint32Array, n: number, p: number): number {
		const r = p / (1 - p);
		const nr = (n + 1) * r;
		const npq = n * p * (1 - p);
		const sqrtNpq = Math.sqrt(npq);
		const b = 1.15 + 2.53 * sqrtNpq;
		const a = -0.0873 + 0.0248 * b + 0.01 * p;
		const c = n * p + 0.5;
		const alpha = (2.83 + 5.1 / b) * sqrtNpq;
		const vr = 0.92 - 4.2 / b;
		const urvr = 0.86 * vr;
		const m = Math.floor((n + 1) * p);
		// the k-independent part of the final log test, computed once per call and only if needed
		let h = NaN;
		for (;;) {
			let v = nextDouble(s);
			let u: number;
			if (v <= urvr) {
				u = v / vr - 0.43;
				return Math.floor(((2 * a) / (0.5 - Math.abs(u)) + b) * u + c);
			}
			if (v >= vr) {
				u = nextDouble(s) - 0.5;
			} else {
				u = v / vr - 0.93;
				u = (u < 0 ? -0.5 : 0.5) - u;
				v = nextDouble(s) * vr;
			}
			const us = 0.5 - Math.abs(u);
			const k = Math.floor(((2 * a) / us + b) * u + c);
			if (k < 0 || k > n) continue;
			v = (v * alpha) / (a / (us * us) + b);
			const km = Math.abs(k - m);
			if (km <= 15) {
				// f(k)/f(m) by the recurrence f(i)/f(i−1) = (n + 1)·r / i − r
				let f = 1;
				if (m < k) for (let i = m + 1; i <= k; i++) f *= nr / i - r;
				else if (m > k) for (let i = k + 1; i <= m; i++) v *= nr / i - r;
				if (v <= f) return k;
				continue;
			}
			v = Math.log(v);
			const rho = (km / npq) * (((km / 3 + 0.625) * km + 1 / 6) / npq + 0.5);
			const t = (-km * km) / (2 * npq);
			if (v < t - rho) return k;
			if (v > t + rho) continue;
			const nm = n - m + 1;
			if (h !== h) h = (m + 0.5) * Math.log((m + 1) / (r * nm)) + stirlingTail(m) + stirlingTail(n - m);
			const nk = n - k + 1;
			if (v <= h + (n + 1) * Math.log(nm / nk) + (k + 0.5) * Math.log((nk * r) / (k + 1)) - stirlingTail(k) - stirlingTail(n - k)) return k;
		}
	}

	/** One Binomial(n, p) draw, n a non-negative integer. */
	function binomial(s: Uint32Array, n: number, p: number): number {
		if (n <= 0 || p <= 0) return 0;
		if (p >= 1) return n;
		if (p > 0.5) return n - binomial(s, n, 1 - p);
		return n * p < 10 ? binomialInversion(s, n, p) : binomialBtrd(s, n, p);
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
