// REFERENCE ONLY — not a product strategy: it is not registered, no campaign can choose it. It is the
// published baseline bench/sampling.ts measures the product's strategies against (docs/scheduling.md).
//
// ASAP-approx (Mikhailiuk, Wilmot, Perez-Ortiz, Yue, Mantiuk: "Active Sampling for Pairwise
// Comparisons via Approximate Message Passing and Information Gain Maximization", ICPR 2020; code
// gfxdisp/asap, matlab/ASAP_approx): a Gaussian posterior N(mᵢ, vᵢ) on every system's score
// (Thurstone case V: i beats j with probability Φ((sᵢ − sⱼ)/1), prior N(0, ½) as in run_asap.m),
// updated after every outcome by one TrueSkill step (assumed-density filtering, ts_online.m); the
// expected information gain of comparing i and j is
//   EIG(i, j) = pᵢⱼ·KL(post | i wins ‖ now) + (1 − pᵢⱼ)·KL(post | j wins ‖ now),  pᵢⱼ = Φ((mᵢ − mⱼ)/c),
// the KL over the two changed marginals, c² = 1 + vᵢ + vⱼ. Batch mode (ASAP's answer to many
// evaluators at once): the minimum spanning tree of the complete system graph weighted 1/EIG, its
// K − 1 edges handed out one per request, recomputed when used up; or 'greedy': the largest EIG among
// pairs nobody holds right now.
//
// Differences from the published code, all deliberate and small:
// - the posterior is the online (ADF) one for every outcome, not ts_solve's EP sweeps over the whole
//   history each round (ASAP-approx also uses the online step for the EIG itself);
// - the exact Gaussian KL, ½Σ[log(v₀/v₁) + v₁/v₀ + (m₁ − m₀)²/v₀ − 1]; kl_divergence_approx.m computes
//   twice that plus a constant, which changes no argmax (the MST on 1/EIG can differ slightly);
// - c² = 1 + vᵢ + vⱼ for both pᵢⱼ and the update (ts_online.m uses 2 + vᵢ + vⱼ in the update);
// - ties (the model has none): a tie is fed to the posterior as a win of a side drawn at random, as
//   a forced choice would be. The ranking that is scored still counts ties half.
import type { PairCandidate, PickContext, SchedulingStrategy } from '../types.ts';

export const PRIOR_VARIANCE = 0.5;

/** Standard normal density. */
export function normalPdf(x: number): number {
	return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

/** Standard normal cdf, through Numerical Recipes' erfcc (a Chebyshev fit; relative error below 1.2e-7). */
export function normalCdf(x: number): number {
	const z = Math.abs(x) / Math.SQRT2;
	const t = 1 / (1 + 0.5 * z);
	const erfc =
		t *
		Math.exp(
			-z * z -
				1.26551223 +
				t *
					(1.00002368 +
						t *
							(0.37409196 +
								t *
									(0.09678418 +
										t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))))
		);
	return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/** The posterior of winner w and loser l after one outcome: [mw, vw, ml, vl] (one TrueSkill / ADF step). */
export function adfUpdate(mw: number, vw: number, ml: number, vl: number): [number, number, number, number] {
	const c = Math.sqrt(1 + vw + vl);
	const t = (mw - ml) / c;
	// v(t) = φ(t)/Φ(t); for very negative t use the asymptote −t (Φ underflows)
	const cdf = normalCdf(t);
	const v = cdf > 1e-300 ? normalPdf(t) / cdf : -t;
	const w = v * (v + t);
	return [mw + (vw / c) * v, vw * (1 - (vw * w) / (c * c)), ml - (vl / c) * v, vl * (1 - (vl * w) / (c * c))];
}

/** KL(N(m1, v1) ‖ N(m0, v0)) of one coordinate. */
function kl(m1: number, v1: number, m0: number, v0: number): number {
	return 0.5 * (Math.log(v0 / v1) + v1 / v0 + ((m1 - m0) * (m1 - m0)) / v0 - 1);
}

/** Expected information gain (nats) of one comparison of i (mean mi, variance vi) and j. */
export function expectedInformationGain(mi: number, vi: number, mj: number, vj: number): number {
	const p = normalCdf((mi - mj) / Math.sqrt(1 + vi + vj));
	const [a, va, b, vb] = adfUpdate(mi, vi, mj, vj);
	const ifI = kl(a, va, mi, vi) + kl(b, vb, mj, vj);
	const [c, vc, d, vd] = adfUpdate(mj, vj, mi, vi);
	const ifJ = kl(c, vc, mj, vj) + kl(d, vd, mi, vi);
	return p * ifI + (1 - p) * ifJ;
}

/**
 * Prim's minimum spanning tree of a complete graph on n nodes, cost(a, b) (Infinity = no edge).
 * Returns the tree's edges [a, b] in the order Prim adds them; fewer than n − 1 when disconnected.
 */
export function minimumSpanningTree(n: number, cost: (a: number, b: number) => number): [number, number][] {
	const inTree = new Uint8Array(n);
	const best = new Float64Array(n).fill(Infinity);
	const from = new Int32Array(n).fill(-1);
	const edges: [number, number][] = [];
	if (n === 0) return edges;
	inTree[0] = 1;
	for (let b = 1; b < n; b++) {
		best[b] = cost(0, b);
		from[b] = 0;
	}
	for (let k = 1; k < n; k++) {
		let next = -1;
		for (let b = 0; b < n; b++) if (!inTree[b] && best[b] < Infinity && (next < 0 || best[b] < best[next])) next = b;
		if (next < 0) break;
		inTree[next] = 1;
		edges.push([from[next], next]);
		for (let b = 0; b < n; b++) {
			if (inTree[b]) continue;
			const c = cost(next, b);
			if (c < best[b]) {
				best[b] = c;
				from[b] = next;
			}
		}
	}
	return edges;
}

/**
 * The ASAP reference as a scheduler strategy (bench only). It reads every new counted outcome from
 * the scheduler's per-pair outcome sums (n, Σx, Σx²: wins, losses and ties are recovered from them)
 * and folds it into the posterior before choosing.
 */
export function asapReferenceStrategy(mode: 'mst' | 'greedy' = 'mst'): SchedulingStrategy {
	let mean = new Float64Array(0);
	let variance = new Float64Array(0);
	let seenN = new Float64Array(0);
	let seenSum = new Float64Array(0);
	let seenSq = new Float64Array(0);
	let eig = new Float64Array(0);
	let queue: number[] = [];
	return {
		name: 'asap-reference',
		pick(context: PickContext): PairCandidate | null {
			const { index, rng } = context;
			const { supply, open, outcomeN, outcomeSum, outcomeSumSq } = context.pairs;
			const K = index.systemIds.length;
			const total = supply.length;
			if (mean.length !== K) {
				mean = new Float64Array(K);
				variance = new Float64Array(K).fill(PRIOR_VARIANCE);
			}
			if (seenN.length !== total) {
				seenN = new Float64Array(total);
				seenSum = new Float64Array(total);
				seenSq = new Float64Array(total);
				eig = new Float64Array(total);
			}
			// fold in the outcomes counted since the last pick: x = 1 a win of pairA, 0 a loss, ½ a tie,
			// so Δn = w + l + t, ΔΣx = w + t/2, ΔΣx² = w + t/4
			for (let pair = 0; pair < total; pair++) {
				const dn = outcomeN[pair] - seenN[pair];
				if (dn === 0) continue;
				const ds = outcomeSum[pair] - seenSum[pair];
				const ties = Math.round(4 * (ds - (outcomeSumSq[pair] - seenSq[pair])));
				const wins = Math.round(ds - ties / 2);
				const losses = Math.round(dn) - wins - ties;
				const a = index.pairA[pair];
				const b = index.pairB[pair];
				const outcomes: boolean[] = [];
				for (let k = 0; k < wins; k++) outcomes.push(true);
				for (let k = 0; k < losses; k++) outcomes.push(false);
				for (let k = 0; k < ties; k++) outcomes.push(rng() < 0.5);
				for (const aWon of outcomes) {
					const [w, l] = aWon ? [a, b] : [b, a];
					[mean[w], variance[w], mean[l], variance[l]] = adfUpdate(mean[w], variance[w], mean[l], variance[l]);
				}
				seenN[pair] = outcomeN[pair];
				seenSum[pair] = outcomeSum[pair];
				seenSq[pair] = outcomeSumSq[pair];
			}
			const gain = () => {
				for (let pair = 0; pair < total; pair++) {
					const a = index.pairA[pair];
					const b = index.pairB[pair];
					eig[pair] = supply[pair] > 0 ? expectedInformationGain(mean[a], variance[a], mean[b], variance[b]) : 0;
				}
			};
			if (mode === 'greedy') {
				gain();
				// the largest EIG among pairs nobody holds, then among the rest (all held)
				for (const free of [true, false]) {
					const order = Array.from({ length: total }, (_, p) => p)
						.filter((p) => supply[p] > 0 && (open[p] === 0) === free)
						.sort((p, q) => eig[q] - eig[p]);
					for (const pair of order) {
						const candidate = context.findFewestShown(pair);
						if (candidate) return candidate;
					}
				}
				return null;
			}
			for (let attempt = 0; attempt < 2; attempt++) {
				if (queue.length === 0) {
					gain();
					const pairOf = (a: number, b: number) => index.systemPair(a, b);
					queue = minimumSpanningTree(K, (a, b) => {
						const g = eig[pairOf(a, b)];
						return g > 0 ? 1 / g : Infinity;
					}).map(([a, b]) => pairOf(a, b));
				}
				// the tree's next edge this evaluator can get (edges nobody can use now are dropped)
				while (queue.length) {
					const candidate = context.findFewestShown(queue.shift()!);
					if (candidate) return candidate;
				}
			}
			return null;
		}
	};
}
