import { describe, expect, it } from 'vitest';
import { rationaleStance, splitClauses } from '../../../src/lib/quality/index.ts';

describe('rationaleStance', () => {
	const cases: [string, 'left' | 'right' | null][] = [
		// praise of a side
		['The left image is sharper', 'left'],
		['the right one is better', 'right'],
		['I prefer the left', 'left'],
		['prefer right', 'right'],
		["I'd pick the right one.", 'right'],
		['I like the left more', 'left'],
		['The better image is the left one', 'left'],
		['better on the right', 'right'],
		['The first image is better', 'left'],
		['the second picture looks more realistic', 'right'],
		// criticism of a side names the other
		['left is worse', 'right'],
		['The right one is blurry', 'left'],
		['The right image has artifacts on the hands', 'left'],
		// negations flip
		["The left one isn't as good", 'right'],
		['The right one is not as sharp as the left', 'left'],
		['the left is not worse', 'left'],
		['less blurry on the right', 'right'],
		['The left image is cleaner, with fewer artifacts than the right one.', 'left'],
		['no artifacts on the left', 'left'],
		// comparisons
		['left is better than right', 'left'],
		['right is worse than left', 'left'],
		['sharper than the right one', 'left'],
		['I prefer the left over the right', 'left'],
		['Left: sharp. Right: blurry', 'left'],
		['The right one is blurry while the left is crisp', 'left'],
		// both ways equally, or about neither side
		['The left is sharper but the right has better colours', null],
		['Both left and right are blurry', null],
		['Neither is great but the left is slightly better', 'left'],
		['Nice colours and good composition', null],
		['', null],
		// "left"/"right" that are not sides
		['the upper left corner has artifacts', null],
		['right hand is distorted', null],
		['the left side of the face is distorted', null],
		['the colours look right', null],
		['it looks like a painting', null],
		['nothing left to say, the prompt is right there', null]
	];
	for (const [text, side] of cases) {
		it(`${JSON.stringify(text)} → ${side}`, () => {
			expect(rationaleStance(text).side).toBe(side);
		});
	}

	it('reports the scores and the clauses that fired', () => {
		const stance = rationaleStance('The right one is blurry. The left is crisp!');
		expect(stance).toEqual({
			side: 'left',
			left: 1,
			right: -1,
			evidence: [
				{ side: 'right', polarity: -1, clause: 'the right one is blurry' },
				{ side: 'left', polarity: 1, clause: 'the left is crisp' }
			]
		});
	});

	it('splits clauses at sentence ends and contrast words', () => {
		expect(splitClauses('Left is sharp, detailed. But right is blurry; whereas colours…')).toEqual(['left is sharp, detailed', 'right is blurry', 'colours']);
	});
});
