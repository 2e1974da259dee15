import { describe, expect, it } from 'vitest';
import { rationaleStance, splitClauses } from '../../../src/lib/quality/index.ts';
import { rationaleSide, rationaleStanceReference } from '../../../src/lib/quality/stance.ts';
import { mulberry32 } from './simulate.ts';

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

// ASCII text is read by hand over character codes (the hot path of a cold quality report); the regular
// expressions are the reference. Both must give the same stance, evidence and clauses to the letter.
describe('the hand-written reading of ASCII text equals the regular-expression reference', () => {
	const check = (text: string) => {
		const expected = rationaleStanceReference(text);
		expect(rationaleStance(text), JSON.stringify(text)).toEqual(expected);
		expect(rationaleSide(text), JSON.stringify(text)).toBe(expected.side);
	};

	it.each([
		// contractions and possessives (rewritten before the split)
		"The left one isn't as sharp",
		"left won't load, right can't either",
		"the right's colours are nicer; it's the left's hands that fail",
		"Left doesn't follow the prompt, right does better",
		"don't pick the right one",
		"the left one wasn't bad'",
		"'s left's",
		// prompt phrases
		'Right follows the prompt, left is off-topic',
		'the left matches the description, the right ignores the brief',
		'left fits the text; right misses the request',
		'the right adheres to the prompt while the left sticks to its text',
		'left is off the topic, the right is on topic',
		'right is off - prompt but on-topic elsewhere',
		'left captures the prompt better than the right',
		'the prompt text: left; off prompt: right',
		'matches the prompts? left. textual right',
		// contrast words as whole words only
		'left is sharper butter on the right',
		'the left is better but_the right yet2 whereas',
		'LEFT IS SHARPER BUT THE RIGHT FOLLOWS THE PROMPT',
		'However, the right one is crisp',
		'although the left is sharp, it is off-topic, though tidy',
		'and even though the right is blurry , the left is worse',
		', although left is better',
		'the left though',
		'while',
		'but but but left',
		// punctuation and white space
		'left:sharp,right:blurry...but_left yet2 the right is on-topic',
		'\tthe LEFT image is cleaner\r\nthe right image has artefacts\u000b\f',
		'...;;!!??',
		'  ,,  ',
		'- left - is - better -',
		'left,,,right,,,better',
		'the right_one is better',
		'left1 is better than right2',
		'the left 4k image is sharper',
		'',
		' ',
		'the first image is better. The SECOND picture is worse!',
		'prefer right ' + 'very '.repeat(40) + 'long clause that goes on and on and is longer than one hundred and twenty characters for sure'
	])('%j', check);

	it("on random texts from the rules' own words and punctuation", () => {
		const words = (
			'left right first second one image picture photo side the a is are not no never without less fewer ' +
			"isn't doesn't won't can't it's left's right's i we like looks look seems feels than over both neither either " +
			'better sharper blurry worse artifacts clean prefer pick nice bad upper lower corner hand of now nothing ' +
			'but however yet while whereas although though and even butter yet2 but_ prompt text description brief request ' +
			'matches follows fits ignores misses off on topic off-topic on-topic adheres to sticks captures its 123 ok'
		).split(' ');
		const seps = [' ', ' ', ' ', ' ', ', ', '. ', '; ', '! ', '? ', ': ', ' - ', '\n', '\r\n', ',', '...', '\t', ' , ', "'", '_', '-'];
		const rng = mulberry32(99);
		const pick = <T>(list: T[]) => list[Math.floor(rng() * list.length)];
		const mismatches: string[] = [];
		for (let k = 0; k < 20_000; k++) {
			let text = '';
			const length = 1 + Math.floor(rng() * 14);
			for (let w = 0; w < length; w++) {
				let word = pick(words);
				const shape = rng();
				if (shape < 0.1) word = word.toUpperCase();
				else if (shape < 0.2) word = word[0].toUpperCase() + word.slice(1);
				text += word + pick(seps);
			}
			if (rng() < 0.5) text = text.trim();
			const expected = rationaleStanceReference(text);
			const actual = rationaleStance(text);
			if (JSON.stringify(actual) !== JSON.stringify(expected) || rationaleSide(text) !== expected.side) mismatches.push(text);
		}
		expect(mismatches.slice(0, 5)).toEqual([]);
	});

	it.each([
		'L’image de gauche est plus nette',
		'Ｔｈｅ ｌｅｆｔ ｏｎｅ ｉｓ ｂｅｔｔｅｒ',
		'the right one is better 🙂 — the left is blurry',
		'the left one isn’t as sharp as the right',
		'the left one is sharper – the right is blurry'
	])('other text takes the reference: %j', (text) => {
		check(text);
	});

	it('reads full-width letters like ASCII ones (NFKC) and the curly apostrophe like the straight one', () => {
		expect(rationaleStance('Ｔｈｅ ｌｅｆｔ ｏｎｅ ｉｓ ｂｅｔｔｅｒ').side).toBe('left');
		expect(rationaleStance('the left one isn’t as sharp as the right').side).toBe('right');
		expect(rationaleStance("the left one isn't as sharp as the right").side).toBe('right');
	});
});
