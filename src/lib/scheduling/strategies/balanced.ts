// 'balanced': the system pair with the fewest comparisons (votes + open leases) first, ties broken
// at random, then any prompt of that pair this evaluator has not seen and nobody holds right now.
import { randomInt } from '../rng.ts';
import type { PairCandidate, PickContext, SchedulingStrategy } from '../types.ts';

export function balancedStrategy(): SchedulingStrategy {
	return {
		name: 'balanced',
		pick(context: PickContext): PairCandidate | null {
			const { rng, activePairCount } = context;
			for (let rank = 0; rank < activePairCount;) {
				const end = context.levelEnd(rank);
				// Lazy Fisher–Yates over the tie group: usually the first pair drawn has a free prompt,
				// so only the positions actually visited are remembered.
				const moved = new Map<number, number>();
				const size = end - rank;
				for (let i = 0; i < size; i++) {
					const j = i + randomInt(rng, size - i);
					const drawn = moved.get(j) ?? j;
					moved.set(j, moved.get(i) ?? i);
					const candidate = context.findInSystemPair(context.pairAtRank(rank + drawn));
					if (candidate) return candidate;
				}
				rank = end;
			}
			return null;
		}
	};
}
