// Bar chart data: bars, thinned category labels, an optional reference line, and the table (pure, SSR-safe).
import { scaleBand } from 'd3';
import { axisTicks, linear, textWidth, truncate, WIDTH, type Tick } from './scales.ts';
import { cellValue, formatValue, numberColumn, textColumn, type TableData, type ValueFormat } from './table.ts';

export interface BarDatum {
	label: string;
	value: number;
}

export type BarFormat = Extract<ValueFormat, 'count' | 'percent' | 'number'>;

export function barTable(data: BarDatum[], xLabel: string, yLabel: string, format: BarFormat): TableData {
	return {
		columns: [textColumn(xLabel), numberColumn(yLabel, format)],
		rows: data.map((d) => [d.label, cellValue(d.value, format)]),
		rowHeader: 0
	};
}

export function barTip(d: BarDatum, yLabel: string, format: BarFormat): string {
	return `${d.label}: ${formatValue(cellValue(d.value, format), format)} (${yLabel})`;
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
	/** category labels drawn under the axis; thinned so they do not overlap */
	labels: { x: number; text: string }[];
	refY: number | null;
}

const HEIGHT = 320;

export function barLayout(
	data: BarDatum[],
	yLabel: string,
	format: BarFormat,
	reference?: number | null,
	referenceText = ''
): BarLayout {
	const left = 70;
	// The reference label sits right of the plot so bars never cover it.
	const right = WIDTH - 16 - (referenceText ? textWidth(referenceText, 11) + 8 : 0);
	const top = 22;
	const bottom = HEIGHT - 52;
	const x = scaleBand<number>()
		.domain(data.map((_, i) => i))
		.range([left, right])
		.paddingInner(data.length > 40 ? 0.08 : 0.2)
		.paddingOuter(0.1);
	const y = linear(barDomain(data.map((d) => d.value), format, reference), [bottom, top]);
	const zero = y(0);
	const texts = data.map((d) => truncate(d.label, 16));
	const widest = Math.max(1, ...texts.map((t) => textWidth(t, 11) + 8));
	const every = Math.max(1, Math.ceil(widest / Math.max(1, x.step())));
	const hasRef = reference !== null && reference !== undefined && Number.isFinite(reference);
	return {
		height: HEIGHT,
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
