// The one error type of the ranking engine: input for which no honest numbers exist.

export type RankingErrorCode =
	/** no votes (or, with ties excluded, no decisive votes) */
	| 'empty'
	/** fewer than two systems: there is nothing to rank */
	| 'single_system'
	/** the maximum-likelihood ratings are infinite or not unique (see `details`) */
	| 'not_strongly_connected'
	/** counts or battles that cannot be votes (negative, fractional, a system against itself, …) */
	| 'invalid_input';

export interface NoFiniteMleDetails {
	/** groups of systems never compared with one another (only when there is more than one) */
	groups: string[][];
	/** groups that no outside system ever scored against (a single system here "never loses") */
	neverLose: string[][];
	/** groups that never scored against any outside system (a single system here "never wins") */
	neverWin: string[][];
	/** systems with no vote that enters the fit at all (e.g. only ties, with ties excluded) */
	isolated: string[];
}

export class RankingError extends Error {
	readonly code: RankingErrorCode;
	/** the systems the message is about */
	readonly systems: string[];
	readonly details: NoFiniteMleDetails | null;

	constructor(code: RankingErrorCode, message: string, systems: string[] = [], details: NoFiniteMleDetails | null = null) {
		super(message);
		this.name = 'RankingError';
		this.code = code;
		this.systems = systems;
		this.details = details;
	}
}
