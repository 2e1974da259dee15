// Region marks, missed prompt elements and reason tags (pure): per-system rates with Wilson
// intervals, where on the image marks fall, and the evaluator signals a lead reads.
//
// Definitions (the results page and the API docs say the same):
// - An *appearance* is one image of one system shown in one vote (a vote gives each of its two
//   systems one appearance; a system against itself gives it two).
// - The *rate* of a mark kind for a system is the share of its appearances whose image got at least one
//   mark of that kind in that vote; the 95% interval is Wilson's score interval for that share.
//   The *missed* rate is the same with "at least one missed prompt element" instead of a mark.
// - *Per appearance* is the mean number of marks of that kind (missed elements) per appearance.
// - The *heatmap* cuts the image into GRID × GRID equal cells (image-relative, row 1 at the top) and
//   counts each mark once, in the cell that holds its centre (a point's own position); a centre on a
//   cell border belongs to the cell right of / below it, 1.0 to the last cell.

import type { Reason } from './types.ts';

export type MarkSide = 'left' | 'right';

export interface MarkRecord {
	voteId: string;
	side: MarkSide;
	kind: string;
	/** image-relative 0–1; x, y the top-left of a box or the point itself */
	x: number;
	y: number;
	/** 0 for a point */
	w: number;
	h: number;
}

export interface MissingRecord {
	voteId: string;
	side: MarkSide;
	element: string;
}

export interface MarkVote {
	id: string;
	userId: string;
	leftImageId: string;
	rightImageId: string;
	leftSystem: string;
	rightSystem: string;
}

export const Z95 = 1.959963984540054;
export const GRID = 8;
/** The pseudo-kind of the missed-element rate in rate tables. */
export const MISSED = 'missed';

export interface Interval {
	rate: number | null;
	low: number | null;
	high: number | null;
}

/** Wilson's score interval for k successes in n trials (null for n = 0). */
export function wilson(k: number, n: number, z = Z95): Interval {
	if (n <= 0) return { rate: null, low: null, high: null };
	const p = k / n;
	const z2 = z * z;
	const denom = 1 + z2 / n;
	const centre = (p + z2 / (2 * n)) / denom;
	const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
	return { rate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

export interface KindRate extends Interval {
	system: string;
	/** a mark kind key, or MISSED */
	kind: string;
	appearances: number;
	/** appearances with at least one mark of this kind (missed element) */
	marked: number;
	/** marks of this kind (missed elements) over all appearances */
	total: number;
	perAppearance: number | null;
}

/**
 * Rates per system and kind: every system with an appearance gets a row for every kind in `kinds`
 * (in that order, zero when never marked) and one for MISSED, systems by name.
 */
export function markRates(
	votes: readonly MarkVote[],
	marks: readonly MarkRecord[],
	missing: readonly MissingRecord[],
	kinds: readonly string[]
): KindRate[] {
	// integers instead of string keys: at 200,000 votes the keyed version spent seconds hashing
	const ix = indexVotes(votes);
	const systemCount = ix.systems.length;
	const allKinds = [...kinds, MISSED];
	const kindIndex = new Map(allKinds.map((k, i) => [k, i]));
	const K = allKinds.length;
	const appearances = new Float64Array(systemCount);
	for (let i = 0; i < votes.length; i++) {
		appearances[ix.left[i]]++;
		appearances[ix.right[i]]++;
	}
	// per kind, which appearances (vote × 2 + side) are marked; per system and kind, marked and total
	const seen = allKinds.map(() => new Uint8Array(votes.length * 2));
	const marked = new Float64Array(systemCount * K);
	const totals = new Float64Array(systemCount * K);
	const add = (voteId: string, side: MarkSide, kind: string) => {
		const i = ix.byId.get(voteId);
		const k = kindIndex.get(kind);
		if (i === undefined || k === undefined) return;
		const system = side === 'left' ? ix.left[i] : ix.right[i];
		const appearance = i * 2 + (side === 'left' ? 0 : 1);
		totals[system * K + k]++;
		if (!seen[k][appearance]) {
			seen[k][appearance] = 1;
			marked[system * K + k]++;
		}
	};
	for (const m of marks) add(m.voteId, m.side, m.kind);
	for (const m of missing) add(m.voteId, m.side, MISSED);
	const rows: KindRate[] = [];
	const order = ix.systems.map((name, index) => ({ name, index })).sort((a, b) => a.name.localeCompare(b.name));
	for (const { name: system, index } of order) {
		const n = appearances[index];
		allKinds.forEach((kind, k) => {
			const m = marked[index * K + k];
			const total = totals[index * K + k];
			rows.push({ system, kind, appearances: n, marked: m, total, perAppearance: n ? total / n : null, ...wilson(m, n) });
		});
	}
	return rows;
}

/** Votes by position: id → index, and each side's system as a small integer. */
function indexVotes(votes: readonly MarkVote[]) {
	const byId = new Map<string, number>();
	const systemIndex = new Map<string, number>();
	const systems: string[] = [];
	const sys = (name: string) => {
		let i = systemIndex.get(name);
		if (i === undefined) {
			systemIndex.set(name, (i = systems.length));
			systems.push(name);
		}
		return i;
	};
	const left = new Int32Array(votes.length);
	const right = new Int32Array(votes.length);
	votes.forEach((v, i) => {
		byId.set(v.id, i);
		left[i] = sys(v.leftSystem);
		right[i] = sys(v.rightSystem);
	});
	return { byId, systems, systemIndex, left, right };
}

/** The grid cell (0-based row and column) of a mark: the cell holding its centre. */
export function markCell(m: Pick<MarkRecord, 'x' | 'y' | 'w' | 'h'>, grid = GRID): { row: number; col: number } {
	const at = (v: number) => Math.max(0, Math.min(grid - 1, Math.floor(v * grid)));
	return { row: at(m.y + m.h / 2), col: at(m.x + m.w / 2) };
}

export interface MarkHeatmap {
	system: string;
	/** a kind key, or null for all kinds together */
	kind: string | null;
	/** counts[row][col] */
	counts: number[][];
	marks: number;
}

/**
 * Where the marks of one system (and one kind, or all with null) fall: a GRID × GRID count of mark
 * centres. Marks of votes not in `votes` are ignored (the selection decides).
 */
export function markHeatmap(
	votes: readonly MarkVote[],
	marks: readonly MarkRecord[],
	system: string,
	kind: string | null,
	grid = GRID
): MarkHeatmap {
	const counts = Array.from({ length: grid }, () => new Array<number>(grid).fill(0));
	const sides = new Map<string, { left: string; right: string }>();
	for (const v of votes) sides.set(v.id, { left: v.leftSystem, right: v.rightSystem });
	let total = 0;
	for (const m of marks) {
		const s = sides.get(m.voteId);
		if (!s || s[m.side] !== system || (kind !== null && m.kind !== kind)) continue;
		const { row, col } = markCell(m, grid);
		counts[row][col]++;
		total++;
	}
	return { system, kind, counts, marks: total };
}

/**
 * Every heatmap at once in one pass over the marks: per system, all kinds together (kind null) and
 * each of `kinds`, in that order; systems in the order given.
 */
export function markHeatmaps(
	votes: readonly MarkVote[],
	marks: readonly MarkRecord[],
	systems: readonly string[],
	kinds: readonly string[],
	grid = GRID
): MarkHeatmap[] {
	const ix = indexVotes(votes);
	const kindIndex = new Map(kinds.map((k, i) => [k, i + 1]));
	const K = kinds.length + 1;
	const out: MarkHeatmap[] = [];
	// by (system index in the votes) × K + (0 for all kinds, 1 + the kind's index)
	const slots = new Array<MarkHeatmap | undefined>(ix.systems.length * K);
	for (const system of systems)
		[null, ...kinds].forEach((kind, k) => {
			const h: MarkHeatmap = { system, kind, counts: Array.from({ length: grid }, () => new Array<number>(grid).fill(0)), marks: 0 };
			out.push(h);
			const si = ix.systemIndex.get(system);
			if (si !== undefined) slots[si * K + k] = h;
		});
	for (const m of marks) {
		const i = ix.byId.get(m.voteId);
		if (i === undefined) continue;
		const si = m.side === 'left' ? ix.left[i] : ix.right[i];
		const { row, col } = markCell(m, grid);
		for (const h of [slots[si * K], slots[si * K + (kindIndex.get(m.kind) ?? -si * K - 1)]]) {
			if (!h) continue;
			h.counts[row][col]++;
			h.marks++;
		}
	}
	return out;
}

// ——— evaluator signals ———

export type MarkFlagCode = 'never_marks' | 'same_region';

export interface MarkSignalThresholds {
	/** images the evaluator saw that others marked in at least this share of their views */
	neverMarksMinImages: number;
	/** "often": others marked the image in at least this share of their views of it */
	othersMarkShare: number;
	/** the evaluator's own marks needed before "same region" is judged */
	sameRegionMinMarks: number;
	/** the evaluator's marks on distinct images needed before "same region" is judged */
	sameRegionMinImages: number;
	/** share of the evaluator's marks whose centre falls in their most used cell */
	sameRegionShare: number;
}

export const DEFAULT_MARK_THRESHOLDS: MarkSignalThresholds = {
	neverMarksMinImages: 5,
	othersMarkShare: 0.5,
	sameRegionMinMarks: 8,
	sameRegionMinImages: 5,
	sameRegionShare: 0.8
};

export interface MarkSignal {
	userId: string;
	reasons: Reason<MarkFlagCode>[];
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

/**
 * A stored mark row (vote_mark's columns as the server reads them) as a MarkRecord: the one mapping
 * the quality report and the results page share. Coordinates may arrive as strings (PostgreSQL's
 * numeric) and are read as numbers.
 */
export interface MarkRow {
	vote_id: string;
	side: MarkSide;
	kind: string;
	x: number | string;
	y: number | string;
	w: number | string;
	h: number | string;
}

export function markRecord(m: MarkRow): MarkRecord {
	return { voteId: m.vote_id, side: m.side, kind: m.kind, x: Number(m.x), y: Number(m.y), w: Number(m.w), h: Number(m.h) };
}

/**
 * The votes as markSignalsColumns reads them: ids, users and images as small integers (the quality
 * report's VoteColumns fit as they are).
 */
export interface MarkVoteColumns {
	ids: readonly string[];
	users: readonly string[];
	/** per vote, an index into users */
	user: ArrayLike<number>;
	/** per vote, an image index (any numbering in [0, images.length)) */
	left: ArrayLike<number>;
	right: ArrayLike<number>;
	images: { readonly length: number };
}

/**
 * Evaluators whose marking does not look like looking: one who never marks anything although other
 * evaluators mark the same images often, and one whose marks pile up in one grid cell on many images.
 * Only evaluators with a reason are returned.
 */
export function markSignals(
	votes: readonly MarkVote[],
	marks: readonly MarkRecord[],
	options: Partial<MarkSignalThresholds> = {}
): MarkSignal[] {
	const userIndex = new Map<string, number>();
	const imageIndex = new Map<string, number>();
	const intern = (index: Map<string, number>, key: string) => {
		let i = index.get(key);
		if (i === undefined) index.set(key, (i = index.size));
		return i;
	};
	const user = new Int32Array(votes.length);
	const left = new Int32Array(votes.length);
	const right = new Int32Array(votes.length);
	votes.forEach((v, i) => {
		user[i] = intern(userIndex, v.userId);
		left[i] = intern(imageIndex, v.leftImageId);
		right[i] = intern(imageIndex, v.rightImageId);
	});
	return markSignalsColumns(
		{ ids: votes.map((v) => v.id), users: [...userIndex.keys()], user, left, right, images: { length: imageIndex.size } },
		marks,
		options
	);
}

/**
 * Marks as columns: per mark, the index of its vote in the votes' columns (-1: not one of them), its side
 * (1 left, 0 right) and its box. The quality worker reads them so from the database (no vote id string
 * per mark); markColumnsFromRows makes them from rows, markColumns from records.
 */
export interface MarkColumns {
	length: number;
	vote: Int32Array;
	left: Uint8Array;
	x: Float64Array;
	y: Float64Array;
	w: Float64Array;
	h: Float64Array;
}

/** Empty mark columns with room for `capacity` marks (fill, then set `length`). */
export function emptyMarkColumns(capacity: number): MarkColumns {
	return {
		length: 0,
		vote: new Int32Array(capacity),
		left: new Uint8Array(capacity),
		x: new Float64Array(capacity),
		y: new Float64Array(capacity),
		w: new Float64Array(capacity),
		h: new Float64Array(capacity)
	};
}

/** One mark as a row of columns (vote id, side, kind, x, y, w, h): as a database returns it, numbers maybe as text. */
export type MarkTuple = readonly [string, MarkSide, string, number | string, number | string, number | string, number | string];

/**
 * Marks as MarkColumns over these votes (a mark of another vote gets -1), in their order, from rows as
 * tuples (the quality worker reads them so: no object per mark).
 */
export function markColumnsFromRows(voteIds: readonly string[], rows: Iterable<MarkTuple>): MarkColumns {
	const byId = new Map<string, number>();
	for (let i = 0; i < voteIds.length; i++) byId.set(voteIds[i], i);
	let c = emptyMarkColumns(1024);
	let k = 0;
	for (const m of rows) {
		if (k === c.vote.length) {
			const grown = emptyMarkColumns(k * 2);
			grown.vote.set(c.vote);
			grown.left.set(c.left);
			for (const key of ['x', 'y', 'w', 'h'] as const) grown[key].set(c[key]);
			c = grown;
		}
		c.vote[k] = byId.get(m[0]) ?? -1;
		c.left[k] = m[1] === 'left' ? 1 : 0;
		c.x[k] = Number(m[3]);
		c.y[k] = Number(m[4]);
		c.w[k] = Number(m[5]);
		c.h[k] = Number(m[6]);
		k++;
	}
	c.length = k;
	return c;
}

/** Records as MarkColumns over these votes (markColumnsFromRows). */
export function markColumns(voteIds: readonly string[], marks: readonly MarkRecord[]): MarkColumns {
	return markColumnsFromRows(
		voteIds,
		marks.map((m): MarkTuple => [m.voteId, m.side, m.kind, m.x, m.y, m.w, m.h])
	);
}

/** markSignals over votes held as columns (the quality worker's): the same signals, no object per vote. */
export function markSignalsColumns(
	votes: MarkVoteColumns,
	records: readonly MarkRecord[] | MarkColumns,
	options: Partial<MarkSignalThresholds> = {}
): MarkSignal[] {
	const t = { ...DEFAULT_MARK_THRESHOLDS, ...options };
	const n = votes.ids.length;
	const nImages = votes.images.length;
	const nUsers = votes.users.length;
	const { user, left: leftImage, right: rightImage } = votes;
	const marks = Array.isArray(records) ? markColumns(votes.ids, records) : (records as MarkColumns);
	const markedAppearance = new Uint8Array(n * 2);
	// per mark of a known vote: its user, grid cell and image (typed arrays, not an object per mark);
	// per user: their marks and their marks per cell
	const markUser = new Int32Array(marks.length);
	const markCellOf = new Float64Array(marks.length);
	const markImage = new Int32Array(marks.length);
	const ownMarks = new Int32Array(nUsers);
	const CELLS = GRID * GRID;
	const cellCounts = new Int32Array(nUsers * CELLS);
	// a user with a mark whose cell is not a number (coordinates that are not): read the record path's way
	const irregular = new Uint8Array(nUsers);
	let known = 0;
	for (let k = 0; k < marks.length; k++) {
		const i = marks.vote[k];
		if (i < 0 || i >= n) continue;
		const isLeft = marks.left[k] === 1;
		markedAppearance[i * 2 + (isLeft ? 0 : 1)] = 1;
		// markCell, inline
		const row = Math.max(0, Math.min(GRID - 1, Math.floor((marks.y[k] + marks.h[k] / 2) * GRID)));
		const col = Math.max(0, Math.min(GRID - 1, Math.floor((marks.x[k] + marks.w[k] / 2) * GRID)));
		const cell = row * GRID + col;
		const u = user[i];
		markUser[known] = u;
		markCellOf[known] = cell;
		markImage[known] = isLeft ? leftImage[i] : rightImage[i];
		known++;
		ownMarks[u]++;
		if (cell >= 0 && cell < CELLS) cellCounts[u * CELLS + cell]++;
		else irregular[u] = 1;
	}
	// per image: its views and how many of them got a mark; per user: their votes
	const views = new Float64Array(nImages);
	const markedViews = new Float64Array(nImages);
	const userVotes = new Int32Array(nUsers);
	for (let i = 0; i < n; i++) {
		userVotes[user[i]]++;
		const l = leftImage[i];
		const r = rightImage[i];
		views[l]++;
		markedViews[l] += markedAppearance[i * 2];
		views[r]++;
		markedViews[r] += markedAppearance[i * 2 + 1];
	}
	const present: number[] = [];
	for (let u = 0; u < nUsers; u++) if (userVotes[u] > 0) present.push(u);
	present.sort((a, b) => (votes.users[a] < votes.users[b] ? -1 : votes.users[a] > votes.users[b] ? 1 : 0));

	// the votes of the users who never mark, grouped by user (counting sort), for "never marks"
	let votesOf: Int32Array | null = null;
	const votesStart = new Int32Array(nUsers + 1);
	for (const u of present) if (ownMarks[u] === 0) votesStart[u + 1] = userVotes[u];
	for (let u = 0; u < nUsers; u++) votesStart[u + 1] += votesStart[u];
	if (votesStart[nUsers] > 0) {
		votesOf = new Int32Array(votesStart[nUsers]);
		const fill = votesStart.slice(0, nUsers);
		for (let i = 0; i < n; i++) if (ownMarks[user[i]] === 0 && userVotes[user[i]] > 0) votesOf[fill[user[i]]++] = i;
	}
	// scratch, by image: this user's views of it, and which user last stamped it
	const ownViews = new Int32Array(nImages);
	const stamp = new Int32Array(nImages).fill(-1);
	const seenImages: number[] = [];

	const out: MarkSignal[] = [];
	for (const u of present) {
		const userId = votes.users[u];
		const reasons: Reason<MarkFlagCode>[] = [];
		const ownCount = ownMarks[u];
		if (ownCount === 0) {
			// the images this evaluator saw that the others mark often (their own views of it are unmarked)
			seenImages.length = 0;
			for (let k = votesStart[u]; k < votesStart[u + 1]; k++) {
				const i = votesOf![k];
				for (let side = 0; side < 2; side++) {
					const img = side === 0 ? leftImage[i] : rightImage[i];
					if (stamp[img] !== u) {
						stamp[img] = u;
						ownViews[img] = 0;
						seenImages.push(img);
					}
					ownViews[img]++;
				}
			}
			let often = 0;
			for (const img of seenImages) {
				const others = views[img] - ownViews[img];
				if (others > 0 && markedViews[img] / others >= t.othersMarkShare) often++;
			}
			if (often >= t.neverMarksMinImages)
				reasons.push({
					code: 'never_marks',
					message: `never marks anything, while other evaluators marked ${often} of the same images in at least ${pct(t.othersMarkShare)} of their views`
				});
		} else if (ownCount >= t.sameRegionMinMarks) {
			const reason = irregular[u]
				? sameRegionOf(ownOf(u, markUser, markCellOf, markImage, known))
				: sameRegionCounted(u, ownCount, cellCounts, CELLS, markUser, markCellOf, markImage, known, stamp);
			if (reason) reasons.push(reason);
		}
		if (reasons.length) out.push({ userId, reasons });
	}

	/** The "same region" reason of a user whose marks' cells are all on the grid (their counts summed above). */
	function sameRegionCounted(
		u: number,
		ownCount: number,
		counts: Int32Array,
		cells: number,
		markUser: Int32Array,
		markCellOf: Float64Array,
		markImage: Int32Array,
		known: number,
		stamp: Int32Array
	): Reason<MarkFlagCode> | null {
		// the most used cell, the lowest on a tie
		let cell = 0;
		let count = -1;
		for (let k = 0; k < cells; k++)
			if (counts[u * cells + k] > count) {
				count = counts[u * cells + k];
				cell = k;
			}
		// the distinct images of their marks in that cell (stamps of users are ≥ 0: mark these as -2 - u)
		let images = 0;
		for (let k = 0; k < known; k++)
			if (markUser[k] === u && markCellOf[k] === cell && stamp[markImage[k]] !== -2 - u) {
				stamp[markImage[k]] = -2 - u;
				images++;
			}
		return sameRegionReason(cell, count, ownCount, images);
	}

	function sameRegionReason(cell: number, count: number, ownCount: number, images: number): Reason<MarkFlagCode> | null {
		if (!(count / ownCount >= t.sameRegionShare && images >= t.sameRegionMinImages)) return null;
		const row = Math.floor(cell / GRID);
		const col = cell % GRID;
		return {
			code: 'same_region',
			message: `puts ${pct(count / ownCount)} of their ${ownCount} marks in the same region (grid cell row ${row + 1}, column ${col + 1}) on ${images} different images`
		};
	}

	/** The record path's reading of one user's marks (in mark order), for cells that are not numbers. */
	function sameRegionOf(own: { cell: number; image: number }[]): Reason<MarkFlagCode> | null {
		const byCell = new Map<number, Set<number>>();
		const cellCount = new Map<number, number>();
		for (const m of own) {
			cellCount.set(m.cell, (cellCount.get(m.cell) ?? 0) + 1);
			let images = byCell.get(m.cell);
			if (!images) byCell.set(m.cell, (images = new Set()));
			images.add(m.image);
		}
		const [cell, count] = [...cellCount.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0];
		return sameRegionReason(cell, count, own.length, byCell.get(cell)?.size ?? 0);
	}

	return out;
}

function ownOf(u: number, markUser: Int32Array, markCellOf: Float64Array, markImage: Int32Array, known: number) {
	const own: { cell: number; image: number }[] = [];
	for (let k = 0; k < known; k++) if (markUser[k] === u) own.push({ cell: markCellOf[k], image: markImage[k] });
	return own;
}

/**
 * The mark signals merged into a quality report's evaluators (the same objects, updated): a reason
 * flags the evaluator like any other quality flag.
 */
export function mergeMarkSignals(
	evaluators: readonly { userId: string; flagged: boolean; reasons: readonly Reason<string>[] }[],
	signals: readonly MarkSignal[]
): void {
	const byUser = new Map(signals.map((s) => [s.userId, s.reasons]));
	for (const e of evaluators) {
		const reasons = byUser.get(e.userId);
		if (!reasons) continue;
		e.flagged = true;
		(e.reasons as Reason<string>[]).push(...reasons);
	}
}
