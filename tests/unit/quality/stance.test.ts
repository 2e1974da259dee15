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
		['The left is sharper and the right has better colours', null],
		['Both left and right are blurry', null],
		['Neither is great but the left is slightly better', 'left'],
		['Nice colours and good composition', null],
		['', null],
		// contrast: a clause after but/however/yet with no side is about the previous clause's side,
		// and it outweighs the conceded clause; "although X, Y" concedes X, "X, though Y" concedes Y
		['Left matches the prompt; right is sharper but off-topic', 'left'],
		['Left matches the prompt. Right is sharper, but it is off-topic.', 'left'],
		['The right is sharper, however it ignores the prompt; the left follows the prompt', 'left'],
		['Right looks nicer yet misses the prompt', 'left'],
		['Although the right is sharper, it is off topic', 'left'],
		['Though the left is blurrier, it follows the prompt', 'left'],
		['The left is on-topic, though a bit blurry', 'left'],
		['The right one is sharper. However, it is off-prompt.', 'left'],
		['The left is sharper but the right has better colours', 'right'],
		// contrast that must still read as arguing for the right
		['Left is sharper but off-topic', 'right'],
		['Left matches the prompt; right is sharper and on-topic too', 'right'],
		['Although the left is sharper, the right follows the prompt', 'right'],
		['The left ignores the prompt; the right is on topic', 'right'],
		["Left doesn't follow the prompt, right does better", 'right'],
		['Right is a bit blurry but matches the prompt, left is off-topic', 'right'],
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

	it('reads the clause after "but" as about the same side, and conceded clauses at half weight', () => {
		const stance = rationaleStance('Left matches the prompt; right is sharper but off-topic');
		expect(stance).toEqual({
			side: 'left',
			left: 1,
			right: -0.5,
			evidence: [
				{ side: 'left', polarity: 1, weight: 1, clause: 'left matches the prompt' },
				{ side: 'right', polarity: 1, weight: 0.5, clause: 'right is sharper' },
				{ side: 'right', polarity: -1, weight: 1, clause: 'off-topic' }
			]
		});
	});

	it('reports the scores and the clauses that fired', () => {
		const stance = rationaleStance('The right one is blurry. The left is crisp!');
		expect(stance).toEqual({
			side: 'left',
			left: 1,
			right: -1,
			evidence: [
				{ side: 'right', polarity: -1, weight: 1, clause: 'the right one is blurry' },
				{ side: 'left', polarity: 1, weight: 1, clause: 'the left is crisp' }
			]
		});
	});

	it('splits clauses at sentence ends and contrast words', () => {
		expect(splitClauses('Left is sharp, detailed. But right is blurry; whereas colours…')).toEqual([
			'left is sharp, detailed',
			'right is blurry',
			'colours'
		]);
		expect(splitClauses('Although the left is sharp, it is off-topic, though tidy')).toEqual([
			'the left is sharp',
			'it is off-topic',
			'tidy'
		]);
	});
});
