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
	/**
	 * Per system pair, read-only (index = pair; pairs with supply 0 are not comparable): what a strategy
	 * that weighs every pair on every pick reads in one tight loop instead of a call per pair.
	 */
	readonly pairs: PairArrays;
	/** This evaluator's shown image pairs per system pair (only pairs they have seen any of). */
	seenPerPair(): ReadonlyMap<number, number>;
	/**
	 * An eligible image pair of the system pair on the prompt with the fewest normal showings of that
	 * pair (answered or leased), or null.
	 */
	findFewestShown(pair: number): PairCandidate | null;
	/** Never shown to this evaluator (either side order) and not leased to anyone right now. */
	isEligible(a: number, b: number): boolean;
	/** Whether this evaluator has been shown the image pair (either side order). */
	hasSeen(a: number, b: number): boolean;
	/** An eligible image pair of the system pair, or null: random prompts first, then a full scan. */
	findInSystemPair(pair: number): PairCandidate | null;
}

/** Live per-pair state of the scheduler; strategies must not write to it. */
export interface PairArrays {
	/** comparable image pairs of the system pair */
	readonly supply: Float64Array;
	/** counted comparisons plus open normal leases */
	readonly load: Int32Array;
	/** open normal leases (part of load) */
	readonly open: Int32Array;
	/** counted outcomes from the pair's first system's side (win 1, loss 0, tie or both bad ½): n, Σx, Σx² */
	readonly outcomeN: Float64Array;
	readonly outcomeSum: Float64Array;
	readonly outcomeSumSq: Float64Array;
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
