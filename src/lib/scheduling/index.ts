// Which pair to show next: pure scheduling over a campaign's images, history and open leases.
export { createRng, randomInt, type Rng } from './rng.ts';
export { ImageIndex, imagePairKey, type CampaignImage } from './image-index.ts';
export type { AssignmentKind, PairCandidate, PickContext, SchedulingStrategy, StrategyFactory } from './types.ts';
export {
	DEFAULT_STRATEGY,
	UnknownStrategyError,
	createStrategy,
	hasStrategy,
	registerStrategy,
	strategyNames
} from './registry.ts';
export {
	DEFAULT_LEASE_MS,
	PairScheduler,
	type Assignment,
	type AssignmentRecord,
	type ComparisonCount,
	type IssueOptions,
	type LeaseId,
	type SchedulerInit,
	type SystemPairCount,
	type UserId,
	type VoteRecord
} from './scheduler.ts';
