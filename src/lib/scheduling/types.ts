// The contract between the pair scheduler and its pluggable strategies.
import type { ImageIndex } from './image-index.ts';
import type { Rng } from './rng.ts';

/** Mirrors `assignment.kind`. Only 'normal' assignments count toward balance and block other evaluators. */
export type PairKind = 'normal' | 'gold' | 'repeat';

/** What a strategy proposes: two image indices of the campaign's ImageIndex. */
export interface PairCandidate {
	a: number;
	b: number;
	/** Default 'normal'. */
	kind?: PairKind;
	/** Show `a` on the left instead of randomizing sides (for hidden repeats that swap earlier sides). */
	keepSides?: boolean;
	/** Probability with which the strategy drew this system pair, stored with the assignment (adaptive). */
	probability?: number;
}

/**
 * Read-only view of the scheduler for one `issue` call: one evaluator, one moment.
 * Strategies choose; the scheduler checks quotas, randomizes sides and records the lease.
 */
export interface PickContext {
	readonly index: ImageIndex;
	readonly rng: Rng;
	readonly userId: string;
	readonly now: number;
	/** System pairs that have at least one comparable image pair. */
	readonly activePairCount: number;
	/** The active system pair at `rank` in ascending load order (rank 0 has the fewest comparisons). */
	pairAtRank(rank: number): number;
	/** First rank whose load is greater than the load at `rank` (the end of that tie group). */
	levelEnd(rank: number): number;
	/** Counted comparisons plus open normal leases of a system pair. */
	load(pair: number): number;
	/** Open normal leases of a system pair (part of its load). */
	open(pair: number): number;
	/** Counted votes of the pair whose outcome is known (history from pair_stat and recorded choices). */
	outcomeCount(pair: number): number;
	/** Population variance of those outcomes (win 1, loss 0, tie or both bad ½); 0 without any. */
	outcomeVariance(pair: number): number;
	/**
	 * An eligible image pair of the system pair on the prompt with the fewest normal showings of that
	 * pair (answered or leased), or null.
	 */
	findFewestShown(pair: number): PairCandidate | null;
	/**
	 * A cheap sure answer: true when the system pair certainly has an image pair this evaluator has
	 * not seen and nobody holds (supply > seen by them + leased); false means "maybe not" (look).
	 */
	surelyFree(pair: number): boolean;
	/** Never shown to this evaluator (either side order) and not leased to anyone right now. */
	isEligible(a: number, b: number): boolean;
	/** Whether this evaluator has been shown the image pair (either side order). */
	hasSeen(a: number, b: number): boolean;
	/** An eligible image pair of the system pair, or null: random prompts first, then a full scan. */
	findInSystemPair(pair: number): PairCandidate | null;
}

/**
 * A way of choosing the next pair. Named, registered in the strategy registry, and selected by the
 * campaign's `strategy` column.
 *
 * Gold pairs and hidden repeats (a later issue) belong in a wrapper strategy that holds its inner
 * strategy and, at its rates (defaults 5% gold, 3% repeats), returns `{ kind: 'gold' }` or
 * `{ kind: 'repeat', keepSides: true }` candidates instead of calling the inner one. The scheduler
 * already leases such candidates without counting them toward balance or blocking other evaluators.
 */
export interface SchedulingStrategy {
	readonly name: string;
	pick(context: PickContext): PairCandidate | null;
}

/** Builds a strategy from the campaign's `settings` json (rates, gold pairs, …). */
export type StrategyFactory = (settings: Readonly<Record<string, unknown>>) => SchedulingStrategy;
