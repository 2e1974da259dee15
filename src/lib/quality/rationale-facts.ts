// What the quality report needs of a rationale's text, as one integer stored with the vote when it is
// written (vote.rationale_facts): the side the text argues for (stance.ts rationaleSide), the trimmed
// text's length in code points, and whether it has a letter or digit (evaluators.ts). At 200,000 votes
// reading every text and finding its side was a third of a report; with the facts stored, a large
// campaign's report reads only the few texts it quotes (contradictions) and its near-duplicate check
// reads the texts on its own thread.
//
// The integer carries RATIONALE_FACTS_VERSION: when any of the three readings changes, the version goes
// up and stored facts of another version are read from the text again (readRationaleFacts → null), so a
// change can never leave old answers in place.
import { codePoints, hasLetterOrDigit } from './evaluators.ts';
import { rationaleSide } from './stance.ts';

/** Raise when rationaleSide, codePoints or hasLetterOrDigit read a text differently. At most 63. */
export const RATIONALE_FACTS_VERSION = 1;

/** Lengths above this are stored as this (a rationale is limited far below it). */
const MAX_LENGTH = 2 ** 21 - 1;
/** stored = version × VERSION_UNIT + length × 8 + (says anything ? 4 : 0) + side (0 none, 1 left, 2 right) */
export const VERSION_UNIT = 2 ** 24;

export interface RationaleFacts {
	/** 0: argues for no side, 1: the left image, 2: the right image */
	side: 0 | 1 | 2;
	/** the trimmed text's length in code points */
	length: number;
	/** the trimmed text has a letter or a digit (a rationale that says something) */
	hasText: boolean;
}

/** The text's facts, read now. */
export function factsOf(text: string): RationaleFacts {
	const side = rationaleSide(text);
	const trimmed = text.trim();
	return { side: side === null ? 0 : side === 'left' ? 1 : 2, length: codePoints(trimmed), hasText: hasLetterOrDigit(trimmed) };
}

/** The text's facts as the integer stored with its vote (below 2^31: a 32-bit column holds it). */
export function rationaleFacts(text: string): number {
	const f = factsOf(text);
	return RATIONALE_FACTS_VERSION * VERSION_UNIT + Math.min(f.length, MAX_LENGTH) * 8 + (f.hasText ? 4 : 0) + f.side;
}

/**
 * Whether stored facts can be trusted: of this version and well formed (else read the text). The
 * accessors below read trusted facts only; columns.ts calls them per vote, without an object.
 */
export function trustedFacts(stored: number | null | undefined): stored is number {
	return (
		typeof stored === 'number' &&
		Number.isInteger(stored) &&
		stored >= 0 &&
		Math.floor(stored / VERSION_UNIT) === RATIONALE_FACTS_VERSION &&
		(stored & 3) !== 3
	);
}
export const factsSide = (stored: number): 0 | 1 | 2 => (stored & 3) as 0 | 1 | 2;
export const factsLength = (stored: number): number => (stored >>> 3) & MAX_LENGTH;
export const factsHasText = (stored: number): boolean => (stored & 4) !== 0;

/** Stored facts, or null when there are none or they are of another version (read the text instead). */
export function readRationaleFacts(stored: number | null | undefined): RationaleFacts | null {
	if (!trustedFacts(stored)) return null;
	return { side: factsSide(stored), length: factsLength(stored), hasText: factsHasText(stored) };
}
