// Which pair to show next: pure scheduling over a campaign's images, history and open leases.
//
// How a server uses it (one PairScheduler per campaign, kept in memory by the one server process):
// - startup / after an image import: `new PairScheduler({ images, comparisons, assignments, now,
//   strategy: campaign.strategy, strategySettings: campaign.settings })` from the `image` rows, the
//   overall `pair_stat` totals and every `assignment` row of the campaign;
// - next: `issue(userId, { now, id, quota, done })` synchronously, before awaiting the insert of the
//   assignment row, so two requests can never take the same pair; `release(id, { forget: true })`
//   if that insert fails;
// - after a vote commits: `recordVote(...)`; on skip: `release(id)`; on review or undo:
//   `adjustComparisons(...)`. Expiry needs no call: `issue` drops expired leases itself.
export { createRng, randomInt, type Rng } from './rng.ts';
export { ImageIndex, imagePairKey, type CampaignImage } from './image-index.ts';
export type { PairArrays, PairKind, PairCandidate, PickContext, SchedulingStrategy, StrategyFactory } from './types.ts';
export { DEFAULT_STRATEGY, UnknownStrategyError, createStrategy, hasStrategy, registerStrategy, strategyNames } from './registry.ts';
export {
	DEFAULT_LEASE_MS,
	PairScheduler,
	type Lease,
	type LeaseRecord,
	type ComparisonCount,
	type IssueOptions,
	type LeaseId,
	type SchedulerInit,
	type SystemPairCount,
	type UserId,
	type VoteChoice,
	type VoteRecord
} from './scheduler.ts';
export {
	DEFAULT_EPSILON,
	SHRINK_VOTES,
	epsilonSetting,
	pairProbabilities,
	pairWeight,
	predictedVariances,
	shrunkVariance
} from './strategies/adaptive.ts';
export { chooseSpecialPair, type GoldCandidate, type RepeatCandidate, type SpecialPair, type SpecialOptions } from './special-pairs.ts';
