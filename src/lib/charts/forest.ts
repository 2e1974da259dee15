// Forest plot data: rows sorted best first, the table, and the drawing's geometry (pure, SSR-safe).
import { axisTicks, linear, paddedDomain, textWidth, truncate, WIDTH, type Tick } from './scales.ts';
import { cellValue, formatValue, numberColumn, textColumn, type TableData } from './table.ts';

export interface ForestInput {
	system: string;
	rating: number;
	ci_low: number | null;
	ci_high: number | null;
	rank: number;
}

/** Best first: rank, then rating, then name so equal rows keep a stable order. */
export function forestRows(rows: ForestInput[]): ForestInput[] {
	return [...rows].sort((a, b) => a.rank - b.rank || b.rating - a.rating || a.system.localeCompare(b.system));
}

export function forestTable(rows: ForestInput[]): TableData {
	return {
		columns: [
			numberColumn('Rank', 'count'),
			textColumn('System'),
			numberColumn('Rating', 'rating'),
			numberColumn('95% CI low', 'rating'),
			numberColumn('95% CI high', 'rating')
		],
		rows: forestRows(rows).map((r) => [
			r.rank,
			r.system,
			cellValue(r.rating, 'rating'),
			cellValue(r.ci_low, 'rating'),
			cellValue(r.ci_high, 'rating')
		]),
		rowHeader: 1
	};
}

export function forestTip(r: ForestInput): string {
	const rating = formatValue(cellValue(r.rating, 'rating'), 'rating');
	const hasCi = r.ci_low !== null && r.ci_high !== null;
	const ci = hasCi
		? `95% CI ${formatValue(cellValue(r.ci_low, 'rating'), 'rating')} to ${formatValue(cellValue(r.ci_high, 'rating'), 'rating')}`
		: 'no interval';
	return `${r.system}: rating ${rating}, ${ci}, rank ${r.rank}`;
}

export interface ForestMark {
	system: string;
	label: string;
	y: number;
	cx: number;
	x1: number | null;
	x2: number | null;
	tip: string;
}

export interface ForestLayout {
	height: number;
	left: number;
	right: number;
	top: number;
	plotBottom: number;
	rowHeight: number;
	ticks: Tick[];
	refX: number | null;
	marks: ForestMark[];
}

const ROW = 26;
const MAX_LABEL = 32;

export function forestLayout(rows: ForestInput[], reference = 1000): ForestLayout {
	const sorted = forestRows(rows);
	const labels = sorted.map((r) => truncate(r.system, MAX_LABEL));
	const left = Math.min(260, Math.max(90, 34 + Math.max(0, ...labels.map((l) => textWidth(l)))));
	const right = WIDTH - 24;
	const top = 28;
	const plotBottom = top + Math.max(1, sorted.length) * ROW;
	const values = sorted.flatMap((r) => [r.rating, r.ci_low, r.ci_high]);
	const x = linear(paddedDomain(values, 0.05, [reference]), [left, right]);
	const [d0, d1] = x.domain();
	return {
		height: plotBottom + 52,
		left,
		right,
		top,
		plotBottom,
		rowHeight: ROW,
		ticks: axisTicks(x, 6, 'f'),
		refX: reference >= d0 && reference <= d1 ? x(reference) : null,
		marks: sorted.map((r, i) => {
			const hasCi = r.ci_low !== null && r.ci_high !== null && Number.isFinite(r.ci_low) && Number.isFinite(r.ci_high);
			return {
				system: r.system,
				label: labels[i],
				y: top + i * ROW + ROW / 2,
				cx: x(r.rating),
				x1: hasCi ? x(r.ci_low as number) : null,
				x2: hasCi ? x(r.ci_high as number) : null,
				tip: forestTip(r)
			};
		})
	};
}

export function forestSummary(rows: ForestInput[]): string {
	const sorted = forestRows(rows);
	if (!sorted.length) return 'No ratings yet.';
	const best = sorted[0];
	const last = sorted[sorted.length - 1];
	const fmt = (r: ForestInput) => `${r.system} (${formatValue(cellValue(r.rating, 'rating'), 'rating')})`;
	return (
		`Ratings of ${sorted.length} system${sorted.length === 1 ? '' : 's'} with 95% intervals, best first: ` +
		`highest ${fmt(best)}, lowest ${fmt(last)}. The dashed line marks the mean rating. The table view lists every number.`
	);
}
