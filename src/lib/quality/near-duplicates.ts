// Near-duplicate rationales: character shingles of normalized text and an exact Jaccard similarity join.
//
// The join uses prefix filtering (Bayardo et al. 2007, "Scaling up all pairs similarity search"): order
// every shingle set by global rarity; two sets with Jaccard ≥ t must share a shingle among the first
// |x| − ⌈t·|x|⌉ + 1 rarest of each. Only sets meeting there are compared, so the result is exact (no
// MinHash misses) and the work stays near-linear for thousands of rationales. Identical texts are grouped
// first, so one rationale pasted a thousand times costs one set, not a million comparisons.

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
	/** shingle ids sorted by (document frequency, id): the prefix-filter order */
	byRarity: Int32Array;
	/** the same ids sorted ascending, for the merge in the exact check */
	sorted: Int32Array;
	/** per owner: one matching item of the same owner / of another owner, or -1 */
	owners: Map<string, OwnerState>;
}

/**
 * For each item, one near-duplicate written by the same owner and one written by someone else (or -1).
 * Empty texts (after normalization) match nothing.
 */
export function findNearDuplicates(items: readonly NearDuplicateItem[], options: NearDuplicateOptions = {}): NearDuplicateMatch[] {
	const k = options.shingleSize ?? 4;
	const t = options.threshold ?? 0.8;
	if (!(t > 0 && t <= 1)) throw new RangeError(`threshold must be in (0, 1], got ${t}`);

	// 1. identical normalized texts form one group
	const groupOf = new Map<string, number>();
	const texts: string[] = [];
	const members: number[][] = [];
	items.forEach((item, i) => {
		const norm = normalizeRationale(item.text);
		if (norm === '') return;
		let g = groupOf.get(norm);
		if (g === undefined) {
			groupOf.set(norm, (g = texts.length));
			texts.push(norm);
			members.push([]);
		}
		members[g].push(i);
	});

	// 2. shingles as integer ids, with their document frequency over groups
	const shingleId = new Map<string, number>();
	const frequency: number[] = [];
	const sets: Int32Array[] = texts.map((text) => {
		const ids: number[] = [];
		for (const s of shingles(text, k)) {
			let id = shingleId.get(s);
			if (id === undefined) {
				shingleId.set(s, (id = frequency.length));
				frequency.push(0);
			}
			frequency[id]++;
			ids.push(id);
		}
		return Int32Array.from(ids);
	});
	const groups: Group[] = sets.map((ids, g) => {
		const owners = new Map<string, OwnerState>();
		for (const i of members[g]) {
			const o = owners.get(items[i].owner);
			if (!o) owners.set(items[i].owner, { first: i, second: -1, same: -1, other: -1 });
			else if (o.second === -1) o.same = o.second = i;
		}
		for (const [owner, o] of owners) {
			for (const [otherOwner, p] of owners) {
				if (otherOwner !== owner) {
					o.other = p.first;
					break;
				}
			}
		}
		const byRarity = Int32Array.from(ids).sort((a, b) => frequency[a] - frequency[b] || a - b);
		return { members: members[g], byRarity, sorted: Int32Array.from(ids).sort(), owners };
	});

	// 3. prefix-filtered join over groups, smallest sets first so every earlier set is no larger
	const order = groups.map((_, g) => g).sort((a, b) => groups[a].sorted.length - groups[b].sorted.length || a - b);
	const postings = new Map<number, number[]>();
	const seen = new Int32Array(groups.length).fill(-1);
	for (const x of order) {
		const gx = groups[x];
		const size = gx.sorted.length;
		const minOverlapSize = Math.ceil(t * size - 1e-9);
		const prefix = size - minOverlapSize + 1;
		for (let p = 0; p < prefix; p++) {
			const list = postings.get(gx.byRarity[p]);
			if (!list) continue;
			for (const y of list) {
				if (seen[y] === x) continue;
				seen[y] = x;
				const gy = groups[y];
				if (gy.sorted.length < minOverlapSize) continue; // size filter: J ≤ |y| / |x|
				if (saturated(gx) && saturated(gy)) continue;
				if (jaccardSorted(gx.sorted, gy.sorted) + 1e-12 >= t) link(gx, gy);
			}
		}
		for (let p = 0; p < prefix; p++) {
			const id = gx.byRarity[p];
			const list = postings.get(id);
			if (list) list.push(x);
			else postings.set(id, [x]);
		}
	}

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

function saturated(g: Group): boolean {
	for (const o of g.owners.values()) if (o.same === -1 || o.other === -1) return false;
	return true;
}

function link(a: Group, b: Group): void {
	for (const [owner, o] of a.owners) {
		const p = b.owners.get(owner);
		if (p) {
			if (o.same === -1) o.same = p.first;
			if (p.same === -1) p.same = o.first;
		}
	}
	for (const [owner, o] of a.owners) {
		if (o.other !== -1) continue;
		for (const [otherOwner, p] of b.owners) {
			if (otherOwner !== owner) {
				o.other = p.first;
				break;
			}
		}
	}
	for (const [owner, p] of b.owners) {
		if (p.other !== -1) continue;
		for (const [otherOwner, o] of a.owners) {
			if (otherOwner !== owner) {
				p.other = o.first;
				break;
			}
		}
	}
}

function jaccardSorted(a: Int32Array, b: Int32Array): number {
	let i = 0;
	let j = 0;
	let shared = 0;
	while (i < a.length && j < b.length) {
		if (a[i] === b[j]) {
			shared++;
			i++;
			j++;
		} else if (a[i] < b[j]) i++;
		else j++;
	}
	return shared / (a.length + b.length - shared);
}
