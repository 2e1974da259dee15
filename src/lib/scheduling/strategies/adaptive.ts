// 'adaptive': draw the system pair whose interval one more vote would shrink most, with a floor for
// every pair, and report the probability of the draw so that rankings can weight each vote by 1/P
// (inverse-probability weighting keeps Bradley–Terry estimating what uniform sampling would).
//
// For system pair a = (i, j) with nₐ votes-or-open-leases and mₐ counted outcomes:
//   vₐ  = p(1 − p) − t/4                   the outcome variance (ties included) predicted from how i and j
//                                          did against every other system (below)
//   σ̂²ₐ = (mₐ·vₐ + k·¼) / (mₐ + k)         shrunk toward ¼ while the pair has few votes, k = 4
//   wₐ  = √(σ̂²ₐ/nₐ) − √(σ̂²ₐ/(nₐ+1))       the expected shrink of the pair's standard error from one more vote
//   wₐ  = σ̂ₐ when nₐ = 0                   (√(σ̂²/0) read as "the first vote gives the whole σ̂")
//   P(a) = (1−ε)·wₐ/Σw + ε/#pairs
// The prediction: rᵢ = (Sᵢ + 1)/(Nᵢ + 2), i's score (win 1, tie or both bad ½) over its Nᵢ counted
// outcomes against systems other than j, βᵢ = logit rᵢ (likewise rⱼ without i), p = 1/(1 + e^(βⱼ−βᵢ)),
// and t the share of ties and both-bad votes among the other pairs' outcomes (an outcome in {0, ½, 1}
// with mean p and tie share t has variance p(1−p) − t/4). Leaving the pair's own votes out is what
// keeps the ratings' intervals honest: when a pair's P depends on its own outcomes, a pair whose
// first votes happened to agree is drawn less, its early votes stay its only votes, and the ranking's
// 1/P weights carry that selection into the ratings (docs/scheduling.md, "Why intervals miss").
// The shrinkage: k = 4 pseudo-votes at ¼, the largest variance an outcome in [0, 1] can have; its
// pull fades as votes come in (at 36 votes it is a tenth). Because σ̂ ≤ ½, an unseen pair's weight
// (σ̂ = ½ exactly) is above any seen pair's (≤ ½·(1 − 1/√2)). Open leases count in nₐ as votes still
// to come, so concurrent evaluators spread over pairs instead of all taking the same one.
//
// Within the drawn system pair: the prompt with the fewest showings of that pair that this
// evaluator has not seen and nobody holds (context.findFewestShown). Pairs with nothing left for
// this evaluator are taken out before the draw; the stored probability is P(a) / (1 − their mass),
// exactly the chance of this draw for this evaluator at this moment.
import type { PairCandidate, PickContext, SchedulingStrategy } from '../types.ts';

export const DEFAULT_EPSILON = 0.2;
/** Pseudo-votes at variance ¼ that σ̂² is shrunk toward. */
export const SHRINK_VOTES = 4;

/** σ̂²: a pair's predicted outcome variance with m counted votes, shrunk toward ¼ by SHRINK_VOTES pseudo-votes. */
export function shrunkVariance(variance: number, outcomes: number): number {
	return (outcomes * variance + SHRINK_VOTES * 0.25) / (outcomes + SHRINK_VOTES);
}

/**
 * vₐ of every system pair into `out` (length #pairs): the outcome variance predicted from the two
 * systems' records against all other systems, leaving the pair's own votes out. `pairA`/`pairB` name
 * each pair's systems (outcomes are counted from pairA's side); `scoreScratch`/`countScratch` hold K.
 */
export function predictedVariances(
	pairA: ArrayLike<number>,
	pairB: ArrayLike<number>,
	outcomeN: ArrayLike<number>,
	outcomeSum: ArrayLike<number>,
	outcomeSumSq: ArrayLike<number>,
	out: Float64Array,
	scoreScratch: Float64Array,
	countScratch: Float64Array
): void {
	const S = scoreScratch;
	const N = countScratch;
	S.fill(0);
	N.fill(0);
	let all = 0;
	let halves = 0;
	for (let pair = 0; pair < out.length; pair++) {
		const m = outcomeN[pair];
		if (m === 0) continue;
		S[pairA[pair]] += outcomeSum[pair];
		S[pairB[pair]] += m - outcomeSum[pair];
		N[pairA[pair]] += m;
		N[pairB[pair]] += m;
		all += m;
		// x − x² is ¼ for a half (tie or both bad) and 0 for a win or a loss
		halves += 4 * (outcomeSum[pair] - outcomeSumSq[pair]);
	}
	for (let pair = 0; pair < out.length; pair++) {
		const m = outcomeN[pair];
		const sum = outcomeSum[pair];
		const a = pairA[pair];
		const b = pairB[pair];
		const ra = (S[a] - sum + 1) / (N[a] - m + 2);
		const rb = (S[b] - (m - sum) + 1) / (N[b] - m + 2);
		// p = 1/(1 + e^(βb − βa)) with βx = logit rx, without logarithms
		const oddsRatio = (rb / (1 - rb)) * ((1 - ra) / ra);
		const p = 1 / (1 + oddsRatio);
		const others = all - m;
		const t = others > 0 ? Math.min(1, Math.max(0, (halves - 4 * (sum - outcomeSumSq[pair])) / others)) : 0;
		out[pair] = Math.max(0, p * (1 - p) - t / 4);
	}
}

/** wₐ for a pair with `n` votes and open leases and shrunk variance `sigma2`. */
export function pairWeight(sigma2: number, n: number): number {
	const sigma = Math.sqrt(sigma2);
	if (n <= 0) return sigma;
	return sigma * (1 / Math.sqrt(n) - 1 / Math.sqrt(n + 1));
}

/** P(a) of every pair from the weights: (1−ε)·w/Σw + ε/#pairs (uniform when every weight is 0). */
export function pairProbabilities(weights: ArrayLike<number>, epsilon: number): Float64Array {
	const out = Float64Array.from(weights);
	mixProbabilities(out, weights.length, epsilon);
	return out;
}

/** In place: the first `count` weights become probabilities (the same formula as the strategy's pick). */
function mixProbabilities(values: Float64Array, count: number, epsilon: number): void {
	let total = 0;
	for (let i = 0; i < count; i++) total += values[i];
	const share = total > 0 ? (1 - epsilon) / total : 0;
	const even = total > 0 ? epsilon / count : 1 / count;
	for (let i = 0; i < count; i++) values[i] = share * values[i] + even;
}

/** ε from the campaign settings (`adaptiveEpsilon`), default 0.2; anything outside [0, 1] is refused. */
export function epsilonSetting(settings: Readonly<Record<string, unknown>>): number {
	const raw = settings.adaptiveEpsilon;
	if (raw === undefined || raw === null) return DEFAULT_EPSILON;
	if (typeof raw !== 'number' || !(raw >= 0 && raw <= 1))
		throw new Error(`adaptiveEpsilon must be a number from 0 to 1, not ${String(raw)}`);
	return raw;
}

export function adaptiveStrategy(settings: Readonly<Record<string, unknown>> = {}): SchedulingStrategy {
	const epsilon = epsilonSetting(settings);
	// reused between calls: a pick allocates nothing per pair; -1 marks a pair this evaluator cannot get
	let probability = new Float64Array(0);
	let variance = new Float64Array(0);
	let score = new Float64Array(0);
	let count = new Float64Array(0);
	return {
		name: 'adaptive',
		pick(context: PickContext): PairCandidate | null {
			const { supply, load, open, outcomeN, outcomeSum, outcomeSumSq } = context.pairs;
			const total = supply.length;
			const K = context.index.systemIds.length;
			if (probability.length !== total) {
				probability = new Float64Array(total);
				variance = new Float64Array(total);
			}
			if (score.length !== K) {
				score = new Float64Array(K);
				count = new Float64Array(K);
			}
			predictedVariances(context.index.pairA, context.index.pairB, outcomeN, outcomeSum, outcomeSumSq, variance, score, count);
			// one pass over typed arrays: weights of the comparable pairs; pairs whose every image pair may
			// be leased right now are marked doubtful (-2) and looked at below
			let active = 0;
			let sum = 0;
			for (let pair = 0; pair < total; pair++) {
				if (supply[pair] === 0) {
					probability[pair] = -1;
					continue;
				}
				active++;
				const w = pairWeight(shrunkVariance(variance[pair], outcomeN[pair]), load[pair]);
				sum += w;
				probability[pair] = open[pair] >= supply[pair] ? -2 - w : w;
			}
			if (active === 0) return null;
			// pairs this evaluator has seen part of may be exhausted for them: doubtful too
			for (const [pair, seen] of context.seenPerPair()) {
				const w = probability[pair];
				if (w >= 0 && seen + open[pair] >= supply[pair]) probability[pair] = -2 - w;
			}
			// P(a) = (1−ε)·w/Σw + ε/#pairs, then conditioned on the pairs this evaluator can get: the
			// doubtful ones are searched (rare: nearly exhausted or fully leased pairs) and dropped if empty
			const floor = epsilon / active;
			const share = sum > 0 ? (1 - epsilon) / sum : 0;
			const even = sum > 0 ? floor : 1 / active;
			let remaining = 0;
			for (let pair = 0; pair < total; pair++) {
				let w = probability[pair];
				if (w === -1) continue;
				if (w <= -2) {
					if (!context.findFewestShown(pair)) {
						probability[pair] = -1;
						continue;
					}
					w = -2 - w;
				}
				const p = share * w + even;
				probability[pair] = p;
				remaining += p;
			}
			if (!(remaining > 1e-12)) return null;
			// inverse-CDF draw over the pairs left; rounding can leave u just past the end
			let u = context.rng() * remaining;
			let chosen = -1;
			for (let pair = 0; pair < total; pair++) {
				const p = probability[pair];
				if (p < 0) continue;
				chosen = pair;
				u -= p;
				if (u < 0) break;
			}
			const candidate = context.findFewestShown(chosen);
			return candidate && { ...candidate, probability: probability[chosen] / remaining };
		}
	};
}
