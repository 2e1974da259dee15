// Which side a rationale argues for, by simple English pattern rules, so that "left is sharper" on a vote
// for right can be caught. Deliberately conservative: a rationale the rules cannot read has no stance, and
// only a stance against a decisive choice counts as a contradiction.
//
// The rules:
// 1. Text is lowercased, "n't" becomes "not", and it is split into sentences at . ! ? ; and new lines, and
//    each sentence into clauses at the contrast words but / however / yet / while / whereas / although /
//    though.
// 2. A side mention is "left" or "right" (or "first"/"second" followed by one/image/picture/photo) in a
//    context that makes it a side: after the/on/to/than/over/prefer/pick/…, or before one/image/side/is/
//    looks/has/…, or next to a sentiment word. Not a side: "left hand", "upper left corner", "left side of
//    the face", "looks right", "is right", "right now", "nothing left".
// 3. Sentiment words: praise (better, sharper, cleaner, more realistic, prefer, pick, wins, …) counts +1,
//    criticism (worse, blurry, artifacts, distorted, …) −1; "like" only after I/we ("looks like" is neutral).
//    Prompt adherence counts too: "matches / follows / fits the prompt" and "on-topic" are praise;
//    "off-topic", "off prompt", "ignores the prompt", "misses" are criticism. A negator (not, no, never,
//    without, less, fewer, lacks, missing, hardly, barely) within the three words before a sentiment word
//    flips it: "not as sharp" −1, "fewer artifacts" +1, "less blurry" +1, "does not follow the prompt" −1.
// 4. The words after a side mention, up to the next mention or the end of the clause, are about that side
//    ("the left one is sharper than the right": +1 left). Words before the first mention are about it too
//    ("the better image is the left one": +1 left) unless they contain "than"/"over", which makes them about
//    the other one ("sharper than the right one": −1 right).
// 5. Contrast. A clause that follows a contrast word and names no side is about the side of the clause
//    before it: "right is sharper but off-topic" criticises right. A clause that follows "but", "however"
//    or "yet" outweighs the one it answers: that earlier clause is conceded and counts half ("left is
//    sharper but the right follows the prompt": left +0.5, right +1). "Although/though X, Y" at the start
//    of a sentence concedes X (half) and Y counts fully; "X, though Y" in mid-sentence concedes Y.
//    Leading comma-separated parts of such a clause that name no side are about the previous side too
//    ("right is blurry but matches the prompt, left is off-topic": right −0.5 +1, left −1).
//    "while"/"whereas" only split ("the right is blurry while the left is crisp": both count fully).
// 6. Clauses with both words "left" and "right" and one of both/neither/either are skipped
//    ("both left and right are blurry").
// 7. The stance is the side with the higher total (praise of it minus criticism of it, against the same for
//    the other side); equal totals, or no rule firing, give no stance.

export type Side = 'left' | 'right';

export interface StanceEvidence {
	side: Side;
	/** +1 the clause praises this side, −1 it criticizes it */
	polarity: 1 | -1;
	/** 1, or 0.5 for a conceded clause (before "but", after a leading "although") */
	weight: number;
	/** the clause (normalized) that fired */
	clause: string;
}

export interface RationaleStance {
	/** The side the text argues for, or null when it names none or argues both ways equally. */
	side: Side | null;
	left: number;
	right: number;
	evidence: StanceEvidence[];
}

const POSITIVE = new Set(
	(
		'better best sharper sharp crisper crisp cleaner clean clearer nicer nice good great excellent ' +
		'beautiful prettier realistic detailed accurate faithful superior preferable stronger correct coherent ' +
		'natural pleasing appealing vivid higher richer closer stunning gorgeous impressive polished ' +
		'professional wins win winner won prefer preferred prefers preferable favor favour favorite favourite ' +
		'pick picked choose chose chosen superb finer liked likes love loved promptok'
	).split(' ')
);
const NEGATIVE = new Set(
	(
		'worse worst blurry blurrier blurred blur fuzzy noisy grainy ugly uglier bad poor poorer inferior ' +
		'distorted deformed disfigured artifacts artifact artefacts artefact glitch glitches glitchy messy weird ' +
		'wrong broken mangled garbled unrealistic unnatural fake weaker fails failed fail muddy lifeless cluttered ' +
		'errors mistakes flaws flawed issues problems awful terrible horrible lower low pixelated washed ' +
		'overexposed underexposed oversaturated misses missed ignores ignored offtopic'
	).split(' ')
);
const NEGATORS = new Set('not no never without less fewer lacks lacking lack missing hardly barely nor'.split(' '));
/** "like" praises only after a person ("i like the left"), not in "looks like". */
const LIKERS = new Set(['i', 'we', 'd', 'would', 'really', 'much']);
const COMPARATORS = new Set(['than', 'over']);
const BOTH_WORDS = new Set(['both', 'neither', 'either']);

const NEXT_OK = new Set(
	(
		'one ones image images img picture pic photo side option is looks look has had was seems appears feels ' +
		'wins won does did shows clearly definitely just'
	).split(' ')
);
const PREV_OK = new Set(
	'the on to from than over vs versus and or with for unlike at prefer preferred pick picked choose chose chosen favor favour'.split(' ')
);
const REGION_NEXT = new Set(
	(
		'corner corners half edge edges border part portion hand hands arm arms leg legs eye eyes ear ears foot feet ' +
		'shoulder wing wings cheek brow eyebrow knee background foreground area region margin column panel field ' +
		'now away there here after before next angle out behind'
	).split(' ')
);
const PREV_REJECT = new Set(
	'is are was were has have had be been nothing all just exactly quite not got get lower upper top bottom far turn turned turning extreme very'.split(
		' '
	)
);
const ORDINAL_NEXT = new Set(['one', 'image', 'picture', 'pic', 'photo', 'img', 'option']);

/** Prompt-adherence phrases become one sentiment token each, so that "on"/"off" and "the" stay out of it. */
const PROMPT_TARGET = '(?:the\\s+|its\\s+)?(?:prompt|description|brief|request|text)';
const PROMPT_OK = new RegExp(
	`\\b(?:match(?:es|ed)?|follow(?:s|ed)?|fits?|respects?|adhere(?:s|d)?\\s+to|stick(?:s)?\\s+to|captures?)\\s+${PROMPT_TARGET}\\b`,
	'g'
);
const PROMPT_OFF = new RegExp(
	`\\b(?:ignor(?:es|ed|e)|miss(?:es|ed)?)\\s+${PROMPT_TARGET}\\b|\\boff[\\s-]*(?:the\\s+)?(?:topic|prompt)\\b`,
	'g'
);

function tokenize(clause: string): string[] {
	return clause
		.replace(PROMPT_OK, ' promptok ')
		.replace(PROMPT_OFF, ' offtopic ')
		.replace(/\bon[\s-]topic\b/g, ' promptok ')
		.replace(/\bwon['’]t\b/g, 'will not')
		.replace(/\bcan['’]t\b/g, 'can not')
		.replace(/n['’]t\b/g, ' not')
		.replace(/['’]s\b/g, ' s')
		.split(/[^\p{L}\p{N}]+/u)
		.filter((w) => w !== '');
}

const CONTRAST = /\b(but|however|yet|while|whereas|although|though)\b/;
/** Half weight for a conceded clause: it counts, but less than the clause that answers it. */
const CONCEDED = 0.5;

interface Clause {
	text: string;
	weight: number;
	/** follows a contrast word: with no side of its own it is about the previous clause's side */
	inherits: boolean;
}

/** The clauses of a text, with their weights (rules 1 and 5). */
export function readClauses(text: string): Clause[] {
	const out: Clause[] = [];
	const push = (raw: string, weight: number, inherits: boolean) => {
		const t = raw.replace(/^[\s,:–—-]+|[\s,:–—-]+$/g, '');
		if (t !== '') out.push({ text: t, weight, inherits });
	};
	for (const sentence of text
		.normalize('NFKC')
		.toLowerCase()
		.split(/[.!?;\n\r]+/)) {
		const parts = sentence.split(CONTRAST);
		push(parts[0], 1, false);
		for (let k = 1; k < parts.length; k += 2) {
			const word = parts[k];
			const segment = parts[k + 1] ?? '';
			if (word === 'but' || word === 'however' || word === 'yet') {
				// the clause answered by "but" is conceded, even across a sentence end ("… . However, …")
				if (out.length) out[out.length - 1].weight = Math.min(out[out.length - 1].weight, CONCEDED);
				push(segment, 1, true);
			} else if (word === 'although' || word === 'though') {
				const leading = k === 1 && /^[\s,]*(?:and|even)?[\s,]*$/.test(parts[0]);
				const comma = segment.indexOf(',');
				if (leading && comma >= 0) {
					push(segment.slice(0, comma), CONCEDED, true);
					push(segment.slice(comma + 1), 1, true);
				} else push(segment, leading ? 1 : CONCEDED, true);
			} else push(segment, 1, true);
		}
	}
	return out;
}

/** The clauses' texts (rule 1). */
export function splitClauses(text: string): string[] {
	return readClauses(text).map((c) => c.text);
}

function sideAt(tokens: string[], i: number): Side | null {
	const word = tokens[i];
	const prev = tokens[i - 1];
	const next = tokens[i + 1];
	if (word === 'first' || word === 'second') {
		return next !== undefined && ORDINAL_NEXT.has(next) ? (word === 'first' ? 'left' : 'right') : null;
	}
	if (word !== 'left' && word !== 'right') return null;
	if (next !== undefined && REGION_NEXT.has(next)) return null;
	if (next === 'side' && tokens[i + 2] === 'of') return null;
	if (prev !== undefined && PREV_REJECT.has(prev)) return null;
	if (word === 'right' && (prev === 'looks' || prev === 'look' || prev === 'seems' || prev === 'feels')) return null;
	const accepted =
		(prev !== undefined && PREV_OK.has(prev)) ||
		(next !== undefined && (NEXT_OK.has(next) || POSITIVE.has(next) || NEGATIVE.has(next) || NEGATORS.has(next))) ||
		next === undefined;
	return accepted ? word : null;
}

/** Sum of sentiment in tokens[from, to): +1 per praise word, −1 per criticism word, flipped after a negator. */
function polarity(tokens: string[], from: number, to: number): number {
	let sum = 0;
	let negatedFor = 0;
	for (let i = from; i < to; i++) {
		const w = tokens[i];
		if (NEGATORS.has(w)) {
			negatedFor = 3;
			continue;
		}
		const base = POSITIVE.has(w) || (w === 'like' && LIKERS.has(tokens[i - 1])) ? 1 : NEGATIVE.has(w) ? -1 : 0;
		if (base !== 0) {
			sum += negatedFor > 0 ? -base : base;
			negatedFor = 0;
		} else if (negatedFor > 0) negatedFor--;
	}
	return sum;
}

function mentionsOf(tokens: string[]): { at: number; side: Side }[] {
	const mentions: { at: number; side: Side }[] = [];
	for (let i = 0; i < tokens.length; i++) {
		const side = sideAt(tokens, i);
		if (side) mentions.push({ at: i, side });
	}
	return mentions;
}

/** The side a rationale argues for, with the clauses that decided it. */
export function rationaleStance(text: string): RationaleStance {
	const stance: RationaleStance = { side: null, left: 0, right: 0, evidence: [] };
	// the side the previous clause was about, for a following contrast clause that names none
	let lastSide: Side | null = null;
	for (const { text: whole, weight, inherits } of readClauses(text)) {
		const add = (side: Side, value: number, clause: string) => {
			if (value === 0) return;
			stance[side] += value * weight;
			stance.evidence.push({
				side,
				polarity: value > 0 ? 1 : -1,
				weight,
				clause: clause.length > 120 ? clause.slice(0, 117) + '…' : clause
			});
		};
		let clause = whole;
		if (inherits && lastSide) {
			// "but matches the prompt, left is off-topic": the leading comma-separated parts without a
			// side continue the previous clause's side
			const pieces = clause.split(',');
			while (pieces.length > 1 && mentionsOf(tokenize(pieces[0])).length === 0) {
				const piece = pieces.shift() as string;
				add(lastSide, polarity(tokenize(piece), 0, tokenize(piece).length), piece.trim());
			}
			clause = pieces.join(',').trim();
		}
		const tokens = tokenize(clause);
		const mentions = mentionsOf(tokens);
		if (mentions.length === 0) {
			if (inherits && lastSide) add(lastSide, polarity(tokens, 0, tokens.length), clause);
			else lastSide = null;
			continue;
		}
		if (tokens.includes('left') && tokens.includes('right') && tokens.some((w) => BOTH_WORDS.has(w))) {
			lastSide = null;
			continue;
		}
		const first = mentions[0];
		const before = polarity(tokens, 0, first.at);
		const comparative = tokens.slice(0, first.at).some((w) => COMPARATORS.has(w));
		add(first.side, comparative ? -before : before, clause);
		mentions.forEach((m, j) => {
			const end = j + 1 < mentions.length ? mentions[j + 1].at : tokens.length;
			add(m.side, polarity(tokens, m.at + 1, end), clause);
		});
		lastSide = mentions[mentions.length - 1].side;
	}
	if (stance.left > stance.right) stance.side = 'left';
	else if (stance.right > stance.left) stance.side = 'right';
	return stance;
}
