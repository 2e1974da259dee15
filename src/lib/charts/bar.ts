// Bar chart data: bars, thinned category labels, an optional reference line, and the table (pure, SSR-safe).
import { scaleBand } from 'd3';
import { axisTicks, linear, textWidth, truncate, WIDTH, type Tick } from './scales.ts';
import { cellValue, formatValue, numberColumn, textColumn, type TableData, type ValueFormat } from './table.ts';

export interface BarDatum {
	label: string;
	value: number;
	/** how many votes the value comes from, when it is a rate (shown in the tooltip and table) */
	votes?: number;
}

export type BarFormat = Extract<ValueFormat, 'count' | 'percent' | 'number'>;

export function barTable(data: BarDatum[], xLabel: string, yLabel: string, format: BarFormat): TableData {
	const withVotes = data.some((d) => d.votes !== undefined);
	return {
		columns: [textColumn(xLabel), numberColumn(yLabel, format), ...(withVotes ? [numberColumn('Votes', 'count')] : [])],
		rows: data.map((d) => [d.label, cellValue(d.value, format), ...(withVotes ? [cellValue(d.votes, 'count')] : [])]),
		rowHeader: 0
	};
}

export function barTip(d: BarDatum, yLabel: string, format: BarFormat): string {
	const n = d.votes === undefined ? '' : `, from ${formatValue(d.votes, 'count')} vote${d.votes === 1 ? '' : 's'}`;
	return `${d.label}: ${formatValue(cellValue(d.value, format), format)} (${yLabel})${n}`;
}

/** [0, max] over the values and the reference; rates stay on 0–100% unless a value is outside it. */
export function barDomain(values: number[], format: BarFormat, reference?: number | null): [number, number] {
	const finite = values.filter(Number.isFinite);
	if (reference !== null && reference !== undefined && Number.isFinite(reference)) finite.push(reference);
	const lo = Math.min(0, ...finite);
	const hi = Math.max(0, ...finite);
	if (format === 'percent' && lo >= 0 && hi <= 1) return [0, 1];
	return [lo, hi > lo ? hi : lo + 1];
}

export interface BarLayout {
	height: number;
	left: number;
	right: number;
	top: number;
	bottom: number;
	yTicks: Tick[];
	bars: { x: number; y: number; width: number; height: number; tip: string }[];
	/** category labels drawn under the axis: every bar's, turned 40° when they do not fit side by side;
	 * thinned only when even turned ones would overlap (dozens of days) */
	labels: { x: number; text: string }[];
	/** rotation of the labels in degrees (0 or −40) */
	labelAngle: number;
	/** distance from the axis to its title, below the labels */
	titleOffset: number;
	refY: number | null;
}

const HEIGHT = 320;
const LABEL_ANGLE = -40;
/** Vertical room a turned label needs along the axis: its line height. */
const TURNED_STEP = 14;

export function barLayout(data: BarDatum[], yLabel: string, format: BarFormat, reference?: number | null, referenceText = ''): BarLayout {
	const left = 70;
	// The reference label sits right of the plot so bars never cover it.
	const right = WIDTH - 16 - (referenceText ? textWidth(referenceText, 11) + 8 : 0);
	const top = 22;
	const texts = data.map((d) => truncate(d.label, 20));
	const widest = Math.max(1, ...texts.map((t) => textWidth(t, 11) + 8));
	const step = (right - left) / Math.max(1, data.length);
	const turned = widest > step;
	// turned labels hang below the axis: the chart grows by their height instead of dropping labels
	const drop = turned ? Math.ceil(widest * Math.sin((-LABEL_ANGLE * Math.PI) / 180)) : 0;
	const height = HEIGHT + drop;
	const bottom = HEIGHT - 52;
	const x = scaleBand<number>()
		.domain(data.map((_, i) => i))
		.range([left, right])
		.paddingInner(data.length > 40 ? 0.08 : 0.2)
		.paddingOuter(0.1);
	const y = linear(
		barDomain(
			data.map((d) => d.value),
			format,
			reference
		),
		[bottom, top]
	);
	const zero = y(0);
	const every = Math.max(1, Math.ceil((turned ? TURNED_STEP : widest) / Math.max(1, x.step())));
	const hasRef = reference !== null && reference !== undefined && Number.isFinite(reference);
	return {
		height,
		labelAngle: turned ? LABEL_ANGLE : 0,
		titleOffset: turned ? 28 + drop : 40,
		left,
		right,
		top,
		bottom,
		yTicks: axisTicks(y, 5, format === 'percent' ? '%' : format === 'count' ? ',f' : undefined),
		bars: data.map((d, i) => {
			const v = Number.isFinite(d.value) ? (cellValue(d.value, format) as number) : 0;
			return {
				x: x(i) ?? 0,
				y: Math.min(y(v), zero),
				width: x.bandwidth(),
				height: Math.abs(zero - y(v)),
				tip: barTip(d, yLabel, format)
			};
		}),
		labels: texts.flatMap((text, i) => (i % every === 0 ? [{ x: (x(i) ?? 0) + x.bandwidth() / 2, text }] : [])),
		refY: hasRef ? y(reference as number) : null
	};
}

export function barSummary(data: BarDatum[], yLabel: string, format: BarFormat): string {
	if (!data.length) return 'No data yet.';
	let hi = data[0];
	let lo = data[0];
	for (const d of data) {
		if (d.value > hi.value) hi = d;
		if (d.value < lo.value) lo = d;
	}
	const f = (d: BarDatum) => `${d.label} (${formatValue(cellValue(d.value, format), format)})`;
	return `${data.length} bars of ${yLabel}: highest ${f(hi)}, lowest ${f(lo)}. The table view lists every number.`;
}
