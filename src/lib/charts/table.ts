// The numbers behind a chart: one structure feeds the HTML table, the CSV and the marks' tooltips,
// so what is drawn, shown and downloaded cannot drift apart.
import { format as d3format, utcFormat } from 'd3';

export type Cell = string | number | null;

export interface Column {
	label: string;
	/** Text shown in the table; the CSV gets the raw cell. */
	format?: (value: Cell) => string;
	numeric?: boolean;
}

/** What the table shows in one cell instead of its formatted value; the CSV keeps the raw cell. */
export interface CellDisplay {
	text: string;
	/** read by screen readers instead of `text` (e.g. "same system" for a dash) */
	label?: string;
}

export interface TableData {
	columns: Column[];
	rows: Cell[][];
	/** Index of the column whose cells name the row (rendered as <th scope="row">). */
	rowHeader: number;
	/** per-cell overrides of the shown text, same shape as `rows` */
	display?: (CellDisplay | undefined)[][];
}

export type HeadingLevel = 2 | 3 | 4 | 5 | 6;
/** A heading level as a number (3) or a tag name ('h3'). */
export type HeadingLevelProp = HeadingLevel | `h${HeadingLevel}`;

export function headingLevel(level: HeadingLevelProp | undefined): HeadingLevel {
	if (level === undefined) return 3;
	return typeof level === 'number' ? level : (Number(level.slice(1)) as HeadingLevel);
}
export type ChartView = 'chart' | 'table';

export type ValueFormat = 'percent' | 'count' | 'probability' | 'rating' | 'number';

export const MISSING = '—';

// One format per quantity across charts, tooltips and tables: rates and probabilities are both
// percentages with one decimal ("43.0%"), like the leaderboard's win rate; ratings one decimal.
const formatters: Record<ValueFormat, (n: number) => string> = {
	percent: d3format('.1%'),
	count: d3format(','),
	probability: d3format('.1%'),
	rating: d3format('.1f'),
	number: d3format(',.4~r')
};

// Rounding to what is displayed keeps the CSV equal to the table rather than carrying hidden digits.
const digits: Record<ValueFormat, number | null> = {
	percent: 3,
	count: null,
	probability: 3,
	rating: 1,
	number: null
};

export function round(value: number, kind: ValueFormat): number {
	const d = digits[kind];
	if (d === null) return value;
	const f = 10 ** d;
	return Math.round(value * f) / f;
}

export function formatValue(value: Cell, kind: ValueFormat): string {
	if (value === null || value === '') return MISSING;
	if (typeof value === 'string') return value;
	if (!Number.isFinite(value)) return MISSING;
	return formatters[kind](value);
}

/** The cell value a table and CSV carry: rounded to the displayed precision, null when missing. */
export function cellValue(value: number | null | undefined, kind: ValueFormat): number | null {
	return value === null || value === undefined || !Number.isFinite(value) ? null : round(value, kind);
}

export function numberColumn(label: string, kind: ValueFormat): Column {
	return { label, numeric: true, format: (v) => formatValue(v, kind) };
}

export function textColumn(label: string): Column {
	return { label };
}

export function displayCell(column: Column, value: Cell): string {
	if (column.format) return column.format(value);
	return value === null ? MISSING : String(value);
}

export const formatTimeUtc = utcFormat('%Y-%m-%d %H:%M');
export const formatDateUtc = utcFormat('%Y-%m-%d');
