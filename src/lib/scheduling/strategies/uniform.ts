// 'uniform': every eligible image pair of the campaign equally likely, regardless of balance.
import { randomInt } from '../rng.ts';
import type { PairCandidate, PickContext, SchedulingStrategy } from '../types.ts';

const SAMPLE_TRIES = 64;
const CROSS_PICK_TRIES = 64;

export function uniformStrategy(): SchedulingStrategy {
	return {
		name: 'uniform',
		pick(context: PickContext): PairCandidate | null {
			const { index, rng } = context;
			const total = index.totalCrossPairs;
			if (total === 0) return null;
			// Rejection sampling: a prompt weighted by its number of cross-system pairs, then a random
			// cross-system pair inside it, is uniform over all comparable pairs; ineligible draws are retried.
			for (let t = 0; t < SAMPLE_TRIES; t++) {
				const p = index.promptAtCrossRank(rng() * total);
				const start = index.promptStart[p];
				const size = index.promptStart[p + 1] - start;
				for (let u = 0; u < CROSS_PICK_TRIES; u++) {
					const x = start + randomInt(rng, size);
					const y = start + randomInt(rng, size);
					if (index.sortedSystems[x] === index.sortedSystems[y]) continue;
					const a = index.sortedImages[x];
					const b = index.sortedImages[y];
					if (context.isEligible(a, b)) return { a, b };
					break;
				}
			}
			return scanUniformly(context);
		}
	};
}

/** Reservoir sampling over every eligible pair: exact, O(all pairs); reached only when few are left. */
function scanUniformly(context: PickContext): PairCandidate | null {
	const { index, rng } = context;
	let chosen: PairCandidate | null = null;
	let eligible = 0;
	for (let p = 0; p < index.promptCount; p++) {
		const end = index.promptStart[p + 1];
		for (let x = index.promptStart[p]; x < end; x++) {
			for (let y = index.runEnd[x]; y < end; y++) {
				const a = index.sortedImages[x];
				const b = index.sortedImages[y];
				if (!context.isEligible(a, b)) continue;
				eligible++;
				if (randomInt(rng, eligible) === 0) chosen = { a, b };
			}
		}
	}
	return chosen;
}
