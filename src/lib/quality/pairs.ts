// Orientation: which unordered image pair a vote judged, and its choice seen from a canonical image order.

import type { CanonicalOutcome, Choice } from './types.ts';

/** Key of the unordered image pair; the same whichever image was shown on the left. */
export function pairKey(imageA: string, imageB: string): string {
	return imageA < imageB ? `${imageA}\u0000${imageB}` : `${imageB}\u0000${imageA}`;
}

/** True when the left image is the canonical first image (the smaller id). */
export function leftIsFirst(leftImageId: string, rightImageId: string): boolean {
	return leftImageId <= rightImageId;
}

/** The choice as 'first'/'second' image wins (canonical order), 'tie' or 'both_bad'. */
export function canonicalOutcome(leftImageId: string, rightImageId: string, choice: Choice): CanonicalOutcome {
	if (choice === 'tie' || choice === 'both_bad') return choice;
	const first = leftIsFirst(leftImageId, rightImageId);
	return (choice === 'left') === first ? 'first' : 'second';
}

/** The side a canonical outcome lands on for a given orientation (inverse of canonicalOutcome). */
export function choiceFor(leftImageId: string, rightImageId: string, outcome: CanonicalOutcome): Choice {
	if (outcome === 'tie' || outcome === 'both_bad') return outcome;
	const first = leftIsFirst(leftImageId, rightImageId);
	return (outcome === 'first') === first ? 'left' : 'right';
}

export function isDecisive(choice: Choice): choice is 'left' | 'right' {
	return choice === 'left' || choice === 'right';
}
