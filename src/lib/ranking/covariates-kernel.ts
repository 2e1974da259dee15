// Numeric core of Bradley–Terry with covariates ("style control"): Newton on the full logistic
// likelihood over aggregated rows, and bootstrap rounds that redraw the rows' vote cells.
//
// Worker-shipped like rng.ts: the factory refers only to its parameters and JavaScript globals, so its
// source text can run in a worker thread (covariates-pool.ts).
//
// Parameters x = (θ_1..θ_K, γ_1..γ_p). A row r is one (left system a, right system b, design vector
// x_r) with score s_r (weighted wins of a, plus half the ties in 'half' mode) out of weight n_r:
// ℓ = Σ_r s_r·η_r − n_r·ln(1 + e^η_r) − ½·l2·Σγ², η_r = θ_a − θ_b + γ·x_r.
// The likelihood is flat along (1,…,1,0,…,0); adding 11ᵀ to the θ block of the negated Hessian fixes
// that direction without changing the step (the θ gradient sums to zero), so θ keeps mean 0.

import type { LinalgKernel } from './linalg.ts';
import type { RngKernel } from './rng.ts';
import type { SamplingKernel } from './sampling.ts';

export interface CovariateProblem {
	K: number;
	p: number;
	rows: number;
	a: Int32Array;
	b: Int32Array;
	/** rows × p, row-major */
	x: Float64Array;
	l2: number;
	/** virtual draws of every system against a fixed 1000 (only for degenerate bootstrap redraws) */
	prior: number;
}

export interface CovariateBootJob {
	problem: CovariateProblem;
	/** rows × 3: vote counts (a wins, b wins, ties) — what the multinomial redraws */
	counts: Float64Array;
	/** rows × 3: summed weights of those votes (equal to counts without weights) */
	weights: Float64Array;
	/** 0 = half, 1 = exclude */
	mode: number;
	point: Float64Array;
	seed: number;
	from: number;
	to: number;
	tol: number;
	maxIter: number;
	fallbackPrior: number;
}

export function covariateKernel(rng: RngKernel, sampling: SamplingKernel, lin: LinalgKernel) {
	/** Per-row score and weight from (a wins, b wins, ties) weights. */
	function scores(mode: number, w: Float64Array, rows: number, s: Float64Array, n: Float64Array): void {
		for (let r = 0; r < rows; r++) {
			const wa = w[3 * r];
			const wb = w[3 * r + 1];
			const wt = mode === 1 ? 0 : w[3 * r + 2];
			s[r] = wa + 0.5 * wt;
			n[r] = wa + wb + wt;
		}
	}

	function logLik(pr: CovariateProblem, s: Float64Array, n: Float64Array, x: Float64Array): number {
		const { K, p, rows, a, b } = pr;
		let ll = 0;
		for (let r = 0; r < rows; r++) {
			if (n[r] === 0) continue;
			let eta = x[a[r]] - x[b[r]];
			for (let k = 0; k < p; k++) eta += x[K + k] * pr.x[r * p + k];
			// ln(1 + e^η) without overflow
			const soft = eta > 0 ? eta + Math.log1p(Math.exp(-eta)) : Math.log1p(Math.exp(eta));
			ll += s[r] * eta - n[r] * soft;
		}
		for (let k = 0; k < p; k++) ll -= 0.5 * pr.l2 * x[K + k] * x[K + k];
		if (pr.prior > 0)
			for (let i = 0; i < K; i++) {
				const t = x[i];
				ll += pr.prior * (0.5 * t - (t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t))));
			}
		return ll;
	}

	/** Gradient g and, when h is given, the negated Hessian (D×D, with the gauge or prior term). */
	function derivatives(
		pr: CovariateProblem,
		s: Float64Array,
		n: Float64Array,
		x: Float64Array,
		g: Float64Array,
		h: Float64Array | null
	): void {
		const { K, p, rows, a, b } = pr;
		const D = K + p;
		g.fill(0);
		if (h) h.fill(0);
		for (let r = 0; r < rows; r++) {
			const nr = n[r];
			if (nr === 0) continue;
			const i = a[r];
			const j = b[r];
			const xo = r * p;
			let eta = x[i] - x[j];
			for (let k = 0; k < p; k++) eta += x[K + k] * pr.x[xo + k];
			const mu = 1 / (1 + Math.exp(-eta));
			const gr = s[r] - nr * mu;
			g[i] += gr;
			g[j] -= gr;
			for (let k = 0; k < p; k++) g[K + k] += gr * pr.x[xo + k];
			if (!h) continue;
			const hr = nr * mu * (1 - mu);
			h[i * D + i] += hr;
			h[j * D + j] += hr;
			h[i * D + j] -= hr;
			h[j * D + i] -= hr;
			for (let k = 0; k < p; k++) {
				const v = hr * pr.x[xo + k];
				h[i * D + K + k] += v;
				h[j * D + K + k] -= v;
				for (let l = 0; l <= k; l++) h[(K + k) * D + K + l] += v * pr.x[xo + l];
			}
		}
		for (let k = 0; k < p; k++) g[K + k] -= pr.l2 * x[K + k];
		if (pr.prior > 0)
			for (let i = 0; i < K; i++) {
				const q = 1 / (1 + Math.exp(-x[i]));
				g[i] += pr.prior * (0.5 - q);
			}
		if (!h) return;
		// mirror the blocks filled on one side only
		for (let k = 0; k < p; k++) {
			for (let i = 0; i < K; i++) h[(K + k) * D + i] = h[i * D + K + k];
			for (let l = 0; l < k; l++) h[(K + l) * D + K + k] = h[(K + k) * D + K + l];
			h[(K + k) * D + K + k] += pr.l2;
		}
		if (pr.prior > 0)
			for (let i = 0; i < K; i++) {
				const q = 1 / (1 + Math.exp(-x[i]));
				h[i * D + i] += pr.prior * q * (1 - q);
			}
		else for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) h[i * D + j] += 1;
	}

	/** The distinct design vectors of a problem's rows (rows on a grid share a few) and each row's one. */
	interface Designs {
		count: number;
		/** count × p */
		x: Float64Array;
		/** per row: its design */
		of: Int32Array;
		/** scratch: e^(γ·x) per design, the summed residual per design, e^(θ − max θ) per system */
		e: Float64Array;
		sum: Float64Array;
		strength: Float64Array;
	}

	function designs(pr: CovariateProblem): Designs {
		const { rows, p } = pr;
		const seen = new Map<string, number>();
		const of = new Int32Array(rows);
		const list: number[] = [];
		for (let r = 0; r < rows; r++) {
			const key = p === 0 ? '' : pr.x.subarray(r * p, r * p + p).join(',');
			let q = seen.get(key);
			if (q === undefined) {
				q = seen.size;
				seen.set(key, q);
				for (let k = 0; k < p; k++) list.push(pr.x[r * p + k]);
			}
			of[r] = q;
		}
		const count = seen.size;
		return {
			count,
			x: Float64Array.from(list),
			of,
			e: new Float64Array(count),
			sum: new Float64Array(count),
			strength: new Float64Array(pr.K)
		};
	}

	/**
	 * The gradient alone, as derivatives() computes it, with one exp per system and per distinct design
	 * instead of one per row: e^η = e^θa · e^(γ·x) / e^θb. Falls back to derivatives() when the
	 * exponents span too much for the quotient (or a prior is in play).
	 */
	function gradient(pr: CovariateProblem, s: Float64Array, n: Float64Array, x: Float64Array, g: Float64Array, dz: Designs): void {
		const { K, p, rows, a, b } = pr;
		let hi = -Infinity;
		let lo = Infinity;
		for (let i = 0; i < K; i++) {
			hi = Math.max(hi, x[i]);
			lo = Math.min(lo, x[i]);
		}
		let reach = 0;
		for (let q = 0; q < dz.count; q++) {
			let z = 0;
			for (let k = 0; k < p; k++) z += x[K + k] * dz.x[q * p + k];
			reach = Math.max(reach, Math.abs(z));
			dz.e[q] = Math.exp(z);
		}
		if (pr.prior > 0 || hi - lo + reach > 600) return derivatives(pr, s, n, x, g, null);
		const st = dz.strength;
		for (let i = 0; i < K; i++) st[i] = Math.exp(x[i] - hi);
		g.fill(0);
		dz.sum.fill(0);
		for (let r = 0; r < rows; r++) {
			const nr = n[r];
			if (nr === 0) continue;
			const i = a[r];
			const j = b[r];
			const q = dz.of[r];
			const top = st[i] * dz.e[q];
			const gr = s[r] - (nr * top) / (top + st[j]);
			g[i] += gr;
			g[j] -= gr;
			dz.sum[q] += gr;
		}
		for (let q = 0; q < dz.count; q++) for (let k = 0; k < p; k++) g[K + k] += dz.sum[q] * dz.x[q * p + k];
		for (let k = 0; k < p; k++) g[K + k] -= pr.l2 * x[K + k];
	}

	function workspace(D: number) {
		return { g: new Float64Array(D), h: new Float64Array(D * D), step: new Float64Array(D), trial: new Float64Array(D) };
	}

	/**
	 * Damped Newton from x (in place) until no coordinate moves by more than tol; the iteration count,
	 * or −1 when it does not converge (no finite estimate: a system never wins or never loses, or a
	 * covariate separates the outcomes without an L2 penalty).
	 */
	function newton(
		pr: CovariateProblem,
		s: Float64Array,
		n: Float64Array,
		x: Float64Array,
		ws: ReturnType<typeof workspace>,
		tol: number,
		maxIter: number
	): number {
		const D = pr.K + pr.p;
		let ll = logLik(pr, s, n, x);
		for (let it = 1; it <= maxIter; it++) {
			derivatives(pr, s, n, x, ws.g, ws.h);
			if (!lin.cholesky(ws.h, D)) return -1;
			lin.cholSolve(ws.h, D, ws.g, ws.step);
			let big = 0;
			for (let d = 0; d < D; d++) big = Math.max(big, Math.abs(ws.step[d]));
			if (!Number.isFinite(big) || big > 50) return -1;
			let t = 1;
			for (let half = 0; half < 30; half++) {
				for (let d = 0; d < D; d++) ws.trial[d] = x[d] + t * ws.step[d];
				const next = logLik(pr, s, n, ws.trial);
				if (next >= ll - 1e-12 * Math.abs(ll)) {
					ll = next;
					break;
				}
				t /= 2;
			}
			x.set(ws.trial);
			if (big * t <= tol) return it;
		}
		return -1;
	}

	/**
	 * Chord iterations: Newton steps with a Hessian factored once (at the full-data estimate), cheap
	 * for bootstrap redraws that start next to it. False when they stop contracting.
	 */
	function chord(
		pr: CovariateProblem,
		s: Float64Array,
		n: Float64Array,
		x: Float64Array,
		factor: Float64Array,
		ws: ReturnType<typeof workspace>,
		tol: number,
		dz: Designs = designs(pr)
	): boolean {
		const D = pr.K + pr.p;
		let last = Infinity;
		for (let it = 0; it < 60; it++) {
			gradient(pr, s, n, x, ws.g, dz);
			lin.cholSolve(factor, D, ws.g, ws.step);
			let big = 0;
			for (let d = 0; d < D; d++) {
				x[d] += ws.step[d];
				big = Math.max(big, Math.abs(ws.step[d]));
			}
			if (!(big < 5) || big > 0.9 * last) return big <= tol;
			if (big <= tol) return true;
			// contracting by ρ = big / last, the steps still to come add up to about big·ρ / (1 − ρ): once
			// that is below tol, the iteration that would only confirm it is skipped
			const rho = big / last;
			if ((big * rho) / (1 - rho) <= tol) return true;
			last = big;
		}
		return false;
	}

	/** Largest cell count drawn from a table; bigger counts go through the exact binomial sampler. */
	const TABLE_MAX = 64;

	/** CDF tables of Poisson(c) for c = 1..TABLE_MAX, cut where the tail is below 2⁻⁵³. */
	function poissonTables(): Float64Array[] {
		const tables: Float64Array[] = [new Float64Array([1])];
		for (let c = 1; c <= TABLE_MAX; c++) {
			const cdf: number[] = [];
			let pk = Math.exp(-c);
			let acc = 0;
			for (let k = 0; ; k++) {
				if (k > 0) pk *= c / k;
				acc += pk;
				cdf.push(acc);
				if (k > c && pk < 1e-17) break;
			}
			cdf[cdf.length - 1] = 1;
			tables.push(Float64Array.from(cdf));
		}
		return tables;
	}

	/**
	 * Guide tables for the CDFs (Chen and Asau): guide[g] is the smallest k with cdf[k] ≥ g/G, G = the
	 * table's length. For u in [g/G, (g+1)/G) the inverse CDF is at least guide[g], so the search starts
	 * there: about one comparison per draw instead of about c, and exactly the same draw.
	 */
	function guideTables(tables: Float64Array[]): Int32Array[] {
		return tables.map((cdf) => {
			const G = cdf.length;
			const guide = new Int32Array(G);
			let k = 0;
			for (let g = 0; g < G; g++) {
				while (cdf[k] < g / G) k++;
				guide[g] = k;
			}
			return guide;
		});
	}

	/**
	 * Bootstrap rounds [from, to): samples (to − from) × D of parameters, and the degenerate count.
	 * A round gives every cell a Poisson(count) number of votes (the Poisson bootstrap: each vote drawn
	 * a Poisson(1) number of times, independently, instead of a multinomial of exactly N; the two agree
	 * to O(1/√N) and the Poisson one costs one table lookup per cell). Rounds seed their own streams.
	 */
	function runRounds(job: CovariateBootJob): { samples: Float64Array; degenerate: number } {
		const pr = job.problem;
		const { rows } = pr;
		const D = pr.K + pr.p;
		const counts = job.counts;
		const C = 3 * rows;
		const redraw = new Float64Array(C);
		const w = new Float64Array(C);
		// the weight one vote of a cell carries (its mean weight)
		const per = new Float64Array(C);
		for (let c = 0; c < C; c++) per[c] = counts[c] > 0 ? job.weights[c] / counts[c] : 0;
		const tables = poissonTables();
		const guides = guideTables(tables);
		const dz = designs(pr);
		const s = new Float64Array(rows);
		const n = new Float64Array(rows);
		const ws = workspace(D);
		// the factor of the full-data negated Hessian at the point estimate
		scores(job.mode, job.weights, rows, s, n);
		derivatives(pr, s, n, job.point, ws.g, ws.h);
		const factor = ws.h.slice();
		if (!lin.cholesky(factor, D)) throw new Error('controlled fit: singular Hessian at the estimate');
		const state = new Uint32Array(4);
		const out = new Float64Array((job.to - job.from) * D);
		const x = new Float64Array(D);
		let degenerate = 0;
		for (let round = job.from; round < job.to; round++) {
			rng.seedStream(state, job.seed, round);
			for (let c = 0; c < C; c++) {
				const m = counts[c];
				if (m === 0 || (job.mode === 1 && c % 3 === 2)) {
					redraw[c] = 0;
					continue;
				}
				if (m <= TABLE_MAX && m === Math.floor(m)) {
					const cdf = tables[m];
					const u = rng.nextDouble(state);
					let k = guides[m][Math.min(cdf.length - 1, Math.floor(u * cdf.length))];
					// (rounding in u·G can land one slot late: step back, so the draw is the plain search's)
					while (k > 0 && u <= cdf[k - 1]) k--;
					while (u > cdf[k]) k++;
					redraw[c] = k;
				} else redraw[c] = sampling.binomial(state, 1e12, m / 1e12);
			}
			for (let c = 0; c < C; c++) w[c] = redraw[c] * per[c];
			scores(job.mode, w, rows, s, n);
			x.set(job.point);
			let ok = chord(pr, s, n, x, factor, ws, job.tol, dz);
			if (!ok) {
				x.set(job.point);
				ok = newton(pr, s, n, x, ws, job.tol, job.maxIter) >= 0;
			}
			if (!ok) {
				// no finite estimate in this redraw: a small prior keeps it, as an extreme value
				degenerate++;
				const withPrior = { ...pr, prior: job.fallbackPrior };
				x.set(job.point);
				if (newton(withPrior, s, n, x, ws, job.tol, job.maxIter) < 0) x.fill(NaN);
				let mean = 0;
				for (let i = 0; i < pr.K; i++) mean += x[i];
				mean /= pr.K;
				for (let i = 0; i < pr.K; i++) x[i] -= mean;
			}
			out.set(x, (round - job.from) * D);
		}
		return { samples: out, degenerate };
	}

	return { scores, logLik, derivatives, workspace, newton, chord, runRounds };
}

export type CovariateKernel = ReturnType<typeof covariateKernel>;
