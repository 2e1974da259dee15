// Public API of the evaluator-quality statistics: pure functions, votes in, numbers and reasons out.

import { campaignAlpha, type AlphaResult } from './alpha.ts';
import { analyzeVotes, type QualityOptions } from './analysis.ts';
import { evaluatorQualityFrom, type EvaluatorQuality } from './evaluators.ts';
import { voteRisksFrom, type VoteRisk } from './risk.ts';
import type { QualityThresholds } from './thresholds.ts';
import type { VoteRecord } from './types.ts';

export type { Choice, VoteKind, VoteStatus, VoteRecord, GoldExpectation, WinProbability, CanonicalOutcome, Reason } from './types.ts';
export { pairKey, canonicalOutcome, choiceFor, isDecisive } from './pairs.ts';
export { binomialTwoSidedP, formatP } from './binomial.ts';
export { krippendorffAlphaNominal, campaignAlpha, representativeVotes, type AlphaResult } from './alpha.ts';
export {
	findNearDuplicates,
	normalizeRationale,
	shingles,
	jaccard,
	rationaleSimilarity,
	type NearDuplicateItem,
	type NearDuplicateMatch,
	type NearDuplicateOptions
} from './near-duplicates.ts';
export { rationaleStance, splitClauses, type RationaleStance, type StanceEvidence, type Side } from './stance.ts';
export {
	DEFAULT_QUALITY_THRESHOLDS,
	resolveThresholds,
	type QualityThresholds,
	type QualityThresholdOverrides,
	type RiskWeights
} from './thresholds.ts';
export { analyzeVotes, type Analysis, type QualityOptions, type VoteFacts, type OthersView } from './analysis.ts';
export {
	evaluatorQuality,
	evaluatorQualityFrom,
	flagEvaluator,
	median,
	type EvaluatorMetrics,
	type EvaluatorFlags,
	type EvaluatorQuality,
	type FlagCode
} from './evaluators.ts';
export { riskOrder, voteRisks, voteRisksFrom, type VoteRisk, type RiskReason, type RiskCode } from './risk.ts';

export interface QualityReport {
	evaluators: EvaluatorQuality[];
	/** highest risk first */
	votes: VoteRisk[];
	agreement: AlphaResult;
	thresholds: QualityThresholds;
}

/** Everything the evaluator dashboard and the audit queue need, from one pass over the campaign's votes. */
export function assessQuality(votes: readonly VoteRecord[], options: QualityOptions = {}): QualityReport {
	const analysis = analyzeVotes(votes, options);
	return {
		evaluators: evaluatorQualityFrom(analysis),
		votes: voteRisksFrom(analysis),
		agreement: campaignAlpha(votes),
		thresholds: analysis.thresholds
	};
}
export {
	assessQualityColumns,
	columnarToReport,
	columnsFromRecords,
	duplicateColumns,
	VoteColumnsBuilder,
	CHOICES,
	KINDS,
	STATUSES,
	type ColumnarQuality,
	type DuplicateColumns,
	type VoteColumns
} from './columns.ts';
