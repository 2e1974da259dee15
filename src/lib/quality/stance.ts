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

// Reading a text is the hot part of a cold quality report (one reading per distinct rationale: 178,000
// at 200,000 votes), so ASCII text, by far the most common, is read by hand over character codes; other
// text takes the regular expressions (the reference). For ASCII both are the same function:
// lowercasing and NFKC leave ASCII ASCII, \p{L}\p{N} are [a-z0-9] there, and a contrast word between
// \b…\b is a whole run of [a-z0-9_]. tests/unit/quality/stance.test.ts checks the two against each other.

/** The regular-expression tokenizer: the reference, and what non-ASCII text takes. */
function tokenizeReference(clause: string): string[] {
	return clause
		.replace(PROMPT_OK, ' promptok ')
		.replace(PROMPT_OFF, ' offtopic ')
		.replace(ON_TOPIC, ' promptok ')
		.replace(/\bwon['’]t\b/g, 'will not')
		.replace(/\bcan['’]t\b/g, 'can not')
		.replace(/n['’]t\b/g, ' not')
		.replace(/['’]s\b/g, ' s')
		.split(/[^\p{L}\p{N}]+/u)
		.filter((w) => w !== '');
}

const ON_TOPIC = /\bon[\s-]topic\b/g;

/** Whether PROMPT_TARGET can match: one of its words is in the text. */
const namesTarget = (s: string) =>
	s.includes('prompt') || s.includes('text') || s.includes('description') || s.includes('brief') || s.includes('request');

/**
 * Whether any replacement of tokenizeReference can match somewhere in a text: each needs one of these
 * (a target word of PROMPT_TARGET, "topic", an apostrophe). Most texts have none, and their clauses
 * skip every replacement.
 */
const MAY_REWRITE = /prompt|text|description|brief|request|topic|'/i;

/** tokenizeReference's replacements for ASCII text, each only where the words it needs are present. */
function rewriteAscii(clause: string): string {
	let s = clause;
	if (
		namesTarget(s) &&
		(s.includes('match') ||
			s.includes('follow') ||
			s.includes('fit') ||
			s.includes('respect') ||
			s.includes('adhere') ||
			s.includes('stick') ||
			s.includes('captur'))
	)
		s = s.replace(PROMPT_OK, ' promptok ');
	if (
		(namesTarget(s) && (s.includes('ignor') || s.includes('miss'))) ||
		(s.includes('off') && (s.includes('topic') || s.includes('prompt')))
	)
		s = s.replace(PROMPT_OFF, ' offtopic ');
	if (s.includes('topic')) s = s.replace(ON_TOPIC, ' promptok ');
	if (s.includes("'"))
		s = s
			.replace(/\bwon't\b/g, 'will not')
			.replace(/\bcan't\b/g, 'can not')
			.replace(/n't\b/g, ' not')
			.replace(/'s\b/g, ' s');
	return s;
}

/**
 * tokenizeReference for ASCII text: the replacements where they can match (the same result: a
 * replacement that cannot match changes nothing; with `rewrite` false none can, see MAY_REWRITE),
 * then words as runs of [a-z0-9].
 */
function tokenizeAscii(clause: string, rewrite: boolean): string[] {
	const s = rewrite ? rewriteAscii(clause) : clause;
	const out: string[] = [];
	let from = -1;
	for (let i = 0; i < s.length; i++) {
		const c = s.charCodeAt(i);
		if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90)) {
			if (from < 0) from = i;
		} else if (from >= 0) {
			out.push(s.slice(from, i));
			from = -1;
		}
	}
	if (from >= 0) out.push(from === 0 ? s : s.slice(from));
	return out;
}

function isAscii(text: string): boolean {
	for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 127) return false;
	return true;
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

const EDGE = /^[\s,:–—-]+|[\s,:–—-]+$/g;

// (no function is made per call in the hot path: under tsx, which keeps function names, each costs a
// property definition)
const edge = (c: number) => c === 32 || (c >= 9 && c <= 13) || c === 44 || c === 58 || c === 45;

/** raw.replace(EDGE, '') for ASCII text: \s there is space, tab, the line breaks, vertical tab and form feed. */
function trimAscii(raw: string): string {
	let from = 0;
	let to = raw.length;
	while (from < to && edge(raw.charCodeAt(from))) from++;
	while (to > from && edge(raw.charCodeAt(to - 1))) to--;
	return from === 0 && to === raw.length ? raw : raw.slice(from, to);
}

function push(out: Clause[], ascii: boolean, raw: string, weight: number, inherits: boolean): void {
	const t = ascii ? trimAscii(raw) : raw.replace(EDGE, '');
	if (t !== '') out.push({ text: t, weight, inherits });
}

/**
 * A sentence's clauses (rule 5) from its parts as sentence.split(CONTRAST) gives them: the text before
 * the first contrast word, then each contrast word and the text after it.
 */
function clausesOf(parts: string[], ascii: boolean, out: Clause[]): void {
	push(out, ascii, parts[0], 1, false);
	for (let k = 1; k < parts.length; k += 2) {
		const word = parts[k];
		const segment = parts[k + 1] ?? '';
		if (word === 'but' || word === 'however' || word === 'yet') {
			// the clause answered by "but" is conceded, even across a sentence end ("… . However, …")
			if (out.length) out[out.length - 1].weight = Math.min(out[out.length - 1].weight, CONCEDED);
			push(out, ascii, segment, 1, true);
		} else if (word === 'although' || word === 'though') {
			const leading = k === 1 && /^[\s,]*(?:and|even)?[\s,]*$/.test(parts[0]);
			const comma = segment.indexOf(',');
			if (leading && comma >= 0) {
				push(out, ascii, segment.slice(0, comma), CONCEDED, true);
				push(out, ascii, segment.slice(comma + 1), 1, true);
			} else push(out, ascii, segment, leading ? 1 : CONCEDED, true);
		} else push(out, ascii, segment, 1, true);
	}
}

/** The clauses by the regular expressions: the reference, and what non-ASCII text takes. */
function readClausesReference(text: string): Clause[] {
	const out: Clause[] = [];
	for (const sentence of text
		.normalize('NFKC')
		.toLowerCase()
		.split(/[.!?;\n\r]+/))
		clausesOf(sentence.split(CONTRAST), false, out);
	return out;
}

const isSentenceEnd = (c: number) => c === 46 || c === 33 || c === 63 || c === 59 || c === 10 || c === 13;
const isWordChar = (c: number) => (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || (c >= 65 && c <= 90);

/** The contrast word that is s[from, to), or null. */
function contrastWord(s: string, from: number, to: number): string | null {
	switch (to - from) {
		case 3:
			return s.startsWith('but', from) ? 'but' : s.startsWith('yet', from) ? 'yet' : null;
		case 5:
			return s.startsWith('while', from) ? 'while' : null;
		case 6:
			return s.startsWith('though', from) ? 'though' : null;
		case 7:
			return s.startsWith('however', from) ? 'however' : s.startsWith('whereas', from) ? 'whereas' : null;
		case 8:
			return s.startsWith('although', from) ? 'although' : null;
		default:
			return null;
	}
}

/** readClausesReference for ASCII text, over character codes. */
function readClausesAscii(text: string): Clause[] {
	const s = text.toLowerCase();
	const n = s.length;
	const out: Clause[] = [];
	const parts: string[] = [];
	let i = 0;
	while (i <= n) {
		let end = i;
		while (end < n && !isSentenceEnd(s.charCodeAt(end))) end++;
		// the sentence s[i, end), split at whole words that are contrast words
		parts.length = 0;
		let from = i;
		for (let k = i; k < end;) {
			if (!isWordChar(s.charCodeAt(k))) {
				k++;
				continue;
			}
			const wordStart = k;
			while (k < end && isWordChar(s.charCodeAt(k))) k++;
			const word = contrastWord(s, wordStart, k);
			if (word !== null) {
				parts.push(s.slice(from, wordStart), word);
				from = k;
			}
		}
		parts.push(s.slice(from, end));
		if (end > i) clausesOf(parts, true, out);
		i = end + 1;
		while (i < n && isSentenceEnd(s.charCodeAt(i))) i++;
	}
	return out;
}

/** The clauses of a text, with their weights (rules 1 and 5). */
export function readClauses(text: string): Clause[] {
	return isAscii(text) ? readClausesAscii(text) : readClausesReference(text);
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
	read(text, isAscii(text), stance, stance.evidence);
	return stance;
}

/** rationaleStance(text).side, without the evidence (what the metrics and the risk scores read). */
export function rationaleSide(text: string): Side | null {
	const stance: RationaleStance = { side: null, left: 0, right: 0, evidence: NO_EVIDENCE };
	read(text, isAscii(text), stance, null);
	return stance.side;
}

/** rationaleStance by the regular expressions alone (what the hand-written reading of ASCII text is checked against). */
export function rationaleStanceReference(text: string): RationaleStance {
	const stance: RationaleStance = { side: null, left: 0, right: 0, evidence: [] };
	read(text, false, stance, stance.evidence);
	return stance;
}

const NO_EVIDENCE: StanceEvidence[] = [];

function someBothWord(tokens: string[]): boolean {
	for (const w of tokens) if (BOTH_WORDS.has(w)) return true;
	return false;
}

/** Adds a clause's sentiment about a side to the stance (and its evidence, when kept). */
function add(stance: RationaleStance, evidence: StanceEvidence[] | null, side: Side, value: number, weight: number, clause: string) {
	if (value === 0) return;
	stance[side] += value * weight;
	evidence?.push({
		side,
		polarity: value > 0 ? 1 : -1,
		weight,
		clause: clause.length > 120 ? clause.slice(0, 117) + '…' : clause
	});
}

function tokenize(clause: string, ascii: boolean, rewrite: boolean): string[] {
	return ascii ? tokenizeAscii(clause, rewrite) : tokenizeReference(clause);
}

/** Rules 2–7 over the clauses: fills in the stance's totals and side, and the evidence when given. */
function read(text: string, ascii: boolean, stance: RationaleStance, evidence: StanceEvidence[] | null): void {
	const rewrite = ascii && MAY_REWRITE.test(text);
	// the side the previous clause was about, for a following contrast clause that names none
	let lastSide: Side | null = null;
	for (const { text: whole, weight, inherits } of ascii ? readClausesAscii(text) : readClausesReference(text)) {
		let clause = whole;
		if (inherits && lastSide) {
			// "but matches the prompt, left is off-topic": the leading comma-separated parts without a
			// side continue the previous clause's side
			const pieces = clause.split(',');
			while (pieces.length > 1 && mentionsOf(tokenize(pieces[0], ascii, rewrite)).length === 0) {
				const piece = pieces.shift() as string;
				const tokens = tokenize(piece, ascii, rewrite);
				add(stance, evidence, lastSide, polarity(tokens, 0, tokens.length), weight, piece.trim());
			}
			clause = pieces.join(',').trim();
		}
		const tokens = tokenize(clause, ascii, rewrite);
		const mentions = mentionsOf(tokens);
		if (mentions.length === 0) {
			if (inherits && lastSide) add(stance, evidence, lastSide, polarity(tokens, 0, tokens.length), weight, clause);
			else lastSide = null;
			continue;
		}
		if (tokens.includes('left') && tokens.includes('right') && someBothWord(tokens)) {
			lastSide = null;
			continue;
		}
		const first = mentions[0];
		const before = polarity(tokens, 0, first.at);
		let comparative = false;
		for (let k = 0; k < first.at && !comparative; k++) comparative = COMPARATORS.has(tokens[k]);
		add(stance, evidence, first.side, comparative ? -before : before, weight, clause);
		for (let j = 0; j < mentions.length; j++) {
			const end = j + 1 < mentions.length ? mentions[j + 1].at : tokens.length;
			add(stance, evidence, mentions[j].side, polarity(tokens, mentions[j].at + 1, end), weight, clause);
		}
		lastSide = mentions[mentions.length - 1].side;
	}
	if (stance.left > stance.right) stance.side = 'left';
	else if (stance.right > stance.left) stance.side = 'right';
}
