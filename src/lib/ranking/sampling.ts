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

	/**
	 * Set-up for many exact draws of Multinomial(N, counts / N) from the same integer counts (the rounds
	 * of a bootstrap), by conditional Poissons. Every cell c with count w_c gets an independent
	 * Poisson(μ·w_c / N) with μ = N − 2√N; given their sum S ≤ N these counts are exactly
	 * Multinomial(S, counts / N), whatever S is, so adding N − S single votes drawn with probability
	 * w_c / N gives Multinomial(N, counts / N). A sum above N (about one round in 44) draws the Poissons
	 * again; that decision depends on S alone, so the conditional law is unchanged. What this buys: the
	 * Poisson means are fixed for the whole bootstrap, so each cell is one table lookup (a guide-table
	 * inversion of the Poisson CDF, one table per distinct count, built here once) instead of a binomial
	 * whose n and p change with every cell; the ~2√N single votes cost another lookup each.
	 * The tables cut the tails where the Poisson mass is below ~1e-18, far under the 2⁻⁵³ resolution of
	 * the uniforms. Counts that are not integers, or tables beyond 4M entries (huge counts, all
	 * different), fall back to conditional binomials (`multinomial`), which are just as exact.
	 * `margin` (2) sets μ = N − margin·√N; tests lower it to exercise the redraw.
	 */
	function multinomialPlan(counts: Float64Array, margin = 2) {
		const C = counts.length;
		let total = 0;
		let integral = true;
		for (let c = 0; c < C; c++) {
			const w = counts[c];
			if (!(w >= 0) || w !== Math.floor(w)) integral = false;
			total += w;
		}
		const mu = Math.max(0, total - margin * Math.sqrt(total));
		const table = new Int32Array(C).fill(-1);
		const byCount = new Map<number, number>();
		const pmfs: Float64Array[] = [];
		const lows: number[] = [];
		let size = 0;
		for (let c = 0; c < C && integral && size <= 1 << 22; c++) {
			const w = counts[c];
			if (w === 0 || mu === 0) continue;
			let t = byCount.get(w);
			if (t === undefined) {
				t = pmfs.length;
				byCount.set(w, t);
				const lambda = (mu * w) / total;
				// unnormalised pmf, 1 at the mode, outwards by p(k)/p(k−1) = λ/k until the terms vanish
				const mode = Math.floor(lambda);
				const tiny = 2 ** -70;
				const up: number[] = [];
				for (let k = mode + 1, p = 1; ; k++) {
					p *= lambda / k;
					if (p < tiny) break;
					up.push(p);
				}
				const down: number[] = [];
				for (let k = mode - 1, p = 1; k >= 0; k--) {
					p *= (k + 1) / lambda;
					if (p < tiny) break;
					down.push(p);
				}
				const pmf = new Float64Array(down.length + 1 + up.length);
				for (let k = 0; k < down.length; k++) pmf[k] = down[down.length - 1 - k];
				pmf[down.length] = 1;
				pmf.set(up, down.length + 1);
				pmfs.push(pmf);
				lows.push(mode - down.length);
				size += pmf.length;
			}
			table[c] = t;
		}
		if (!integral || size > 1 << 22) return { fallback: true as const, counts, total };

		const T = pmfs.length;
		const low = Int32Array.from(lows);
		const offset = new Int32Array(T + 1);
		for (let t = 0; t < T; t++) offset[t + 1] = offset[t] + pmfs[t].length;
		const cdf = new Float64Array(offset[T]);
		const guide = new Int32Array(offset[T]);
		for (let t = 0; t < T; t++) {
			const pmf = pmfs[t];
			const L = pmf.length;
			const base = offset[t];
			let sum = 0;
			for (let k = 0; k < L; k++) sum += pmf[k];
			let acc = 0;
			for (let k = 0; k < L; k++) {
				acc += pmf[k];
				cdf[base + k] = acc / sum;
			}
			cdf[base + L - 1] = 1;
			// guide[g] = the smallest k with cdf[k] > g/L: for u ≥ g/L the inverse CDF is at least that
			for (let g = 0, k = 0; g < L; g++) {
				while (cdf[base + k] <= g / L) k++;
				guide[base + g] = k;
			}
		}
		// single votes: cell of the uniform integer v in [0, N) by the cumulative counts, guided likewise
		const cum = new Float64Array(C);
		for (let c = 0, acc = 0; c < C; c++) cum[c] = acc += counts[c];
		const G = Math.max(1, C);
		const cellGuide = new Int32Array(G);
		for (let g = 0, c = 0; g < G; g++) {
			const v = Math.floor((g * total) / G);
			while (c < C - 1 && cum[c] <= v) c++;
			cellGuide[g] = c;
		}
		// cells drawn grouped by table (any fixed order gives the same law): one table stays in cache
		// while its cells are drawn, instead of a random walk over all of them
		let drawn = 0;
		for (let c = 0; c < C; c++) if (table[c] >= 0) drawn++;
		const order = new Int32Array(drawn);
		const start = new Int32Array(T + 1);
		for (let c = 0; c < C; c++) if (table[c] >= 0) start[table[c] + 1]++;
		for (let t = 0; t < T; t++) start[t + 1] += start[t];
		const next = start.slice(0, T);
		for (let c = 0; c < C; c++) if (table[c] >= 0) order[next[table[c]]++] = c;
		return { fallback: false as const, counts, total, order, start, low, offset, cdf, guide, cum, cellGuide };
	}

	/** One Multinomial(N, counts / N) draw into `out` with a plan from `multinomialPlan`. */
	function drawMultinomial(s: Uint32Array, plan: ReturnType<typeof multinomialPlan>, out: Float64Array): void {
		if (plan.fallback) return multinomial(s, plan.total, plan.counts, out);
		const { total, order, start, low, offset, cdf, guide, cum, cellGuide } = plan;
		const T = start.length - 1;
		// xoshiro128** inline on local state (rng.ts's nextDouble, the same stream): this loop is the
		// bootstrap's hottest, and locals stay in registers where the typed array is loaded and stored
		let s0 = s[0] | 0;
		let s1 = s[1] | 0;
		let s2 = s[2] | 0;
		let s3 = s[3] | 0;
		let sum: number;
		out.fill(0);
		do {
			sum = 0;
			for (let t = 0; t < T; t++) {
				const base = offset[t];
				const L = offset[t + 1] - base;
				const k0 = low[t];
				for (let i = start[t]; i < start[t + 1]; i++) {
					let r1 = Math.imul(s1, 5);
					const hi = Math.imul((r1 << 7) | (r1 >>> 25), 9) >>> 5;
					let t9 = s1 << 9;
					s2 ^= s0;
					s3 ^= s1;
					s1 ^= s2;
					s0 ^= s3;
					s2 ^= t9;
					s3 = (s3 << 11) | (s3 >>> 21);
					r1 = Math.imul(s1, 5);
					const lo = Math.imul((r1 << 7) | (r1 >>> 25), 9) >>> 6;
					t9 = s1 << 9;
					s2 ^= s0;
					s3 ^= s1;
					s1 ^= s2;
					s0 ^= s3;
					s2 ^= t9;
					s3 = (s3 << 11) | (s3 >>> 21);
					const u = (hi * 67108864 + lo) / 9007199254740992;
					let k = guide[base + Math.floor(u * L)];
					// (rounding in u·L can land one slot late: step back, so the draw is the plain search's)
					while (k > 0 && u < cdf[base + k - 1]) k--;
					while (u >= cdf[base + k]) k++;
					out[order[i]] = k0 + k;
					sum += k0 + k;
				}
			}
		} while (sum > total);
		s[0] = s0;
		s[1] = s1;
		s[2] = s2;
		s[3] = s3;
		const G = cellGuide.length;
		for (; sum < total; sum++) {
			const v = Math.min(total - 1, Math.floor(nextDouble(s) * total));
			let c = cellGuide[Math.min(G - 1, Math.floor((v * G) / total))];
			while (c > 0 && cum[c - 1] > v) c--;
			while (cum[c] <= v) c++;
			out[c]++;
		}
	}

	return { binomial, multinomial, multinomialPlan, drawMultinomial };
}

export type SamplingKernel = ReturnType<typeof samplingKernel>;
