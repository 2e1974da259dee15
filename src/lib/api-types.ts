// The JSON API's shapes, shared by the server code that writes them and the browser code that
// reads them (the voting page, the results page). Types only, and no server imports: the browser
// bundle imports this file.
import type { AdjacentRobustness } from './ranking/robustness.ts';
import type { ControlledBoard } from './ranking/covariates.ts';
import type { SpreadLeaderboard } from './ranking/spread.ts';
import type { MarkInput } from './marks.ts';

export type { MarkInput, Mark, Missing, ReasonTag, Side } from './marks.ts';

/** Every error answer: `field` names the bad input when there is one. */
export interface ApiError {
	error: { code: string; message: string; field?: string };
}

/** What an evaluator may know of an image before voting: an opaque URL and what they can see anyway. */
export interface ApiImage {
	/** per assignment and side (`/i/a/<assignment>/<left|right>`): never reused across pairs */
	image_url: string;
	width: number;
	height: number;
}

/** A pair to judge: ids and what the evaluator sees, nothing that names a system. */
export interface ApiAssignment {
	id: string;
	prompt: string;
	left: ApiImage;
	right: ApiImage;
	/** ISO time */
	expires_at: string;
}

/** `GET …/next` (200; 204 when nothing is left) and `POST …/votes/{id}/undo` (the pair to judge again). */
export interface AssignmentResponse {
	assignment: ApiAssignment;
}

export type ApiChoice = 'left' | 'right' | 'tie' | 'both_bad';

/** `POST …/votes`: `vote_id` is the caller's, so that a retry stores the vote once. */
export interface VoteRequest {
	vote_id: string;
	assignment_id: string;
	choice: ApiChoice | string;
	rationale: string;
	flags?: { left: string[]; right: string[] };
	/** criterion key → choice */
	criteria?: Record<string, string>;
	/** region marks on either image, image-relative 0–1 (x, y top-left; w = h = 0 or absent: a point); at most 50 per image */
	marks?: MarkInput[];
	/** per image, the prompt elements it misses (each one of promptElements(prompt, campaign phrases)) */
	missing?: { left?: string[]; right?: string[] };
	/** keys of the campaign's reason tags */
	tags?: string[];
	active_ms?: number;
	/** the guidelines version the page showed; the vote records it (absent: the current one) */
	guidelines_version?: number;
}

/**
 * With every answer to a `POST …/votes` that sent `guidelines_version` (201, 200 and refusals): the
 * campaign's rules as they are now, so that an open page learns of a lead's change; `guidelines`
 * only when that version is not the current one (the text to read).
 */
export interface VoteRules {
	rules: { guidelines_version: number; rationale_min: number };
	guidelines?: { version: number; html: string };
}

/** After a missed gold pair, when the campaign explains them. */
export interface GoldFeedback {
	expected: string;
	explanation: string;
}

/** 201: the vote is stored (committed). */
export interface VoteCreated extends Partial<VoteRules> {
	vote_id: string;
	feedback?: GoldFeedback;
}

/** 200: this vote_id came before; the vote as it was stored then. */
export interface VoteReplayed extends Partial<VoteRules> {
	vote_id: string;
	vote: { assignment_id: string; choice: string; rationale: string; flags: unknown; submitted_at: string };
}

export type VoteResponse = VoteCreated | VoteReplayed;

/** A refused vote: the error and, as with a stored one, the rules now. */
export type VoteRefusal = ApiError & Partial<VoteRules>;

/** `POST …/assignments/{id}/skip` (204). */
export interface SkipRequest {
	reason: string;
}

/** `GET …/leaderboard`: the ranking and how it was made. */
export type ApiLeaderboard = SpreadLeaderboard & {
	criterion: string;
	filtered: boolean;
	computed_at: string;
	/** each adjacent pair (best first): fewest votes whose reversal or removal would swap them */
	robustness: AdjacentRobustness[];
	/** with ?control=…: ratings with the covariates held equal, Δrank against the raw fit, coefficients */
	controlled?: ControlledBoard;
};
