// What the quality statistics read: votes as the server stores them (the vote table), flattened to plain values.

export type Choice = 'left' | 'right' | 'tie' | 'both_bad';
export type VoteKind = 'normal' | 'gold' | 'repeat';
export type VoteStatus = 'counted' | 'rejected';

export interface VoteRecord {
	id: string;
	userId: string;
	leftImageId: string;
	rightImageId: string;
	leftSystemId: string;
	rightSystemId: string;
	choice: Choice;
	rationale: string;
	/** Time the evaluator actually spent on the pair; null when the client did not report it. */
	activeMs: number | null;
	/** Milliseconds since the epoch (any monotone clock works: only the order matters). */
	submittedAt: number;
	kind: VoteKind;
	status: VoteStatus;
	assignmentId: string;
}

/** A lead's expected answer for a gold pair, in the orientation the pair was defined with. */
export interface GoldExpectation {
	leftImageId: string;
	rightImageId: string;
	expected: Choice;
}

/** P(system A beats system B), e.g. from the Bradley–Terry fit of the campaign. */
export type WinProbability = (systemA: string, systemB: string) => number;

/**
 * A vote's outcome seen from a canonical image order (the lexicographically smaller image id first),
 * so that the same judgment shown with sides swapped gets the same value.
 */
export type CanonicalOutcome = 'first' | 'second' | 'tie' | 'both_bad';

/** A reason for a flag or a risk score: a stable code for programs and a sentence for people. */
export interface Reason<Code extends string = string> {
	code: Code;
	message: string;
	/** The other vote a reason cites (a repeated rationale), so that a page can link to it. */
	voteId?: string;
}
