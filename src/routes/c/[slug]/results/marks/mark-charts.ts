// The marks page's two figures as data (pure, SSR-safe): the rate-with-interval dot plot per system
// and the grid heatmap of where marks fall, each with the table its view, CSV and tooltips share.
import { axisTicks, heatmapColor, linear, textColorOn, WIDTH, type Tick } from '$lib/charts/scales';
import { cellValue, formatValue, numberColumn, textColumn, type TableData } from '$lib/charts/table';
import type { KindRate } from '$lib/quality/marks';

const pct = (v: number | null) => formatValue(v, 'percent');

export function rateTable(rows: KindRate[]): TableData {
	return {
		columns: [
			textColumn('System'),
			numberColumn('Appearances', 'count'),
			numberColumn('Marked', 'count'),
			numberColumn('Rate', 'percent'),
			numberColumn('95% low', 'percent'),
			numberColumn('95% high', 'percent'),
			numberColumn('Per appearance', 'number')
		],
		rows: rows.map((r) => [
			r.system,
			r.appearances,
			r.marked,
			cellValue(r.rate, 'percent'),
			cellValue(r.low, 'percent'),
			cellValue(r.high, 'percent'),
			r.perAppearance === null ? null : Math.round(r.perAppearance * 1000) / 1000
		]),
		rowHeader: 0
	};
}

export interface RateLayout {
	height: number;
	left: number;
	right: number;
	top: number;
	bottom: number;
	ticks: Tick[];
	rows: { y: number; label: string; x: number | null; lo: number | null; hi: number | null; tip: string }[];
}

export function rateLayout(rows: KindRate[]): RateLayout {
	const left = 170;
	const right = WIDTH - 30;
	const top = 12;
	const step = 28;
	const bottom = top + Math.max(1, rows.length) * step;
	const max = Math.max(0.1, ...rows.map((r) => r.high ?? 0));
	const x = linear([0, Math.min(1, max)], [left, right]);
	return {
		height: bottom + 48,
		left,
		right,
		top,
		bottom,
		ticks: axisTicks(x, 6, '.0%'),
		rows: rows.map((r, i) => ({
			y: top + step * (i + 0.5),
			label: r.system.length > 24 ? r.system.slice(0, 23) + '…' : r.system,
			x: r.rate === null ? null : x(r.rate),
			lo: r.low === null ? null : x(r.low),
			hi: r.high === null ? null : x(r.high),
			tip: `${r.system}: ${pct(r.rate)} of ${r.appearances} appearances (95% ${pct(r.low)}–${pct(r.high)}), ${r.marked} marked`
		}))
	};
}

export function rateSummary(rows: KindRate[], what: string): string {
	if (!rows.length) return 'No votes yet.';
	return rows.map((r) => `${r.system}: ${what} ${pct(r.rate)} (95% ${pct(r.low)} to ${pct(r.high)})`).join('; ');
}

/** Row and column names of the heatmap's table: what a screen reader and the CSV say. */
export const rowName = (i: number, grid: number) => `Row ${i + 1}${i === 0 ? ' (top)' : i === grid - 1 ? ' (bottom)' : ''}`;
export const colName = (j: number, grid: number) => `Column ${j + 1}${j === 0 ? ' (left)' : j === grid - 1 ? ' (right)' : ''}`;

export function gridTable(counts: number[][]): TableData {
	const grid = counts.length;
	return {
		columns: [textColumn('Image row'), ...counts.map((_, j) => numberColumn(colName(j, grid), 'count'))],
		rows: counts.map((row, i) => [rowName(i, grid), ...row]),
		rowHeader: 0
	};
}

export interface GridLayout {
	size: number;
	cell: number;
	x0: number;
	y0: number;
	cells: { i: number; j: number; x: number; y: number; fill: string; text: string; textFill: string; tip: string }[];
}

export function gridLayout(counts: number[][]): GridLayout {
	const grid = counts.length;
	const size = 400;
	const cell = size / grid;
	const x0 = (WIDTH - size) / 2;
	const y0 = 10;
	const color = heatmapColor('count', counts.flat());
	const total = counts.flat().reduce((a, b) => a + b, 0);
	return {
		size,
		cell,
		x0,
		y0,
		cells: counts.flatMap((row, i) =>
			row.map((n, j) => {
				const fill = color.color(n);
				return {
					i,
					j,
					x: x0 + j * cell,
					y: y0 + i * cell,
					fill,
					text: n ? String(n) : '',
					textFill: textColorOn(fill),
					tip: `${rowName(i, grid)}, ${colName(j, grid)}: ${n} mark${n === 1 ? '' : 's'}${total ? ` (${pct(n / total)})` : ''}`
				};
			})
		)
	};
}
