// Gold pairs and hidden repeats mixed into an evaluator's stream: at the campaign's
// rates, the next pair is a gold pair the evaluator has not seen, or one of their earlier pairs again
// with the sides swapped. Both look like any other pair. Pure: candidates and randomness come in.
import type { Rng } from './rng.ts';

export interface GoldCandidate {
	goldId: string;
	leftImageId: string;
	rightImageId: string;
}

export interface RepeatCandidate {
	/** the earlier assignment being repeated */
	assignmentId: string;
	/** its sides as shown then */
	leftImageId: string;
	rightImageId: string;
}

export interface SpecialPair {
	kind: 'gold' | 'repeat';
	leftImageId: string;
	rightImageId: string;
	sourceId: string;
}

export interface SpecialOptions {
	goldRate: number;
	repeatRate: number;
	rng: Rng;
	/** gold pairs this evaluator has not been given yet */
	gold: readonly GoldCandidate[];
	/** earlier answered normal pairs of this evaluator, not repeated yet, oldest first */
	repeats: readonly RepeatCandidate[];
	/** repeats come back only after this many later pairs (default 5), so they are not recognised */
	minGap?: number;
}

/** One draw: a gold pair, a repeat, or null for a normal pair from the strategy. */
export function chooseSpecialPair(options: SpecialOptions): SpecialPair | null {
	const { goldRate, repeatRate, rng, gold, repeats } = options;
	const draw = rng();
	if (draw < goldRate && gold.length > 0) {
		const g = gold[Math.floor(rng() * gold.length)];
		// sides at random, like every pair; the vote records which image was where
		const swap = rng() < 0.5;
		return {
			kind: 'gold',
			leftImageId: swap ? g.rightImageId : g.leftImageId,
			rightImageId: swap ? g.leftImageId : g.rightImageId,
			sourceId: g.goldId
		};
	}
	const eligible = repeats.slice(0, Math.max(0, repeats.length - (options.minGap ?? 5)));
	if (draw >= goldRate && draw < goldRate + repeatRate && eligible.length > 0) {
		const r = eligible[Math.floor(rng() * eligible.length)];
		return { kind: 'repeat', leftImageId: r.rightImageId, rightImageId: r.leftImageId, sourceId: r.assignmentId };
	}
	return null;
}
