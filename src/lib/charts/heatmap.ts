// Heatmap data: the K×K table, cell colours and text, and the legend (pure, SSR-safe).
import { ticks } from 'd3';
import { heatmapColor, lighten, textColorOn, textWidth, truncate, WIDTH, type HeatmapFormat } from './scales.ts';
import { cellValue, formatValue, numberColumn, textColumn, type CellDisplay, type TableData } from './table.ts';

export type { HeatmapFormat };

export function defaultLegendLabel(format: HeatmapFormat): string {
	return format === 'count' ? 'Battles' : format === 'percent' ? 'Observed win rate' : 'Predicted win probability';
}

/** Largest K at which each cell also prints its number. */
export const CELL_TEXT_MAX = 12;
/** Below this many battles a rate is shown lighter: "100.0%" from 9 battles is weak evidence. */
export const SMALL_N = 20;
/** How far a small-n cell's colour is mixed towards white. */
const SMALL_N_FADE = 0.6;
/** A system against itself: not applicable rather than missing. */
export const SAME_SYSTEM = 'same system';
const DIAGONAL_FILL = '#eceef0';

type Matrix = (number | null)[][];

const countOf = (counts: Matrix | undefined, i: number, j: number): number | null => {
	const n = counts?.[i]?.[j];
	return n === null || n === undefined || !Number.isFinite(n) ? null : n;
};

/** The matrix as a table; with `counts`, each rate cell also says from how many battles ("43.0% (n = 12)"). */
export function heatmapTable(systems: string[], values: Matrix, format: HeatmapFormat, rowLabel: string, counts?: Matrix): TableData {
	const display: (CellDisplay | undefined)[][] = systems.map((_, i) => [
		undefined,
		...systems.map((_, j): CellDisplay | undefined => {
			if (i === j) return { text: '—', label: SAME_SYSTEM };
			const v = cellValue(values[i]?.[j], format);
			const n = countOf(counts, i, j);
			return v !== null && n !== null && format !== 'count' ? { text: `${formatValue(v, format)} (n = ${n})` } : undefined;
		})
	]);
	return {
		columns: [textColumn(rowLabel), ...systems.map((s) => numberColumn(s, format))],
		rows: systems.map((s, i) => [s, ...systems.map((_, j) => (i === j ? null : cellValue(values[i]?.[j], format)))]),
		rowHeader: 0,
		display
	};
}

export interface HeatCell {
	i: number;
	j: number;
	x: number;
	y: number;
	/** null: no data (hatched) */
	fill: string | null;
	text: string;
	/** second line: the number of battles, when known */
	sub: string;
	textFill: string;
	tip: string;
	/** the diagonal: a system against itself */
	same: boolean;
	/** fewer than `minN` battles behind the value */
	small: boolean;
}

export interface LegendStop {
	offset: number;
	color: string;
}

export interface LegendKey {
	x: number;
	y: number;
	kind: 'missing' | 'small' | 'same';
	label: string;
	fill: string | null;
}

export interface HeatmapLayout {
	height: number;
	left: number;
	top: number;
	cell: number;
	size: number;
	rowLabels: string[];
	colLabels: string[];
	labelSize: number;
	showText: boolean;
	cells: HeatCell[];
	hasMissing: boolean;
	hasSmall: boolean;
	legend: { x: number; y: number; width: number; stops: LegendStop[]; ticks: { pos: number; label: string }[]; keys: LegendKey[] };
}

export function heatmapLayout(
	systems: string[],
	values: Matrix,
	format: HeatmapFormat,
	legendLabel: string,
	counts?: Matrix,
	minN = SMALL_N
): HeatmapLayout {
	const k = systems.length;
	const labels = systems.map((s) => truncate(s, 24));
	const labelSize = k > 24 ? 10 : 11;
	const labelWidth = Math.max(0, ...labels.map((l) => textWidth(l, labelSize)));
	const left = Math.max(70, 34 + labelWidth);
	const top = 12;
	const cell = Math.max(6, Math.min(64, (WIDTH - left - 16) / Math.max(1, k)));
	const size = cell * k;
	// Column labels are rotated 45°, so they take about 0.71 of their width downwards.
	const bottom = top + size + 14 + labelWidth * 0.71 + 30;
	const raw = systems.map((_, i) => systems.map((_, j) => (i === j ? null : cellValue(values[i]?.[j], format))));
	const scale = heatmapColor(format, raw.flat());
	const showText = k <= CELL_TEXT_MAX;
	// the battle count fits under the value only in cells tall enough for two lines
	const showSub = showText && counts !== undefined && format !== 'count' && cell >= 34;
	const cells: HeatCell[] = [];
	let hasMissing = false;
	let hasSmall = false;
	raw.forEach((row, i) =>
		row.forEach((v, j) => {
			const base = { i, j, x: left + j * cell, y: top + i * cell };
			if (i === j) {
				cells.push({
					...base,
					fill: DIAGONAL_FILL,
					text: '—',
					sub: '',
					textFill: '#4a4f55',
					same: true,
					small: false,
					tip: `${systems[i]} against itself: not applicable (${SAME_SYSTEM})`
				});
				return;
			}
			const n = format === 'count' ? null : countOf(counts, i, j);
			const small = v !== null && n !== null && n < minN;
			const fill = v === null ? null : small ? lighten(scale.color(v), SMALL_N_FADE) : scale.color(v);
			if (v === null) hasMissing = true;
			if (small) hasSmall = true;
			const nText = n === null ? '' : `, ${n} battle${n === 1 ? '' : 's'}${small ? ` (fewer than ${minN}: weak evidence)` : ''}`;
			cells.push({
				...base,
				fill,
				text: v === null ? '' : formatValue(v, format),
				sub: showSub && v !== null && n !== null ? `n=${n}` : '',
				textFill: fill ? textColorOn(fill) : '#000000',
				same: false,
				small,
				tip: `${systems[i]} vs ${systems[j]} — ${legendLabel}: ${v === null ? 'no data' : formatValue(v, format)}${nText}`
			});
		})
	);
	const legendWidth = 220;
	const [d0, d1] = scale.domain;
	const stops = Array.from({ length: 11 }, (_, n) => ({ offset: n / 10, color: scale.color(d0 + ((d1 - d0) * n) / 10) }));
	const tickValues = scale.kind === 'diverging' ? [0, 0.25, 0.5, 0.75, 1] : niceCountTicks(d1);
	// keys right of the ramp, one after another, wrapping under it when the row is full
	const keys: LegendKey[] = [];
	const room = WIDTH - left - 8;
	let keyX = legendWidth + 32;
	let keyY = 0;
	const addKey = (kind: LegendKey['kind'], label: string, fill: string | null) => {
		const w = 18 + textWidth(label, 11);
		if (keyX + w > room) [keyX, keyY] = [0, keyY + 40];
		keys.push({ x: keyX, y: keyY, kind, label, fill });
		keyX += w + 18;
	};
	if (k > 1) addKey('same', SAME_SYSTEM, DIAGONAL_FILL);
	if (hasSmall) addKey('small', `lighter: n < ${minN} battles`, lighten(scale.color(scale.kind === 'diverging' ? 0.85 : d1), SMALL_N_FADE));
	if (hasMissing) addKey('missing', 'no data', null);
	return {
		height: Math.ceil(bottom + 56 + keyY),
		left,
		top,
		cell,
		size,
		rowLabels: labels,
		colLabels: labels,
		labelSize,
		showText,
		cells,
		hasMissing,
		hasSmall,
		legend: {
			x: left,
			y: bottom + 22,
			width: legendWidth,
			stops,
			ticks: tickValues.map((t) => ({
				pos: ((t - d0) / (d1 - d0)) * legendWidth,
				label: format === 'count' ? formatValue(t, format) : `${Math.round(t * 100)}%`
			})),
			keys
		}
	};
}

function niceCountTicks(max: number): number[] {
	// Counts are whole numbers, so fractional ticks (a maximum of 2 gives 0.5 steps) are dropped.
	return ticks(0, max, 4).filter(Number.isInteger);
}

export function heatmapSummary(systems: string[], format: HeatmapFormat, legendLabel: string, counts?: Matrix, minN = SMALL_N): string {
	const scheme =
		format === 'count' ? 'Darker blue means more.' : 'Blue means the row system is favoured, red the column system, white even odds (50%).';
	const evidence =
		counts && format !== 'count'
			? ` Each cell also gives its number of battles (n); cells from fewer than ${minN} battles are lighter, as weak evidence.`
			: '';
	return `${systems.length}×${systems.length} matrix of ${legendLabel}, row system against column system. ${scheme}${evidence} The diagonal (a system against itself) is marked with a dash; hatched cells have no data. The table view lists every number.`;
}
