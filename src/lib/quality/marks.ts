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
	const appearances = new Map<string, number>();
	const sideSystem = new Map<string, string>();
	for (const v of votes) {
		appearances.set(v.leftSystem, (appearances.get(v.leftSystem) ?? 0) + 1);
		appearances.set(v.rightSystem, (appearances.get(v.rightSystem) ?? 0) + 1);
		sideSystem.set(`${v.id}|left`, v.leftSystem);
		sideSystem.set(`${v.id}|right`, v.rightSystem);
	}
	// per system and kind: the appearances (vote|side) marked, and the number of marks
	const seen = new Map<string, Set<string>>();
	const totals = new Map<string, number>();
	const add = (voteId: string, side: MarkSide, kind: string) => {
		const appearance = `${voteId}|${side}`;
		const system = sideSystem.get(appearance);
		if (system === undefined) return;
		const key = `${system}\u0000${kind}`;
		let set = seen.get(key);
		if (!set) seen.set(key, (set = new Set()));
		set.add(appearance);
		totals.set(key, (totals.get(key) ?? 0) + 1);
	};
	for (const m of marks) add(m.voteId, m.side, m.kind);
	for (const m of missing) add(m.voteId, m.side, MISSED);
	const rows: KindRate[] = [];
	for (const system of [...appearances.keys()].sort((a, b) => a.localeCompare(b))) {
		const n = appearances.get(system) ?? 0;
		for (const kind of [...kinds, MISSED]) {
			const key = `${system}\u0000${kind}`;
			const marked = seen.get(key)?.size ?? 0;
			const total = totals.get(key) ?? 0;
			rows.push({ system, kind, appearances: n, marked, total, perAppearance: n ? total / n : null, ...wilson(marked, n) });
		}
	}
	return rows;
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
 * Evaluators whose marking does not look like looking: one who never marks anything although other
 * evaluators mark the same images often, and one whose marks pile up in one grid cell on many images.
 * Only evaluators with a reason are returned.
 */
export function markSignals(
	votes: readonly MarkVote[],
	marks: readonly MarkRecord[],
	options: Partial<MarkSignalThresholds> = {}
): MarkSignal[] {
	const t = { ...DEFAULT_MARK_THRESHOLDS, ...options };
	const voteById = new Map(votes.map((v) => [v.id, v]));
	const markedAppearances = new Set<string>();
	const marksByUser = new Map<string, { cell: string; image: string }[]>();
	for (const m of marks) {
		const v = voteById.get(m.voteId);
		if (!v) continue;
		markedAppearances.add(`${m.voteId}|${m.side}`);
		const { row, col } = markCell(m);
		const image = m.side === 'left' ? v.leftImageId : v.rightImageId;
		let list = marksByUser.get(v.userId);
		if (!list) marksByUser.set(v.userId, (list = []));
		list.push({ cell: `${row},${col}`, image });
	}
	// per image: its views (user, marked?)
	const views = new Map<string, { userId: string; marked: boolean }[]>();
	const users = new Set<string>();
	for (const v of votes) {
		users.add(v.userId);
		for (const side of ['left', 'right'] as const) {
			const image = side === 'left' ? v.leftImageId : v.rightImageId;
			let list = views.get(image);
			if (!list) views.set(image, (list = []));
			list.push({ userId: v.userId, marked: markedAppearances.has(`${v.id}|${side}`) });
		}
	}
	const out: MarkSignal[] = [];
	for (const userId of [...users].sort()) {
		const reasons: Reason<MarkFlagCode>[] = [];
		const own = marksByUser.get(userId) ?? [];
		if (own.length === 0) {
			// the images this evaluator saw that the others mark often
			let often = 0;
			for (const list of views.values()) {
				if (!list.some((x) => x.userId === userId)) continue;
				const others = list.filter((x) => x.userId !== userId);
				if (others.length && others.filter((x) => x.marked).length / others.length >= t.othersMarkShare) often++;
			}
			if (often >= t.neverMarksMinImages)
				reasons.push({
					code: 'never_marks',
					message: `never marks anything, while other evaluators marked ${often} of the same images in at least ${pct(t.othersMarkShare)} of their views`
				});
		} else if (own.length >= t.sameRegionMinMarks) {
			const byCell = new Map<string, Set<string>>();
			const cellCount = new Map<string, number>();
			for (const m of own) {
				cellCount.set(m.cell, (cellCount.get(m.cell) ?? 0) + 1);
				let images = byCell.get(m.cell);
				if (!images) byCell.set(m.cell, (images = new Set()));
				images.add(m.image);
			}
			const [cell, count] = [...cellCount.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
			const images = byCell.get(cell)?.size ?? 0;
			if (count / own.length >= t.sameRegionShare && images >= t.sameRegionMinImages) {
				const [row, col] = cell.split(',').map(Number);
				reasons.push({
					code: 'same_region',
					message: `puts ${pct(count / own.length)} of their ${own.length} marks in the same region (grid cell row ${row + 1}, column ${col + 1}) on ${images} different images`
				});
			}
		}
		if (reasons.length) out.push({ userId, reasons });
	}
	return out;
}
