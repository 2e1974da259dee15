// Which side a rationale argues for, by simple English pattern rules, so that "left is sharper" on a vote
// for right can be caught. Deliberately conservative: a rationale the rules cannot read has no stance, and
// only a stance against a decisive choice counts as a contradiction.
//
// The rules:
// 1. Text is lowercased, "n't" becomes "not", and it is split into clauses at . ! ? ; new lines and the
//    contrast words but / while / whereas / however / although / though / yet.
// 2. A side mention is "left" or "right" (or "first"/"second" followed by one/image/picture/photo) in a
//    context that makes it a side: after the/on/to/than/over/prefer/pick/…, or before one/image/side/is/
//    looks/has/…, or next to a sentiment word. Not a side: "left hand", "upper left corner", "left side of
//    the face", "looks right", "is right", "right now", "nothing left".
// 3. Sentiment words: praise (better, sharper, cleaner, more realistic, prefer, pick, wins, …) counts +1,
//    criticism (worse, blurry, artifacts, distorted, …) −1; "like" only after I/we ("looks like" is neutral). A negator (not, no, never, without, less, fewer,
//    lacks, missing, hardly, barely) within the three words before a sentiment word flips it:
//    "not as sharp" −1, "fewer artifacts" +1, "less blurry" +1.
// 4. The words after a side mention, up to the next mention or the end of the clause, are about that side
//    ("the left one is sharper than the right": +1 left). Words before the first mention are about it too
//    ("the better image is the left one": +1 left) unless they contain "than"/"over", which makes them about
//    the other one ("sharper than the right one": −1 right).
// 5. Clauses with both words "left" and "right" and one of both/neither/either are skipped
//    ("both left and right are blurry").
// 6. The stance is the side with the higher total (praise of it minus criticism of it, against the same for
//    the other side); equal totals, or no rule firing, give no stance.

export type Side = 'left' | 'right';

export interface StanceEvidence {
	side: Side;
	/** +1 the clause praises this side, −1 it criticizes it */
	polarity: 1 | -1;
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
		'pick picked choose chose chosen superb finer liked likes love loved'
	).split(' ')
);
const NEGATIVE = new Set(
	(
		'worse worst blurry blurrier blurred blur fuzzy noisy grainy ugly uglier bad poor poorer inferior ' +
		'distorted deformed disfigured artifacts artifact artefacts artefact glitch glitches glitchy messy weird ' +
		'wrong broken mangled garbled unrealistic unnatural fake weaker fails failed fail muddy lifeless cluttered ' +
		'errors mistakes flaws flawed issues problems awful terrible horrible lower low pixelated washed ' +
		'overexposed underexposed oversaturated'
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

function tokenize(clause: string): string[] {
	return clause
		.replace(/\bwon['’]t\b/g, 'will not')
		.replace(/\bcan['’]t\b/g, 'can not')
		.replace(/n['’]t\b/g, ' not')
		.replace(/['’]s\b/g, ' s')
		.split(/[^\p{L}\p{N}]+/u)
		.filter((w) => w !== '');
}

export function splitClauses(text: string): string[] {
	return text
		.normalize('NFKC')
		.toLowerCase()
		.split(/[.!?;\n\r]+|\b(?:but|while|whereas|however|although|though|yet)\b/)
		.map((c) => c.trim())
		.filter((c) => c !== '');
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

/** The side a rationale argues for, with the clauses that decided it. */
export function rationaleStance(text: string): RationaleStance {
	const stance: RationaleStance = { side: null, left: 0, right: 0, evidence: [] };
	for (const clause of splitClauses(text)) {
		const tokens = tokenize(clause);
		const mentions: { at: number; side: Side }[] = [];
		for (let i = 0; i < tokens.length; i++) {
			const side = sideAt(tokens, i);
			if (side) mentions.push({ at: i, side });
		}
		if (mentions.length === 0) continue;
		if (tokens.includes('left') && tokens.includes('right') && tokens.some((w) => BOTH_WORDS.has(w))) continue;

		const add = (side: Side, value: number) => {
			if (value === 0) return;
			stance[side] += value;
			stance.evidence.push({ side, polarity: value > 0 ? 1 : -1, clause: clause.length > 120 ? clause.slice(0, 117) + '…' : clause });
		};
		const first = mentions[0];
		const before = polarity(tokens, 0, first.at);
		const comparative = tokens.slice(0, first.at).some((w) => COMPARATORS.has(w));
		add(first.side, comparative ? -before : before);
		mentions.forEach((m, j) => {
			const end = j + 1 < mentions.length ? mentions[j + 1].at : tokens.length;
			add(m.side, polarity(tokens, m.at + 1, end));
		});
	}
	if (stance.left > stance.right) stance.side = 'left';
	else if (stance.right > stance.left) stance.side = 'right';
	return stance;
}
