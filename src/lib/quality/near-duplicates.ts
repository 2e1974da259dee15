// Near-duplicate rationales: character shingles of normalized text and an exact Jaccard similarity join.
//
// The join is PPJoin (Xiao et al. 2008, after Bayardo et al.'s all-pairs prefix filtering): order every shingle
// set by global rarity; two sets with Jaccard ≥ t must share a shingle among the rarest few of each (the
// prefix), and the positions of the shared shingles bound how large the overlap can still get. Only pairs
// passing these filters are compared, so the result is exact (no MinHash misses). Identical texts are
// grouped first, so one rationale pasted a thousand times costs one set, not a million comparisons, and a
// pair is not compared at all once both sides already have the matches the caller asks for.

export interface NearDuplicateOptions {
	/** Characters per shingle (default 4). */
	shingleSize?: number;
	/** Jaccard similarity at or above which two rationales are near-duplicates (default 0.8). */
	threshold?: number;
}

export interface NearDuplicateItem {
	text: string;
	/** Who wrote it (the evaluator); matches are reported separately for the same and other owners. */
	owner: string;
}

export interface NearDuplicateMatch {
	/** Index of another item by the same owner with a near-duplicate text, or -1. */
	sameOwner: number;
	/** Index of an item by a different owner with a near-duplicate text, or -1. */
	otherOwner: number;
}

/** Lowercase, compatibility-normalized, punctuation and runs of spaces folded to one space. */
export function normalizeRationale(text: string): string {
	return text
		.normalize('NFKC')
		.toLowerCase()
		.replace(/[^\p{L}\p{N}]+/gu, ' ')
		.trim();
}

/** Distinct character k-grams of normalized text; a text shorter than k is one shingle. */
export function shingles(normalized: string, k = 4): Set<string> {
	const out = new Set<string>();
	if (normalized.length === 0) return out;
	if (normalized.length <= k) {
		out.add(normalized);
		return out;
	}
	for (let i = 0; i + k <= normalized.length; i++) out.add(normalized.slice(i, i + k));
	return out;
}

export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
	if (a.size === 0 && b.size === 0) return 1;
	let shared = 0;
	const [small, large] = a.size <= b.size ? [a, b] : [b, a];
	for (const s of small) if (large.has(s)) shared++;
	return shared / (a.size + b.size - shared);
}

/** Jaccard similarity of two raw texts under the same normalization and shingling as the join. */
export function rationaleSimilarity(a: string, b: string, shingleSize = 4): number {
	return jaccard(shingles(normalizeRationale(a), shingleSize), shingles(normalizeRationale(b), shingleSize));
}

interface OwnerState {
	/** the owner's first and second item in this group (-1 when absent) */
	first: number;
	second: number;
	/** a near-duplicate by the same owner (in this group or another), or -1 */
	same: number;
	/** a near-duplicate by another owner, or -1 */
	other: number;
}

interface Group {
	/** item indices with this exact normalized text */
	members: number[];
	/** shingles as ranks in the global order (rarest first), ascending: the prefix is the rarest shingles */
	tokens: Int32Array;
	owners: Map<string, OwnerState>;
	/** some owner still lacks a same-owner or other-owner match that could exist */
	open: boolean;
}

/**
 * For each item, one near-duplicate written by the same owner and one written by someone else (or -1).
 * Empty texts (after normalization) match nothing.
 */
export function findNearDuplicates(items: readonly NearDuplicateItem[], options: NearDuplicateOptions = {}): NearDuplicateMatch[] {
	const k = options.shingleSize ?? 4;
	const t = options.threshold ?? 0.8;
	if (!(t > 0 && t <= 1)) throw new RangeError(`threshold must be in (0, 1], got ${t}`);
	if (!Number.isInteger(k) || k < 1) throw new RangeError(`shingleSize must be a positive integer, got ${k}`);

	// 1. identical normalized texts form one group
	const groupOf = new Map<string, number>();
	const texts: string[] = [];
	const members: number[][] = [];
	const allOwners = new Set<string>();
	items.forEach((item, i) => {
		const norm = normalizeRationale(item.text);
		if (norm === '') return;
		allOwners.add(item.owner);
		let g = groupOf.get(norm);
		if (g === undefined) {
			groupOf.set(norm, (g = texts.length));
			texts.push(norm);
			members.push([]);
		}
		members[g].push(i);
	});
	const othersExist = allOwners.size > 1;

	// 2. shingles as ranks in the global order: rarest (over groups) first
	const interner = new ShingleInterner(k);
	const idSets = texts.map((text) => interner.idsOf(text));
	const frequency = interner.frequency;
	const keys = new Float64Array(frequency.length);
	for (let id = 0; id < frequency.length; id++) keys[id] = frequency[id] * 2 ** 26 + id;
	keys.sort();
	const rank = new Int32Array(frequency.length);
	for (let r = 0; r < keys.length; r++) rank[keys[r] % 2 ** 26] = r;

	const groups: Group[] = idSets.map((ids, g) => {
		const owners = new Map<string, OwnerState>();
		for (const i of members[g]) {
			const o = owners.get(items[i].owner);
			if (!o) owners.set(items[i].owner, { first: i, second: -1, same: -1, other: -1 });
			else if (o.second === -1) o.same = o.second = i;
		}
		if (owners.size > 1) {
			for (const [owner, o] of owners) {
				for (const [otherOwner, p] of owners) {
					if (otherOwner !== owner) {
						o.other = p.first;
						break;
					}
				}
			}
		}
		const tokens = new Int32Array(ids.length);
		for (let i = 0; i < ids.length; i++) tokens[i] = rank[ids[i]];
		tokens.sort();
		const group: Group = { members: members[g], tokens, owners, open: true };
		group.open = isOpen(group, othersExist);
		return group;
	});

	// 3. the join; a pair is verified only while one side still lacks a match the other could give it
	similarityJoin(
		groups.map((g) => g.tokens),
		t,
		(x, y) => canGain(groups[x], groups[y], othersExist),
		(x, y) => link(groups[x], groups[y], othersExist)
	);

	const out: NearDuplicateMatch[] = items.map(() => ({ sameOwner: -1, otherOwner: -1 }));
	for (const g of groups) {
		for (const i of g.members) {
			const o = g.owners.get(items[i].owner)!;
			// an identical text by the same owner is the best evidence; else the near-duplicate found by the join
			const twin = i !== o.first ? o.first : o.second;
			out[i] = { sameOwner: twin !== -1 ? twin : o.same, otherOwner: o.other };
		}
	}
	return out;
}

/**
 * Gives each distinct shingle a dense integer id without building a string per shingle: up to four
 * characters below U+2000 pack exactly into one number (13 bits each, 52 bits in all); anything else is
 * keyed by its string. The sets are the same as `shingles()` returns.
 */
class ShingleInterner {
	readonly frequency: number[] = [];
	private readonly packed = new PackedTable();
	private readonly strings = new Map<string, number>();
	private readonly lastText: number[] = [];
	private texts = 0;
	constructor(private readonly k: number) {}

	idsOf(text: string): number[] {
		const k = this.k;
		const textNo = this.texts++;
		const ids: number[] = [];
		const add = (id: number) => {
			if (this.lastText[id] === textNo) return;
			this.lastText[id] = textNo;
			this.frequency[id]++;
			ids.push(id);
		};
		if (text.length <= k) {
			add(this.internString(text));
			return ids;
		}
		for (let i = 0; i + k <= text.length; i++) {
			let key = 0;
			let packable = k <= 4;
			for (let j = 0; packable && j < k; j++) {
				const c = text.charCodeAt(i + j);
				if (c >= 0x2000) packable = false;
				else key = key * 0x2000 + c;
			}
			if (!packable) add(this.internString(text.slice(i, i + k)));
			else {
				let id = this.packed.get(key);
				if (id === -1) this.packed.set(key, (id = this.newId()));
				add(id);
			}
		}
		return ids;
	}

	private internString(key: string): number {
		let id = this.strings.get(key);
		if (id === undefined) this.strings.set(key, (id = this.newId()));
		return id;
	}

	private newId(): number {
		this.frequency.push(0);
		this.lastText.push(-1);
		return this.frequency.length - 1;
	}
}

/** Open-addressing hash table from packed shingles (integers below 2^52) to ids; a Map of doubles is slower. */
class PackedTable {
	private keys = new Float64Array(1024).fill(-1);
	private values = new Int32Array(1024);
	private count = 0;

	private slot(key: number): number {
		const mask = this.keys.length - 1;
		const hi = Math.floor(key / 0x4000000);
		let i = (Math.imul(hi ^ Math.imul(key % 0x4000000, 0x9e3779b1), 0x85ebca6b) ^ hi) & mask;
		while (this.keys[i] !== -1 && this.keys[i] !== key) i = (i + 1) & mask;
		return i;
	}

	get(key: number): number {
		const i = this.slot(key);
		return this.keys[i] === key ? this.values[i] : -1;
	}

	set(key: number, value: number): void {
		if ((this.count + 1) * 2 > this.keys.length) this.grow();
		const i = this.slot(key);
		if (this.keys[i] !== key) this.count++;
		this.keys[i] = key;
		this.values[i] = value;
	}

	private grow(): void {
		const { keys, values } = this;
		this.keys = new Float64Array(keys.length * 2).fill(-1);
		this.values = new Int32Array(values.length * 2);
		for (let i = 0; i < keys.length; i++) {
			if (keys[i] === -1) continue;
			const j = this.slot(keys[i]);
			this.keys[j] = keys[i];
			this.values[j] = values[i];
		}
	}
}

const BITMAP_WORDS = 8;

/**
 * PPJoin over token sets (ascending ranks, rarest first): calls `found(x, y)` for pairs with Jaccard ≥ t,
 * skipping pairs for which `wanted(x, y)` is false. Every pair with Jaccard ≥ t is offered to `wanted`.
 */
function similarityJoin(
	sets: readonly Int32Array[],
	t: number,
	wanted: (x: number, y: number) => boolean,
	found: (x: number, y: number) => void
): void {
	const n = sets.length;
	const ceil = (v: number) => Math.ceil(v - 1e-9);
	const size = Int32Array.from(sets, (s) => s.length);
	const order = Int32Array.from(sets.keys()).sort((a, b) => size[a] - size[b] || a - b);

	// postings (CSR, filled as sets are processed): for each token, the sets processed so far that index it,
	// in processing order, with the token's position and the set's size
	let vocabulary = 0;
	for (const s of sets) for (const token of s) if (token >= vocabulary) vocabulary = token + 1;
	const indexPrefix = Int32Array.from(size, (m) => m - ceil(((2 * t) / (1 + t)) * m) + 1);
	const start = new Int32Array(vocabulary + 1);
	for (let g = 0; g < n; g++) for (let i = 0; i < indexPrefix[g]; i++) start[sets[g][i] + 1]++;
	for (let v = 0; v < vocabulary; v++) start[v + 1] += start[v];
	const fill = start.slice(0, vocabulary);
	const head = start.slice(0, vocabulary);
	const entrySet = new Int32Array(start[vocabulary]);
	const entryAt = new Int32Array(start[vocabulary]);
	const entrySize = new Int32Array(start[vocabulary]);

	// a 256-bit map of each set: every bit set in the XOR of two maps is a token in only one of the sets, so
	// overlap ≤ (|x| + |y| − popcount(xor)) / 2 — a cheap bound that discards most pairs before the merge
	const bitmaps = new Uint32Array(n * BITMAP_WORDS);
	for (let g = 0; g < n; g++) {
		for (const token of sets[g]) {
			const h = Math.imul(token, 0x9e3779b1) >>> 24;
			bitmaps[g * BITMAP_WORDS + (h >>> 5)] |= 1 << (h & 31);
		}
	}

	const overlap = new Int32Array(n);
	const probedBy = new Int32Array(n).fill(-1);
	const touched = new Int32Array(n);
	const share = t / (1 + t);
	for (const x of order) {
		const tokens = sets[x];
		const sizeX = size[x];
		const minSize = ceil(t * sizeX);
		const probePrefix = sizeX - minSize + 1;
		let touchedCount = 0;
		for (let i = 0; i < probePrefix; i++) {
			const token = tokens[i];
			// size filter (J ≤ |y| / |x|): sets arrive in ascending size, so a set too small for x is too small
			// for every later set as well and is dropped from the front of the list for good
			let e = head[token];
			const end = fill[token];
			while (e < end && entrySize[e] < minSize) e++;
			head[token] = e;
			for (; e < end; e++) {
				const y = entrySet[e];
				const sizeY = entrySize[e];
				if (probedBy[y] !== x) {
					probedBy[y] = x;
					overlap[y] = 0;
					touched[touchedCount++] = y;
				} else if (overlap[y] < 0) continue; // already pruned
				// positional filter: the overlap can grow at most by the tokens left after this one in each set
				const needed = Math.ceil(share * (sizeX + sizeY) - 1e-9);
				const bound = overlap[y] + 1 + Math.min(sizeX - i - 1, sizeY - entryAt[e] - 1);
				overlap[y] = bound >= needed ? overlap[y] + 1 : -1;
			}
		}
		for (let c = 0; c < touchedCount; c++) {
			const y = touched[c];
			if (overlap[y] <= 0) continue;
			const needed = Math.ceil(share * (sizeX + size[y]) - 1e-9);
			// overlap ≥ needed requires popcount(xor) ≤ |x| + |y| − 2·needed; most pairs exceed it within a word or two
			const maxDiffering = sizeX + size[y] - 2 * needed;
			let differing = 0;
			for (let w = 0; w < BITMAP_WORDS && differing <= maxDiffering; w++)
				differing += popcount(bitmaps[x * BITMAP_WORDS + w] ^ bitmaps[y * BITMAP_WORDS + w]);
			if (differing > maxDiffering) continue;
			if (!wanted(x, y)) continue;
			if (overlapAtLeast(tokens, sets[y], needed)) found(x, y);
		}
		for (let i = 0; i < indexPrefix[x]; i++) {
			const e = fill[tokens[i]]++;
			entrySet[e] = x;
			entryAt[e] = i;
			entrySize[e] = sizeX;
		}
	}
}

function popcount(v: number): number {
	v = v - ((v >>> 1) & 0x55555555);
	v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
	return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

function isOpen(g: Group, othersExist: boolean): boolean {
	for (const o of g.owners.values()) if (o.same === -1 || (othersExist && o.other === -1)) return true;
	return false;
}

/** Would a match between the two groups give some owner in either a match it lacks? */
function canGain(a: Group, b: Group, othersExist: boolean): boolean {
	if (!a.open && !b.open) return false;
	return gains(a, b, othersExist) || gains(b, a, othersExist);
}

function gains(a: Group, b: Group, othersExist: boolean): boolean {
	if (!a.open) return false;
	for (const [owner, o] of a.owners) {
		if (o.same === -1 && b.owners.has(owner)) return true;
		if (othersExist && o.other === -1 && (b.owners.size > 1 || !b.owners.has(owner))) return true;
	}
	return false;
}

function link(a: Group, b: Group, othersExist: boolean): void {
	for (const [owner, o] of a.owners) {
		const p = b.owners.get(owner);
		if (p) {
			if (o.same === -1) o.same = p.first;
			if (p.same === -1) p.same = o.first;
		}
	}
	adoptOther(a, b);
	adoptOther(b, a);
	a.open = isOpen(a, othersExist);
	b.open = isOpen(b, othersExist);
}

function adoptOther(a: Group, b: Group): void {
	for (const [owner, o] of a.owners) {
		if (o.other !== -1) continue;
		for (const [otherOwner, p] of b.owners) {
			if (otherOwner !== owner) {
				o.other = p.first;
				break;
			}
		}
	}
}

/** Merge of two ascending token arrays that stops as soon as `needed` shared tokens are reached or out of reach. */
function overlapAtLeast(a: Int32Array, b: Int32Array, needed: number): boolean {
	let i = 0;
	let j = 0;
	let shared = 0;
	while (i < a.length && j < b.length) {
		if (shared + Math.min(a.length - i, b.length - j) < needed) return false;
		if (a[i] === b[j]) {
			if (++shared >= needed) return true;
			i++;
			j++;
		} else if (a[i] < b[j]) i++;
		else j++;
	}
	return shared >= needed;
}
