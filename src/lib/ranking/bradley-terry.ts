// Bradley–Terry log-likelihood, gradient and Hessian on per-pair aggregates (cost O(pairs), not O(votes)).
//
// Parameters are natural-log strengths θ; P(i beats j) = 1 / (1 + e^(θj − θi)). Ties enter through the
// per-pair score (half a point each side in 'half' mode, dropped in 'exclude' mode). Worker-shipped like
// rng.ts: the factory refers to nothing outside itself.

import type { Objective } from './newton.ts';

/** Aggregated data of one fit: pair p is systems pairI[p] < pairJ[p]. */
export interface BTProblem {
	K: number;
	P: number;
	pairI: Int32Array;
	pairJ: Int32Array;
	/** points scored by pairI[p] against pairJ[p] (wins, plus half the ties in 'half' mode) */
	score: Float64Array;
	/** comparisons of the pair that enter the likelihood */
	games: Float64Array;
	/** virtual games of every system against a fixed opponent at θ = 0, half of them won (0 = pure MLE) */
	prior: number;
}

export function btKernel() {
	/** softplus(z) = log(1 + e^z), without overflow. */
	function softplus(z: number): number {
		return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
	}

	function objective(pr: BTProblem): Objective {
		const { K, P, pairI, pairJ, score, games } = pr;
		const strength = new Float64Array(K);

		function evaluate(x: Float64Array, g: Float64Array, m: Float64Array | null): void {
			let hi = -Infinity;
			let lo = Infinity;
			for (let i = 0; i < K; i++) {
				if (x[i] > hi) hi = x[i];
				if (x[i] < lo) lo = x[i];
			}
			// One exp per system instead of one per pair; the quotient form is exact unless strengths
			// span more than e^600, where the per-pair logistic takes over.
			const viaStrength = hi - lo < 600;
			if (viaStrength) for (let i = 0; i < K; i++) strength[i] = Math.exp(x[i] - hi);
			g.fill(0);
			if (m === null && viaStrength) {
				// the gradient alone (each chord iteration of a bootstrap refit): the same sums without the
				// branches; a pair without games adds 0 − 0·q
				for (let p = 0; p < P; p++) {
					const i = pairI[p];
					const j = pairJ[p];
					const si = strength[i];
					const r = score[p] - games[p] * (si / (si + strength[j]));
					g[i] += r;
					g[j] -= r;
				}
			} else
				for (let p = 0; p < P; p++) {
					const n = games[p];
					if (n === 0) continue;
					const i = pairI[p];
					const j = pairJ[p];
					const q = viaStrength ? strength[i] / (strength[i] + strength[j]) : 1 / (1 + Math.exp(x[j] - x[i]));
					const r = score[p] - n * q;
					g[i] += r;
					g[j] -= r;
					if (m !== null) {
						const h = n * q * (1 - q);
						m[i * K + i] += h;
						m[j * K + j] += h;
						m[i * K + j] -= h;
						m[j * K + i] -= h;
					}
				}
			const prior = pr.prior;
			if (prior > 0) {
				for (let i = 0; i < K; i++) {
					const s = 1 / (1 + Math.exp(-x[i]));
					g[i] += prior * (0.5 - s);
					if (m !== null) m[i * K + i] += prior * s * (1 - s);
				}
			} else if (m !== null) {
				// the likelihood is flat along (1, …, 1); adding 11ᵀ fixes that direction without moving the
				// step, because the gradient sums to zero
				for (let k = 0; k < K * K; k++) m[k] += 1;
			}
		}

		function logLik(x: Float64Array): number {
			let ll = 0;
			for (let p = 0; p < P; p++) {
				const n = games[p];
				if (n === 0) continue;
				const d = x[pairI[p]] - x[pairJ[p]];
				ll += score[p] * d - n * softplus(d);
			}
			const prior = pr.prior;
			if (prior > 0) for (let i = 0; i < K; i++) ll -= prior * (softplus(x[i]) - 0.5 * x[i]);
			return ll;
		}

		function normalize(x: Float64Array): void {
			// with a prior the origin is pinned by the virtual opponent; without one only differences matter
			if (pr.prior > 0) return;
			let mean = 0;
			for (let i = 0; i < K; i++) mean += x[i];
			mean /= K;
			for (let i = 0; i < K; i++) x[i] -= mean;
		}

		return { dim: K, evaluate, logLik, normalize };
	}

	return { objective, softplus };
}

export type BTKernel = ReturnType<typeof btKernel>;
