// Public API of the ranking engine (pure TypeScript; Node's worker_threads only for the bootstrap pool).

export { RankingError, type RankingErrorCode, type NoFiniteMleDetails } from './errors.ts';
export {
	countsFromBattles,
	countsFromPairStats,
	countsFromCodes,
	systemTotals,
	outcomeCode,
	type PairCounts,
	type PairStatRow,
	type OrderedBattles,
	type SystemTotals,
	type Winner
} from './counts.ts';
export { fitBradleyTerry, winProbability, type FitOptions, type RatingFit, type TieMode } from './fit.ts';
export { onlineElo } from './elo.ts';
export {
	rankSystems,
	rankWithDetails,
	rankBoard,
	quantileSorted,
	FALLBACK_PRIOR,
	type Leaderboard,
	type LeaderboardEntry,
	type RankOptions,
	type RankDetails
} from './leaderboard.ts';
export {
	parseBattles,
	detectFormat,
	countsFromBattleTable,
	BattleFileError,
	type BattleFormat,
	type BattleTable,
	type InvalidRow
} from './battles-parse.ts';
export { rankSpread, separability, addRankSpread, type RankSpread, type SpreadLeaderboard } from './spread.ts';
export { adjacentRobustness, adjacentRobustnessYielding, SMALL_BOARD, type AdjacentRobustness } from './robustness.ts';
export { kendallTau } from './kendall.ts';
export {
	aggregateCovariates,
	fitControlled,
	rankControlled,
	type CovariateVotes,
	type CovariateCells,
	type ControlledBoard,
	type ControlledEntry,
	type Coefficient,
	type ControlOptions
} from './covariates.ts';
