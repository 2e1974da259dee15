// The quality report at scale: the same statistics as assessQuality (analysis.ts, evaluators.ts,
// risk.ts, alpha.ts), computed over votes held as columns with their ids interned to integers.
//
// At 200,000 votes the record path spends most of its time on strings and objects that live for the
// whole computation: a pair key string and a facts object per vote, maps keyed by those strings, a
// risk object with reasons per vote. Here image pairs are integer keys grouped with a counting sort,
// each evaluator's metrics are summed one short-lived fact at a time (MetricsTally, shared with the
// record path so both give the same numbers), a rationale's stance is read once per distinct text,
// and the risk is a score per vote in a typed array; a vote's reasons are built only when asked for
// (pages show a few dozen). tests/unit/quality/columns.test.ts checks that both paths agree.

import { krippendorffAlphaNominalCounts, type AlphaResult } from './alpha.ts';
import type { OthersView, QualityOptions, VoteFacts } from './analysis.ts';
import { factsHasText, factsLength, factsSide, trustedFacts } from './rationale-facts.ts';
import {
	codePoints,
	hasLetterOrDigit,
	flagEvaluator,
	MetricsTally,
	TALLY_GOLD,
	TALLY_LEFT,
	TALLY_NORMAL,
	TALLY_OTHER,
	TALLY_REPEAT,
	TALLY_RIGHT,
	type EvaluatorQuality
} from './evaluators.ts';
import { findNearDuplicates } from './near-duplicates.ts';
import { canonicalOutcome, pairKey } from './pairs.ts';
import { riskOf, type RiskReason, type VoteRisk } from './risk.ts';
import { rationaleSide, rationaleStance, type RationaleStance, type Side } from './stance.ts';
import { resolveThresholds, type QualityThresholds } from './thresholds.ts';
import type { CanonicalOutcome, Choice, VoteKind, VoteRecord, VoteStatus } from './types.ts';

/** Codes of the small enumerations, in these orders. */
export const CHOICES: readonly Choice[] = ['left', 'right', 'tie', 'both_bad'];
export const KINDS: readonly VoteKind[] = ['normal', 'gold', 'repeat'];
export const STATUSES: readonly VoteStatus[] = ['counted', 'rejected'];
const OUTCOMES: readonly CanonicalOutcome[] = ['first', 'second', 'tie', 'both_bad'];
const LEFT = 0;
const RIGHT = 1;
const GOLD = 1;
const REPEAT = 2;
const COUNTED = 0;

/** A campaign's votes, one array per field; users, images and systems as indices into their lists. */
export interface VoteColumns {
	ids: string[];
	users: string[];
	user: Int32Array;
	/** ascending (string order), so that the canonical first image of a pair is the smaller index */
	images: string[];
	left: Int32Array;
	right: Int32Array;
	systems: string[];
	leftSystem: Int32Array;
	rightSystem: Int32Array;
	/** indices into CHOICES, KINDS, STATUSES */
	choice: Uint8Array;
	kind: Uint8Array;
	status: Uint8Array;
	/** '' for a text not read (its facts are known and no reason quotes it: the worker's lean read) */
	rationale: string[];
	/**
	 * vote.rationale_facts as stored (rationale-facts.ts), -1 for none; facts of another version are read
	 * from the text again. Absent: every text is read.
	 */
	facts?: Int32Array;
	/** NaN when the client did not report it */
	activeMs: Float64Array;
	submittedAt: Float64Array;
}

const code = <T>(list: readonly T[], value: T, field: string) => {
	const i = list.indexOf(value);
	if (i < 0) throw new RangeError(`unknown ${field} ${String(value)}`);
	return i;
};

/** Builds VoteColumns a vote at a time, interning ids (e.g. from database rows). */
export class VoteColumnsBuilder {
	private readonly ids: string[] = [];
	private readonly rationale: string[] = [];
	private readonly userIndex = new Map<string, number>();
	private readonly imageIndex = new Map<string, number>();
	private readonly systemIndex = new Map<string, number>();
	// per vote, INTS integers (user, left, right, left system, right system, choice, kind, status) and
	// two numbers (active time, submission time), in typed arrays that double when full: no array of
	// 200,000 boxed numbers per field to copy again at the end
	private ints = new Int32Array(INTS * 1024);
	private floats = new Float64Array(2 * 1024);
	private n = 0;

	add(
		id: string,
		userId: string,
		leftImageId: string,
		rightImageId: string,
		leftSystemId: string,
		rightSystemId: string,
		choice: Choice,
		rationale: string,
		activeMs: number | null,
		submittedAt: number,
		kind: VoteKind,
		status: VoteStatus
	): void {
		this.addCoded(
			id,
			userId,
			leftImageId,
			rightImageId,
			leftSystemId,
			rightSystemId,
			choiceCode(choice),
			rationale,
			activeMs,
			submittedAt,
			kindCode(kind),
			statusCode(status)
		);
	}

	/**
	 * add() with the choice, kind and status as their indices in CHOICES, KINDS and STATUSES (a database
	 * query can code them, so that no string is made for them per vote); null or out of range: a RangeError.
	 */
	addCoded(
		id: string,
		userId: string,
		leftImageId: string,
		rightImageId: string,
		leftSystemId: string,
		rightSystemId: string,
		choice: number | null,
		rationale: string,
		activeMs: number | null,
		submittedAt: number,
		kind: number | null,
		status: number | null,
		/** vote.rationale_facts (null: none stored) */
		facts: number | null = null
	): void {
		if (!isCode(choice, CHOICES.length)) throw new RangeError(`unknown choice of vote ${id}`);
		if (!isCode(kind, KINDS.length)) throw new RangeError(`unknown kind of vote ${id}`);
		if (!isCode(status, STATUSES.length)) throw new RangeError(`unknown status of vote ${id}`);
		const i = this.n;
		if (i * INTS === this.ints.length) this.grow();
		const ints = this.ints;
		const at = i * INTS;
		ints[at] = intern(this.userIndex, userId);
		ints[at + 1] = intern(this.imageIndex, leftImageId);
		ints[at + 2] = intern(this.imageIndex, rightImageId);
		ints[at + 3] = intern(this.systemIndex, leftSystemId);
		ints[at + 4] = intern(this.systemIndex, rightSystemId);
		ints[at + 5] = choice;
		this.floats[i * 2] = activeMs === null ? NaN : Number(activeMs);
		this.floats[i * 2 + 1] = Number(submittedAt);
		ints[at + 6] = kind;
		ints[at + 7] = status;
		ints[at + 8] = typeof facts === 'number' && Number.isInteger(facts) && facts >= 0 && facts < 2 ** 31 ? facts : -1;
		this.ids.push(id);
		this.rationale.push(rationale ?? '');
		this.n = i + 1;
	}

	private grow(): void {
		const ints = new Int32Array(this.ints.length * 2);
		ints.set(this.ints);
		this.ints = ints;
		const floats = new Float64Array(this.floats.length * 2);
		floats.set(this.floats);
		this.floats = floats;
	}

	build(): VoteColumns {
		// images renumbered in string order: canonical orientation becomes an integer comparison
		const byName = [...this.imageIndex.keys()];
		const images = [...byName].sort();
		const rank = new Map(images.map((id, i) => [id, i]));
		const renumber = Int32Array.from(byName, (id) => rank.get(id)!);
		const n = this.n;
		const { ints, floats } = this;
		const column = (field: number) => {
			const out = new Int32Array(n);
			for (let i = 0; i < n; i++) out[i] = ints[i * INTS + field];
			return out;
		};
		const code = (field: number) => {
			const out = new Uint8Array(n);
			for (let i = 0; i < n; i++) out[i] = ints[i * INTS + field];
			return out;
		};
		const left = column(1);
		const right = column(2);
		for (let i = 0; i < n; i++) {
			left[i] = renumber[left[i]];
			right[i] = renumber[right[i]];
		}
		const activeMs = new Float64Array(n);
		const submittedAt = new Float64Array(n);
		for (let i = 0; i < n; i++) {
			activeMs[i] = floats[i * 2];
			submittedAt[i] = floats[i * 2 + 1];
		}
		const out: VoteColumns = {
			ids: this.ids,
			users: [...this.userIndex.keys()],
			user: column(0),
			images,
			left,
			right,
			systems: [...this.systemIndex.keys()],
			leftSystem: column(3),
			rightSystem: column(4),
			choice: code(5),
			kind: code(6),
			status: code(7),
			rationale: this.rationale,
			facts: column(8),
			activeMs,
			submittedAt
		};
		this.ints = new Int32Array(0);
		this.floats = new Float64Array(0);
		return out;
	}
}

const INTS = 9;

function choiceCode(choice: Choice): number {
	switch (choice) {
		case 'left':
			return 0;
		case 'right':
			return 1;
		case 'tie':
			return 2;
		case 'both_bad':
			return 3;
		default:
			return code(CHOICES, choice, 'choice');
	}
}

function kindCode(kind: VoteKind): number {
	return kind === 'normal' ? 0 : kind === 'gold' ? 1 : kind === 'repeat' ? 2 : code(KINDS, kind, 'kind');
}

function statusCode(status: VoteStatus): number {
	return status === 'counted' ? 0 : status === 'rejected' ? 1 : code(STATUSES, status, 'status');
}

const isCode = (x: number | null, size: number): x is number => x !== null && Number.isInteger(x) && x >= 0 && x < size;

function intern(index: Map<string, number>, key: string): number {
	let i = index.get(key);
	if (i === undefined) index.set(key, (i = index.size));
	return i;
}

export function columnsFromRecords(votes: readonly VoteRecord[]): VoteColumns {
	const b = new VoteColumnsBuilder();
	for (const v of votes)
		b.add(
			v.id,
			v.userId,
			v.leftImageId,
			v.rightImageId,
			v.leftSystemId,
			v.rightSystemId,
			v.choice,
			v.rationale,
			v.activeMs,
			v.submittedAt,
			v.kind,
			v.status
		);
	return b.build();
}

export interface ColumnarQuality {
	evaluators: EvaluatorQuality[];
	agreement: AlphaResult;
	thresholds: QualityThresholds;
	/** vote indices, highest risk first (input order among equal scores) */
	order: Int32Array;
	/** each vote's risk score, by input index */
	score: Float64Array;
	/** 1 for a vote with at least one risk reason, by input index */
	signalled: Uint8Array;
	/** a vote's risk reasons, by input index (built when asked) */
	reasons(index: number): RiskReason[];
}

/**
 * Each vote's near-duplicate partners (vote indices, -1 for none), as findNearDuplicates gives them:
 * a caller that computes the join elsewhere (on another thread, or kept from an earlier run) passes
 * them in; -1 is then also what a vote the join has not seen yet gets.
 */
export interface DuplicateColumns {
	own: Int32Array;
	others: Int32Array;
}

/** The near-duplicate partners of columns, computed here (the join of near-duplicates.ts). */
export function duplicateColumns(c: VoteColumns, thresholds: QualityThresholds): DuplicateColumns {
	const duplicates = findNearDuplicates(
		c.rationale.map((text, i) => ({ text, owner: c.users[c.user[i]] })),
		{ threshold: thresholds.duplicateJaccard, shingleSize: thresholds.shingleSize }
	);
	return { own: Int32Array.from(duplicates, (d) => d.sameOwner), others: Int32Array.from(duplicates, (d) => d.otherOwner) };
}

const NO_STANCE: RationaleStance = Object.freeze({ side: null, left: 0, right: 0, evidence: [] }) as unknown as RationaleStance;
/** The side alone, for the pass that sums metrics (no evidence: see stanceOf). */
const LEFT_STANCE: RationaleStance = Object.freeze({ side: 'left', left: 0, right: 0, evidence: [] }) as unknown as RationaleStance;
const RIGHT_STANCE: RationaleStance = Object.freeze({ side: 'right', left: 0, right: 0, evidence: [] }) as unknown as RationaleStance;

/** assessQuality over columns: the same evaluators, agreement and risks (as scores plus reasons on demand). */
export function assessQualityColumns(
	c: VoteColumns,
	options: QualityOptions & { duplicates?: DuplicateColumns; stanceSides?: Map<string, Side | null> } = {}
): ColumnarQuality {
	const thresholds = resolveThresholds(options.thresholds);
	const tooFastMs = thresholds.tooFastSeconds * 1000;
	const n = c.ids.length;
	const nImages = c.images.length;
	const nUsers = c.users.length;

	// 1. image pairs: an integer per unordered pair, and each vote's outcome in canonical order. Votes
	// are grouped by their smaller image (counting sort), and within a group the larger image's pair is
	// found in an array indexed by image: no map keyed by pair (at 40,000 images its keys left the
	// small-integer range and each became a heap number)
	const pairOf = new Int32Array(n);
	const outcome = new Uint8Array(n);
	const byLow = new Int32Array(nImages + 1);
	for (let i = 0; i < n; i++) {
		const l = c.left[i];
		const r = c.right[i];
		byLow[(l <= r ? l : r) + 1]++;
		const ch = c.choice[i];
		outcome[i] = ch >= 2 ? ch : (ch === LEFT) === l <= r ? 0 : 1;
	}
	for (let a = 0; a < nImages; a++) byLow[a + 1] += byLow[a];
	let nPairs = 0;
	{
		const lowMembers = new Int32Array(n);
		const fill = byLow.slice(0, nImages);
		for (let i = 0; i < n; i++) {
			const l = c.left[i];
			const r = c.right[i];
			lowMembers[fill[l <= r ? l : r]++] = i;
		}
		// the pair of (a, b) for the current smaller image a, valid where pairLow[b] === a
		const pairHigh = new Int32Array(nImages);
		const pairLow = new Int32Array(nImages).fill(-1);
		for (let a = 0; a < nImages; a++)
			for (let k = byLow[a]; k < byLow[a + 1]; k++) {
				const i = lowMembers[k];
				const l = c.left[i];
				const r = c.right[i];
				const b = l <= r ? r : l;
				if (pairLow[b] !== a) {
					pairLow[b] = a;
					pairHigh[b] = nPairs++;
				}
				pairOf[i] = pairHigh[b];
			}
	}
	// votes grouped by pair (counting sort; input order within a pair)
	const start = new Int32Array(nPairs + 1);
	for (let i = 0; i < n; i++) start[pairOf[i] + 1]++;
	for (let p = 0; p < nPairs; p++) start[p + 1] += start[p];
	const members = new Int32Array(n);
	{
		const fill = start.slice(0, nPairs);
		for (let i = 0; i < n; i++) members[fill[pairOf[i]]++] = i;
	}

	// 2. per pair: each evaluator's representative counted vote (alpha.ts representativeVotes), the
	// tally of their outcomes, and for each vote its own evaluator's representative outcome
	const isRepeat = (i: number) => (c.kind[i] === REPEAT ? 1 : 0);
	const prefer = (a: number, b: number) => {
		const ra = isRepeat(a);
		const rb = isRepeat(b);
		if (ra !== rb) return ra < rb;
		if (c.submittedAt[a] !== c.submittedAt[b]) return c.submittedAt[a] < c.submittedAt[b];
		return c.ids[a] < c.ids[b];
	};
	const tally = new Int32Array(nPairs * 4);
	const own = new Int8Array(n).fill(-1);
	const rep = new Int32Array(nUsers).fill(-1);
	// the pair whose first counted vote is vote i, for the pairs with two or more evaluators
	const unitAt = new Int32Array(n).fill(-1);
	const touched: number[] = [];
	for (let p = 0; p < nPairs; p++) {
		const from = start[p];
		const to = start[p + 1];
		let first = n;
		for (let k = from; k < to; k++) {
			const i = members[k];
			if (c.status[i] !== COUNTED) continue;
			if (i < first) first = i;
			const u = c.user[i];
			const current = rep[u];
			if (current === -1) {
				rep[u] = i;
				touched.push(u);
			} else if (prefer(i, current)) rep[u] = i;
		}
		for (const u of touched) tally[p * 4 + outcome[rep[u]]]++;
		for (let k = from; k < to; k++) {
			const r = rep[c.user[members[k]]];
			if (r !== -1) own[members[k]] = outcome[r];
		}
		if (touched.length >= 2) unitAt[first] = p;
		for (const u of touched) rep[u] = -1;
		touched.length = 0;
	}
	// alpha.ts visits pairs in the order of their first counted vote: the same order, the same sums;
	// a unit's values are its evaluators' representative outcomes, i.e. the pair's tally
	const agreement = krippendorffAlphaNominalCounts(
		tally,
		4,
		(function* () {
			for (let i = 0; i < n; i++) if (unitAt[i] !== -1) yield unitAt[i];
		})()
	);

	// 3. near-duplicate rationales, and each distinct rationale's stance (decisive votes only read it)
	const { own: duplicateOwn, others: duplicateOthers } = options.duplicates ?? duplicateColumns(c, thresholds);
	if (duplicateOwn.length !== n || duplicateOthers.length !== n) throw new RangeError('duplicates: one entry per vote expected');
	// the metrics and the score read only the side; the evidence (the clause quoted in a reason) is read
	// again for the votes whose reasons are shown, and only when it is quoted (a contradiction). The side
	// is a pure function of the text: a caller that computes reports again and again passes its own map
	// (`stanceSides`) and pays once per text.
	const sides = options.stanceSides ?? new Map<string, Side | null>();
	/** 0 no stance (or not a decisive vote), 1 left, 2 right */
	const facts = c.facts;
	const sideCodeOf = (i: number): number => {
		if (c.choice[i] > RIGHT) return 0;
		if (facts && trustedFacts(facts[i])) return factsSide(facts[i]);
		const text = c.rationale[i];
		let side = sides.get(text);
		if (side === undefined) sides.set(text, (side = rationaleSide(text)));
		return side === null ? 0 : side === 'left' ? 1 : 2;
	};
	const stanceOf = (i: number, full: boolean): RationaleStance => {
		const side = sideCodeOf(i);
		if (side === 0) return NO_STANCE;
		// the side of the full reading is the side read above (the same function of the same text)
		if (full) return rationaleStance(c.rationale[i]);
		return side === 1 ? LEFT_STANCE : RIGHT_STANCE;
	};

	// 4. gold expectations (few pairs, keyed as analysis.ts keys them) and predictions per system pair
	const gold = new Map<string, CanonicalOutcome>();
	for (const g of options.gold ?? [])
		gold.set(pairKey(g.leftImageId, g.rightImageId), canonicalOutcome(g.leftImageId, g.rightImageId, g.expected));
	/** per pair, the expected outcome's code (-1 none, -2 not looked up yet); only gold votes read it */
	const goldOfPair = new Int8Array(gold.size ? nPairs : 0).fill(-2);
	const goldCodeOf = (i: number): number => {
		if (c.kind[i] !== GOLD || gold.size === 0) return -1;
		const p = pairOf[i];
		if (goldOfPair[p] === -2) {
			const expected = gold.get(pairKey(c.images[c.left[i]], c.images[c.right[i]]));
			goldOfPair[p] = expected === undefined ? -1 : OUTCOMES.indexOf(expected);
		}
		return goldOfPair[p];
	};
	const nSystems = c.systems.length;
	const predicted = new Int8Array(nSystems * nSystems).fill(-2);
	/** -1 none, else LEFT or RIGHT */
	const predictedCodeOf = (i: number): number => {
		const ls = c.leftSystem[i];
		const rs = c.rightSystem[i];
		if (!options.predict || c.choice[i] > RIGHT || ls === rs) return -1;
		let side = predicted[ls * nSystems + rs];
		if (side === -2) {
			const p = options.predict(c.systems[ls], c.systems[rs]);
			side = predicted[ls * nSystems + rs] = Number.isFinite(p) && p !== 0.5 ? (p > 0.5 ? LEFT : RIGHT) : -1;
		}
		return side;
	};

	// 5. hidden repeats (analysis.ts matchRepeats), only on the evaluator-and-pair groups that have one
	const repeatOf = new Int32Array(n).fill(-1);
	const changed = new Int8Array(n).fill(-1);
	const flipped = new Int8Array(n).fill(-1);
	const sameSideFlip = new Int8Array(n).fill(-1);
	const withRepeat = new Map<number, number[]>();
	for (let i = 0; i < n; i++) if (c.kind[i] === REPEAT) withRepeat.set(pairOf[i] * nUsers + c.user[i], []);
	if (withRepeat.size) {
		for (let i = 0; i < n; i++) withRepeat.get(pairOf[i] * nUsers + c.user[i])?.push(i);
		for (const list of withRepeat.values()) {
			list.sort((a, b) => c.submittedAt[a] - c.submittedAt[b] || (c.ids[a] < c.ids[b] ? -1 : c.ids[a] > c.ids[b] ? 1 : 0));
			list.forEach((i, at) => {
				if (c.kind[i] !== REPEAT) return;
				let original = -1;
				for (let j = at - 1; j >= 0 && original === -1; j--) if (c.kind[list[j]] !== REPEAT) original = list[j];
				if (original === -1 && at > 0) original = list[at - 1];
				if (original === -1) return;
				repeatOf[i] = original;
				changed[i] = outcome[i] !== outcome[original] ? 1 : 0;
				if (c.choice[i] <= RIGHT && c.choice[original] <= RIGHT) {
					flipped[i] = changed[i];
					sameSideFlip[i] = flipped[i] && c.choice[i] === c.choice[original] ? 1 : 0;
				}
			});
		}
		withRepeat.clear();
	}

	/**
	 * analysis.ts othersView from the pair's tally and this evaluator's own value: sets `evaluators`,
	 * `support` and returns the majority in this vote's orientation (a CHOICES index), or -1 for none.
	 */
	let evaluators = 0;
	let support = 0;
	const majorityOf = (i: number): number => {
		const p = pairOf[i];
		evaluators = 0;
		let best = -1;
		let bestCount = 0;
		let split = false;
		for (let o = 0; o < 4; o++) {
			const total = tally[p * 4 + o];
			if (total === 0) continue;
			const count = total - (own[i] === o ? 1 : 0);
			evaluators += count;
			if (count > bestCount) {
				best = o;
				bestCount = count;
				split = false;
			} else if (count === bestCount && count > 0) split = true;
		}
		support = bestCount;
		if (best === -1 || split) return -1;
		return best >= 2 ? best : (best === 0) === c.left[i] <= c.right[i] ? LEFT : RIGHT;
	};

	const tri = (x: number) => (x === -1 ? null : x === 1);
	const recordAt = (i: number): VoteRecord => ({
		id: c.ids[i],
		userId: c.users[c.user[i]],
		leftImageId: c.images[c.left[i]],
		rightImageId: c.images[c.right[i]],
		leftSystemId: c.systems[c.leftSystem[i]],
		rightSystemId: c.systems[c.rightSystem[i]],
		choice: CHOICES[c.choice[i]],
		rationale: c.rationale[i],
		activeMs: Number.isNaN(c.activeMs[i]) ? null : c.activeMs[i],
		submittedAt: c.submittedAt[i],
		kind: KINDS[c.kind[i]],
		status: STATUSES[c.status[i]],
		assignmentId: ''
	});
	/**
	 * The vote's facts as analysis.ts states them, for riskOf (made only for a vote whose reasons are
	 * asked for). The stance carries its evidence when `full` and the reasons quote it (a contradiction).
	 */
	const factsAt = (i: number, full = false): VoteFacts => {
		const vote = recordAt(i);
		const ms = c.activeMs[i];
		const timed = Number.isFinite(ms) && ms >= 0;
		const expected = goldCodeOf(i);
		const majority = majorityOf(i);
		const others: OthersView = { evaluators, support, majority: majority === -1 ? null : CHOICES[majority] };
		const predictedSide = predictedCodeOf(i);
		const side = sideCodeOf(i);
		const contradiction = side !== 0 && side - 1 !== c.choice[i];
		const stance = side === 0 ? NO_STANCE : contradiction ? stanceOf(i, full) : stanceOf(i, false);
		return {
			vote,
			index: i,
			pair: '',
			outcome: OUTCOMES[outcome[i]],
			tooFast: timed ? ms < tooFastMs : null,
			stance,
			contradiction,
			duplicateOwn: duplicateOwn[i],
			duplicateOthers: duplicateOthers[i],
			goldExpected: expected === -1 ? null : chosenFor(c.left[i] <= c.right[i], OUTCOMES[expected]),
			goldCorrect: expected === -1 ? null : expected === outcome[i],
			repeatOf: repeatOf[i],
			changed: tri(changed[i]),
			flipped: tri(flipped[i]),
			sameSideFlip: tri(sameSideFlip[i]),
			others,
			agreesWithOthers: others.majority === null ? null : majority === c.choice[i],
			predictedSide: predictedSide === -1 ? null : (CHOICES[predictedSide] as 'left' | 'right'),
			agreesWithPrediction: predictedSide === -1 ? null : predictedSide === c.choice[i]
		};
	};

	// 6. one pass: each evaluator's metrics and each vote's score (risk.ts riskOf's noisy-OR, in its
	// order), from plain values: no object per vote
	const tallies: MetricsTally[] = c.users.map(() => new MetricsTally());
	const score = new Float64Array(n);
	// a vote with any signal has reasons (even one weighted 0, which leaves the score at 0)
	const signalled = new Uint8Array(n);
	const w = thresholds.riskWeights;
	for (let i = 0; i < n; i++) {
		const ch = c.choice[i];
		const kind = c.kind[i];
		const ms = c.activeMs[i];
		const tooFast = Number.isFinite(ms) && ms >= 0 ? (ms < tooFastMs ? 1 : 0) : -1;
		const side = sideCodeOf(i);
		const contradiction = side !== 0 && side - 1 !== ch;
		const expected = goldCodeOf(i);
		const goldCorrect = expected === -1 ? -1 : expected === outcome[i] ? 1 : 0;
		const majority = majorityOf(i);
		const agrees = majority === -1 ? -1 : majority === ch ? 1 : 0;
		const predictedSide = predictedCodeOf(i);
		// the text's length and whether it says anything: from the stored facts, else from the text
		const stored = facts ? facts[i] : -1;
		let textLength: number;
		let textHas: boolean;
		if (trustedFacts(stored)) {
			textLength = factsLength(stored);
			textHas = factsHasText(stored);
		} else {
			const trimmed = c.rationale[i].trim();
			textLength = codePoints(trimmed);
			textHas = hasLetterOrDigit(trimmed);
		}
		tallies[c.user[i]].addValues(
			c.ids[i],
			c.status[i] === COUNTED,
			kind === GOLD ? TALLY_GOLD : kind === REPEAT ? TALLY_REPEAT : TALLY_NORMAL,
			ch === LEFT ? TALLY_LEFT : ch === RIGHT ? TALLY_RIGHT : TALLY_OTHER,
			goldCorrect,
			changed[i],
			flipped[i],
			sameSideFlip[i],
			agrees,
			predictedSide === -1 ? -1 : predictedSide === ch ? 1 : 0,
			tooFast,
			Number.isNaN(ms) ? null : ms,
			textLength,
			textHas,
			duplicateOwn[i],
			side !== 0,
			contradiction
		);
		let keep = 1;
		let any = 0;
		if (tooFast === 1) {
			keep *= 1 - w.tooFast;
			any = 1;
		}
		if (contradiction) {
			keep *= 1 - w.contradiction;
			any = 1;
		}
		if (duplicateOwn[i] !== -1) {
			keep *= 1 - w.duplicateOwn;
			any = 1;
		}
		if (duplicateOthers[i] !== -1) {
			keep *= 1 - w.duplicateOthers;
			any = 1;
		}
		if (agrees === 0) {
			keep *= 1 - w.disagreement;
			any = 1;
		}
		if (goldCorrect === 0) {
			keep *= 1 - w.goldMiss;
			any = 1;
		}
		score[i] = 1 - keep;
		signalled[i] = any;
	}
	const evaluatorList = c.users
		.map((userId, u) => ({ userId, u }))
		.sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0))
		.map(({ userId, u }) => {
			const metrics = tallies[u].metrics(userId, thresholds);
			return { userId, metrics, ...flagEvaluator(metrics, thresholds) };
		});
	const order = riskRanks(score);
	const voteAt = (i: number) => ({ id: c.ids[i], userId: c.users[c.user[i]] });
	return {
		evaluators: evaluatorList,
		agreement,
		thresholds,
		order,
		score,
		signalled,
		reasons: (i) => (signalled[i] ? riskOf(factsAt(i, true), voteAt, w, thresholds.tooFastSeconds).reasons : [])
	};
}

/**
 * Vote indices by score, highest first and input order among equal scores. Most votes score 0: only
 * the others are sorted, the zeros follow in input order (scores are in [0, 1]: risk weights are).
 */
function riskRanks(score: Float64Array): Int32Array {
	const n = score.length;
	const order = new Int32Array(n);
	let positive = 0;
	let regular = true;
	for (let i = 0; i < n; i++) {
		if (score[i] > 0) order[positive++] = i;
		else if (score[i] !== 0) regular = false;
	}
	if (!regular) return Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => score[b] - score[a] || a - b);
	order.subarray(0, positive).sort((a, b) => score[b] - score[a] || a - b);
	let k = positive;
	for (let i = 0; i < n; i++) if (score[i] === 0) order[k++] = i;
	return order;
}

function chosenFor(leftFirst: boolean, o: CanonicalOutcome): Choice {
	if (o === 'tie' || o === 'both_bad') return o;
	return (o === 'first') === leftFirst ? 'left' : 'right';
}

/** The record path's report shape (assessQuality), for comparing the two and for small campaigns. */
export function columnarToReport(
	q: ColumnarQuality,
	c: VoteColumns
): { evaluators: EvaluatorQuality[]; votes: VoteRisk[]; agreement: AlphaResult; thresholds: QualityThresholds } {
	return {
		evaluators: q.evaluators,
		votes: Array.from(q.order, (i) => ({ voteId: c.ids[i], userId: c.users[c.user[i]], score: q.score[i], reasons: q.reasons(i) })),
		agreement: q.agreement,
		thresholds: q.thresholds
	};
}
