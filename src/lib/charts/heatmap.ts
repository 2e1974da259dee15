// Heatmap data: the K×K table, cell colours and text, and the legend (pure, SSR-safe).
import { ticks } from 'd3';
import { heatmapColor, textColorOn, textWidth, truncate, WIDTH, type HeatmapFormat } from './scales.ts';
import { cellValue, formatValue, numberColumn, textColumn, type TableData } from './table.ts';

export type { HeatmapFormat };

export function defaultLegendLabel(format: HeatmapFormat): string {
	return format === 'count' ? 'Battles' : format === 'percent' ? 'Observed win rate' : 'Predicted win probability';
}

/** Largest K at which each cell also prints its number. */
export const CELL_TEXT_MAX = 12;

export function heatmapTable(systems: string[], values: (number | null)[][], format: HeatmapFormat, rowLabel: string): TableData {
	return {
		columns: [textColumn(rowLabel), ...systems.map((s) => numberColumn(s, format))],
		rows: systems.map((s, i) => [s, ...systems.map((_, j) => cellValue(values[i]?.[j], format))]),
		rowHeader: 0
	};
}

export interface HeatCell {
	i: number;
	j: number;
	x: number;
	y: number;
	fill: string | null;
	text: string;
	textFill: string;
	tip: string;
}

export interface LegendStop {
	offset: number;
	color: string;
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
	legend: { x: number; y: number; width: number; stops: LegendStop[]; ticks: { pos: number; label: string }[] };
}

export function heatmapLayout(
	systems: string[],
	values: (number | null)[][],
	format: HeatmapFormat,
	legendLabel: string
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
	const raw = systems.map((_, i) => systems.map((_, j) => cellValue(values[i]?.[j], format)));
	const scale = heatmapColor(format, raw.flat());
	const showText = k <= CELL_TEXT_MAX;
	const cells: HeatCell[] = [];
	let hasMissing = false;
	raw.forEach((row, i) =>
		row.forEach((v, j) => {
			const fill = v === null ? null : scale.color(v);
			if (v === null) hasMissing = true;
			cells.push({
				i,
				j,
				x: left + j * cell,
				y: top + i * cell,
				fill,
				text: v === null ? '' : formatValue(v, format),
				textFill: fill ? textColorOn(fill) : '#000000',
				tip: `${systems[i]} vs ${systems[j]} — ${legendLabel}: ${v === null ? 'no data' : formatValue(v, format)}`
			});
		})
	);
	const legendWidth = 220;
	const [d0, d1] = scale.domain;
	const stops = Array.from({ length: 11 }, (_, n) => ({ offset: n / 10, color: scale.color(d0 + ((d1 - d0) * n) / 10) }));
	const tickValues = scale.kind === 'diverging' ? [0, 0.25, 0.5, 0.75, 1] : niceCountTicks(d1);
	return {
		height: Math.ceil(bottom + 56),
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
		legend: {
			x: left,
			y: bottom + 22,
			width: legendWidth,
			stops,
			ticks: tickValues.map((t) => ({ pos: ((t - d0) / (d1 - d0)) * legendWidth, label: format === 'percent' ? `${Math.round(t * 100)}%` : formatValue(t, format) }))
		}
	};
}

function niceCountTicks(max: number): number[] {
	// Counts are whole numbers, so fractional ticks (a maximum of 2 gives 0.5 steps) are dropped.
	return ticks(0, max, 4).filter(Number.isInteger);
}

export function heatmapSummary(systems: string[], format: HeatmapFormat, legendLabel: string): string {
	const scheme =
		format === 'count'
			? 'Darker blue means more.'
			: 'Blue means the row system is favoured, red the column system, white even odds (50%).';
	return `${systems.length}×${systems.length} matrix of ${legendLabel}, row system against column system. ${scheme} Hatched cells have no data. The table view lists every number.`;
}
