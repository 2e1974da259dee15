// Davidson (1970) model for ties: P(i wins) ∝ πi, P(j wins) ∝ πj, P(tie) ∝ ν·√(πi·πj).
//
// Parameters are θ = ln π for each system and λ = ln ν last. With d = θi − θj the per-pair log-likelihood
// reduces to ½(wi − wj)·d + t·λ − n·ln(e^(d/2) + e^(−d/2) + e^λ), jointly concave, so Newton converges.
// Worker-shipped like rng.ts: the factory refers to nothing outside itself.

import type { Objective } from './newton.ts';

export interface DavidsonProblem {
	K: number;
	P: number;
	pairI: Int32Array;
	pairJ: Int32Array;
	winsI: Float64Array;
	winsJ: Float64Array;
	/** ties of every kind ('tie' and 'tie (bothbad)') */
	ties: Float64Array;
	/** same meaning as in BTProblem: virtual half-won games against θ = 0, on θ only */
	prior: number;
}

export function davidsonKernel() {
	function softplus(z: number): number {
		return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
	}

	function objective(pr: DavidsonProblem): Objective {
		const { K, P, pairI, pairJ, winsI, winsJ, ties } = pr;
		const D = K + 1;
		const half = new Float64Array(K);

		function evaluate(x: Float64Array, g: Float64Array, m: Float64Array | null): void {
			const nu = Math.exp(x[K]);
			let hi = -Infinity;
			let lo = Infinity;
			for (let i = 0; i < K; i++) {
				if (x[i] > hi) hi = x[i];
				if (x[i] < lo) lo = x[i];
			}
			const viaStrength = hi - lo < 1200;
			if (viaStrength) for (let i = 0; i < K; i++) half[i] = Math.exp((x[i] - hi) / 2);
			g.fill(0);
			let gl = 0;
			let mll = 0;
			for (let p = 0; p < P; p++) {
				const wi = winsI[p];
				const wj = winsJ[p];
				const t = ties[p];
				const n = wi + wj + t;
				if (n === 0) continue;
				const i = pairI[p];
				const j = pairJ[p];
				const e = viaStrength ? half[i] / half[j] : Math.exp(Math.max(-350, Math.min(350, (x[i] - x[j]) / 2)));
				const c = e + 1 / e; // 2·cosh(d/2)
				const s = e - 1 / e; // 2·sinh(d/2)
				const u = 1 / (c + nu); // scaled forms below stay finite for any d
				const gd = 0.5 * (wi - wj) - 0.5 * n * s * u;
				g[i] += gd;
				g[j] -= gd;
				gl += t - n * nu * u;
				if (m !== null) {
					const cu = c * u;
					const su = s * u;
					const eu = nu * u;
					const hdd = (n * (4 * u * u + cu * eu)) / 4; // −∂²/∂d²
					const hdl = 0.5 * n * su * eu; // +∂²/∂d∂λ
					m[i * D + i] += hdd;
					m[j * D + j] += hdd;
					m[i * D + j] -= hdd;
					m[j * D + i] -= hdd;
					m[i * D + K] -= hdl;
					m[K * D + i] -= hdl;
					m[j * D + K] += hdl;
					m[K * D + j] += hdl;
					mll += n * eu * cu; // −∂²/∂λ²
				}
			}
			g[K] = gl;
			if (m !== null) m[K * D + K] += mll;
			const prior = pr.prior;
			if (prior > 0) {
				for (let i = 0; i < K; i++) {
					const sg = 1 / (1 + Math.exp(-x[i]));
					g[i] += prior * (0.5 - sg);
					if (m !== null) m[i * D + i] += prior * sg * (1 - sg);
				}
			} else if (m !== null) {
				// gauge: the likelihood is flat along (1, …, 1, 0)
				for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) m[i * D + j] += 1;
			}
		}

		function logLik(x: Float64Array): number {
			const lambda = x[K];
			let ll = 0;
			for (let p = 0; p < P; p++) {
				const wi = winsI[p];
				const wj = winsJ[p];
				const t = ties[p];
				const n = wi + wj + t;
				if (n === 0) continue;
				const d = x[pairI[p]] - x[pairJ[p]];
				const a = Math.abs(d) / 2;
				const top = Math.max(a, lambda);
				const logQ = top + Math.log(Math.exp(a - top) + Math.exp(-a - top) + Math.exp(lambda - top));
				ll += 0.5 * (wi - wj) * d + t * lambda - n * logQ;
			}
			const prior = pr.prior;
			if (prior > 0) for (let i = 0; i < K; i++) ll -= prior * (softplus(x[i]) - 0.5 * x[i]);
			return ll;
		}

		function normalize(x: Float64Array): void {
			if (pr.prior > 0) return;
			let mean = 0;
			for (let i = 0; i < K; i++) mean += x[i];
			mean /= K;
			for (let i = 0; i < K; i++) x[i] -= mean;
		}

		return { dim: D, evaluate, logLik, normalize };
	}

	/** Starting ln ν: at equal strengths P(tie) = ν / (2 + ν), so ν₀ = 2T / (N − T). */
	function initialLogNu(totalTies: number, total: number): number {
		return Math.log((2 * totalTies) / (total - totalTies));
	}

	return { objective, initialLogNu };
}

export type DavidsonKernel = ReturnType<typeof davidsonKernel>;
