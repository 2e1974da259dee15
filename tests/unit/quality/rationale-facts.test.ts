// The facts stored with each vote (vote.rationale_facts) say what the quality report reads of its text:
// read back, they are what reading the text gives; other versions' and malformed ones are not trusted.
import { describe, expect, it } from 'vitest';
import { factsOf, RATIONALE_FACTS_VERSION, rationaleFacts, readRationaleFacts } from '../../../src/lib/quality/rationale-facts.ts';
import { codePoints, hasLetterOrDigit } from '../../../src/lib/quality/evaluators.ts';
import { rationaleSide } from '../../../src/lib/quality/stance.ts';

const TEXTS = [
	'',
	'   ',
	'...!!',
	'The left image is sharper and follows the prompt.',
	'Right one: the hands are correct, the left has six fingers.',
	'  Both are fine, no preference.  ',
	'Das rechte Bild ist schärfer 👍🏽 — mehr Details.',
	'x'.repeat(5000)
];

describe('rationale facts', () => {
	it('read back as reading the text gives them, under 2^31', () => {
		for (const text of TEXTS) {
			const stored = rationaleFacts(text);
			expect(stored).toBeLessThan(2 ** 31);
			const side = rationaleSide(text);
			expect(readRationaleFacts(stored)).toEqual({
				side: side === null ? 0 : side === 'left' ? 1 : 2,
				length: codePoints(text.trim()),
				hasText: hasLetterOrDigit(text.trim())
			});
			expect(readRationaleFacts(stored)).toEqual(factsOf(text));
		}
	});

	it('pins what this version reads (a change of the reading needs a new RATIONALE_FACTS_VERSION)', () => {
		// when this fails because rationaleSide, codePoints or hasLetterOrDigit changed, raise the version:
		// stored facts of the old one are then read from the text again
		expect(RATIONALE_FACTS_VERSION).toBe(1);
		expect(TEXTS.map((t) => factsOf(t))).toEqual([
			{ side: 0, length: 0, hasText: false },
			{ side: 0, length: 0, hasText: false },
			{ side: 0, length: 5, hasText: false },
			{ side: 1, length: 49, hasText: true },
			{ side: 2, length: 59, hasText: true },
			{ side: 0, length: 29, hasText: true },
			{ side: 0, length: 47, hasText: true },
			{ side: 0, length: 5000, hasText: true }
		]);
	});

	it('are not trusted when missing, of another version or malformed', () => {
		const stored = rationaleFacts('The left one.');
		expect(readRationaleFacts(null)).toBeNull();
		expect(readRationaleFacts(undefined)).toBeNull();
		expect(readRationaleFacts(-1)).toBeNull();
		expect(readRationaleFacts(1.5)).toBeNull();
		expect(readRationaleFacts(stored + 2 ** 24)).toBeNull(); // the next version
		expect(readRationaleFacts(stored - 2 ** 24)).toBeNull(); // version 0
		expect(readRationaleFacts(RATIONALE_FACTS_VERSION * 2 ** 24 + 3)).toBeNull(); // side 3 is no side
	});
});
