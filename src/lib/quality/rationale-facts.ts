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
	return RATIONALE_FACTS_VERSION * 2 ** 24 + Math.min(f.length, MAX_LENGTH) * 8 + (f.hasText ? 4 : 0) + f.side;
}

/** Stored facts, or null when there are none or they are of another version (read the text instead). */
export function readRationaleFacts(stored: number | null | undefined): RationaleFacts | null {
	if (typeof stored !== 'number' || !Number.isInteger(stored) || stored < 0) return null;
	if (Math.floor(stored / 2 ** 24) !== RATIONALE_FACTS_VERSION) return null;
	const side = stored & 3;
	if (side === 3) return null;
	return { side: side as 0 | 1 | 2, length: (stored >>> 3) & MAX_LENGTH, hasText: (stored & 4) !== 0 };
}
