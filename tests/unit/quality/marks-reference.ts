// The evaluator mark signals as first written (src/lib/quality/marks.ts before it was made faster with
// typed arrays): the reference that tests/unit/quality/scale.test.ts checks markSignalsColumns against.
import {
	DEFAULT_MARK_THRESHOLDS,
	GRID,
	markCell,
	type MarkFlagCode,
	type MarkRecord,
	type MarkSignal,
	type MarkSignalThresholds,
	type MarkVoteColumns
} from '../../../src/lib/quality/marks.ts';
import type { Reason } from '../../../src/lib/quality/index.ts';

const pct = (x: number) => `${Math.round(x * 100)}%`;

/** markSignalsColumns as it was written first, with maps and an object per mark: the reference the faster one is checked against. */
export function markSignalsReference(
	votes: MarkVoteColumns,
	marks: readonly MarkRecord[],
	options: Partial<MarkSignalThresholds> = {}
): MarkSignal[] {
	const t = { ...DEFAULT_MARK_THRESHOLDS, ...options };
	const n = votes.ids.length;
	const nImages = votes.images.length;
	const nUsers = votes.users.length;
	const { user, left: leftImage, right: rightImage } = votes;
	const byId = new Map<string, number>();
	if (marks.length) for (let i = 0; i < n; i++) byId.set(votes.ids[i], i);
	const markedAppearance = new Uint8Array(n * 2);
	// per user, their marks as (cell, image)
	const marksByUser: { cell: number; image: number }[][] = Array.from({ length: nUsers }, () => []);
	for (const m of marks) {
		const i = byId.get(m.voteId);
		if (i === undefined) continue;
		const isLeft = m.side === 'left';
		markedAppearance[i * 2 + (isLeft ? 0 : 1)] = 1;
		const { row, col } = markCell(m);
		marksByUser[user[i]].push({ cell: row * GRID + col, image: isLeft ? leftImage[i] : rightImage[i] });
	}
	// per image: its views and how many of them got a mark; per user: their views of each image
	const views = new Float64Array(nImages);
	const markedViews = new Float64Array(nImages);
	const userImages: (Map<number, number> | undefined)[] = new Array(nUsers);
	for (let i = 0; i < n; i++) {
		const u = user[i];
		let own = userImages[u];
		if (!own) userImages[u] = own = new Map();
		for (let side = 0; side < 2; side++) {
			const img = side === 0 ? leftImage[i] : rightImage[i];
			views[img]++;
			markedViews[img] += markedAppearance[i * 2 + side];
			own.set(img, (own.get(img) ?? 0) + 1);
		}
	}
	const out: MarkSignal[] = [];
	const present: number[] = [];
	for (let u = 0; u < nUsers; u++) if (userImages[u]) present.push(u);
	present.sort((a, b) => (votes.users[a] < votes.users[b] ? -1 : votes.users[a] > votes.users[b] ? 1 : 0));
	for (const u of present) {
		const userId = votes.users[u];
		const reasons: Reason<MarkFlagCode>[] = [];
		const own = marksByUser[u];
		if (own.length === 0) {
			// the images this evaluator saw that the others mark often (their own views of it are unmarked)
			let often = 0;
			for (const [img, ownViews] of userImages[u]!) {
				const others = views[img] - ownViews;
				if (others > 0 && markedViews[img] / others >= t.othersMarkShare) often++;
			}
			if (often >= t.neverMarksMinImages)
				reasons.push({
					code: 'never_marks',
					message: `never marks anything, while other evaluators marked ${often} of the same images in at least ${pct(t.othersMarkShare)} of their views`
				});
		} else if (own.length >= t.sameRegionMinMarks) {
			const byCell = new Map<number, Set<number>>();
			const cellCount = new Map<number, number>();
			for (const m of own) {
				cellCount.set(m.cell, (cellCount.get(m.cell) ?? 0) + 1);
				let images = byCell.get(m.cell);
				if (!images) byCell.set(m.cell, (images = new Set()));
				images.add(m.image);
			}
			const [cell, count] = [...cellCount.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0];
			const images = byCell.get(cell)?.size ?? 0;
			if (count / own.length >= t.sameRegionShare && images >= t.sameRegionMinImages) {
				const row = Math.floor(cell / GRID);
				const col = cell % GRID;
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
