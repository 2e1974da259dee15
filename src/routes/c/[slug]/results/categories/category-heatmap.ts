// The category × system heatmap: cells coloured by rating (diverging around the mean, 1000), the
// interval in each cell's tooltip and in the table. Pure, so it renders on the server.
import { interpolateRdBu, scaleDiverging } from 'd3';
import { numberColumn, textColumn, type TableData } from '$lib/charts/table';
import { textColorOn, textWidth, truncate, WIDTH } from '$lib/charts/scales';

export interface CategoryCell {
	rating: number;
	ci_low: number | null;
	ci_high: number | null;
	rank: number;
	rank_worst: number;
}

/** cells[c][s]: category c, system s; null where the category has no board or the system no votes in it */
export type CategoryMatrix = (CategoryCell | null)[][];

const fmt = (n: number) => n.toFixed(0);

export function cellTip(category: string, system: string, c: CategoryCell | null): string {
	if (!c) return `${system} in ${category}: no rating`;
	const ci = c.ci_low !== null && c.ci_high !== null ? ` [${fmt(c.ci_low)}, ${fmt(c.ci_high)}]` : '';
	const rank = c.rank === c.rank_worst ? `${c.rank}` : `${c.rank}–${c.rank_worst}`;
	return `${system} in ${category}: ${fmt(c.rating)}${ci}, rank ${rank}`;
}

/** One row per (category, system): everything the chart shows, and the intervals, for the table and CSV. */
export function categoryTable(categories: string[], systems: string[], cells: CategoryMatrix): TableData {
	const rows: TableData['rows'] = [];
	categories.forEach((cat, i) =>
		systems.forEach((sys, j) => {
			const c = cells[i][j];
			if (c)
				rows.push([
					cat,
					sys,
					Math.round(c.rating * 10) / 10,
					c.ci_low === null ? null : Math.round(c.ci_low * 10) / 10,
					c.ci_high === null ? null : Math.round(c.ci_high * 10) / 10,
					c.rank,
					c.rank_worst
				]);
		})
	);
	return {
		columns: [
			textColumn('Category'),
			textColumn('System'),
			numberColumn('Rating', 'rating'),
			numberColumn('95% CI low', 'rating'),
			numberColumn('95% CI high', 'rating'),
			numberColumn('Best rank', 'count'),
			numberColumn('Worst rank', 'count')
		],
		rows,
		rowHeader: 1
	};
}

export function categoryLayout(categories: string[], systems: string[], cells: CategoryMatrix) {
	const rowLabels = categories.map((c) => truncate(c, 24));
	const colLabels = systems.map((s) => truncate(s, 24));
	const left = Math.max(80, 20 + Math.max(0, ...rowLabels.map((l) => textWidth(l, 11))));
	const top = 12;
	const cw = Math.max(8, Math.min(70, (WIDTH - left - 16) / Math.max(1, systems.length)));
	const ch = Math.max(16, Math.min(40, cw * 0.6));
	const colDepth = Math.max(0, ...colLabels.map((l) => textWidth(l, 11))) * 0.71;
	const all = cells.flat().filter((c): c is CategoryCell => c !== null);
	const span = Math.max(50, ...all.map((c) => Math.abs(c.rating - 1000)));
	const color = scaleDiverging(interpolateRdBu).domain([1000 - span, 1000, 1000 + span]);
	const showText = cw >= 34;
	const marks = categories.flatMap((cat, i) =>
		systems.map((sys, j) => {
			const c = cells[i][j];
			const fill = c ? color(c.rating) : null;
			return {
				key: `${i}:${j}`,
				x: left + j * cw,
				y: top + i * ch,
				fill,
				text: c && showText ? fmt(c.rating) : '',
				textFill: fill ? textColorOn(fill) : '#1d1f21',
				tip: cellTip(cat, sys, c)
			};
		})
	);
	const gridBottom = top + categories.length * ch;
	return { left, top, cw, ch, rowLabels, colLabels, marks, gridBottom, height: gridBottom + 14 + colDepth + 12, span };
}
