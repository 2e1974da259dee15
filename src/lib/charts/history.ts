// Rating history data: per-system lines and interval bands over time, end labels, and the table (pure, SSR-safe).
import { area, extent, line, scaleUtc, utcFormat, type ScaleTime } from 'd3';
import { axisTicks, linear, paddedDomain, seriesStyle, spreadLabels, textWidth, truncate, WIDTH, type Tick } from './scales.ts';
import { cellValue, formatTimeUtc, formatValue, numberColumn, textColumn, type TableData } from './table.ts';

export interface HistoryPoint {
	/** epoch milliseconds */
	t: number;
	rating: number;
	ci_low: number | null;
	ci_high: number | null;
}

export interface HistorySeries {
	system: string;
	points: HistoryPoint[];
}

const byTime = (a: HistoryPoint, b: HistoryPoint) => a.t - b.t;
const hasCi = (p: HistoryPoint) => p.ci_low !== null && p.ci_high !== null && Number.isFinite(p.ci_low) && Number.isFinite(p.ci_high);

/** Rows for the visible series: Time, System, Rating, CI low, CI high; by time, then system. */
export function historyTable(series: HistorySeries[], hidden: ReadonlySet<string> = new Set()): TableData {
	const rows = series
		.filter((s) => !hidden.has(s.system))
		.flatMap((s) => s.points.map((p) => ({ s: s.system, p })))
		.sort((a, b) => a.p.t - b.p.t || a.s.localeCompare(b.s));
	return {
		columns: [
			{ label: 'Time (UTC)', format: (v) => (typeof v === 'string' ? formatTimeUtc(new Date(v)) : '—') },
			textColumn('System'),
			numberColumn('Rating', 'rating'),
			numberColumn('CI low', 'rating'),
			numberColumn('CI high', 'rating')
		],
		rows: rows.map(({ s, p }) => [
			new Date(p.t).toISOString(),
			s,
			cellValue(p.rating, 'rating'),
			cellValue(p.ci_low, 'rating'),
			cellValue(p.ci_high, 'rating')
		]),
		rowHeader: 1
	};
}

export function historyTip(system: string, p: HistoryPoint): string {
	const r = (v: number | null) => formatValue(cellValue(v, 'rating'), 'rating');
	const ci = hasCi(p) ? `, 95% CI ${r(p.ci_low)} to ${r(p.ci_high)}` : '';
	return `${system}, ${formatTimeUtc(new Date(p.t))} UTC: rating ${r(p.rating)}${ci}`;
}

export interface HistoryLine {
	system: string;
	index: number;
	color: string;
	dash: string;
	line: string;
	band: string;
	label: string;
	labelY: number;
	points: { x: number; y: number; tip: string }[];
}

export interface HistoryLayout {
	/** intervals that reach beyond the y axis and are cut at its edge */
	clipped: number;
	height: number;
	left: number;
	right: number;
	top: number;
	bottom: number;
	xTicks: Tick[];
	yTicks: Tick[];
	lines: HistoryLine[];
}

const HEIGHT = 380;

/** Day ticks read "Mar 3" (with the year when the range crosses one); finer ticks add the time. */
export function timeTicks(x: ScaleTime<number, number>, count: number): Tick[] {
	const ticks = x.ticks(count);
	const [d0, d1] = x.domain();
	const days = ticks.every((d) => d.getUTCHours() === 0 && d.getUTCMinutes() === 0);
	const year = d0.getUTCFullYear() !== d1.getUTCFullYear() ? ', %Y' : '';
	const fmt = utcFormat(days ? `%b %-d${year}` : `%b %-d %H:%M`);
	return ticks.map((d) => ({ value: +d, pos: x(d), label: fmt(d) }));
}

/**
 * The y domain: every point estimate, and the intervals of each series' latest point (the current
 * ones), with a margin. Early intervals from a handful of votes can span thousands of points
 * (−1500…2000 from one of them); they would flatten every line, so they are cut at the edge instead.
 */
export function historyDomain(series: HistorySeries[]): [number, number] {
	const ratings = series.flatMap((s) => s.points.map((p) => p.rating));
	const latest = series.flatMap((s) => {
		const last = [...s.points].sort(byTime).at(-1);
		return last && hasCi(last) ? [last.ci_low, last.ci_high] : [];
	});
	return paddedDomain([...ratings, ...latest], 0.08);
}

/** Scales span every series, hidden or not, so toggling one does not rescale the others. */
export function historyLayout(series: HistorySeries[], hidden: ReadonlySet<string> = new Set()): HistoryLayout {
	const all = series.flatMap((s) => s.points);
	const labels = series.map((s) => truncate(s.system, 20));
	const right = WIDTH - Math.min(170, 16 + Math.max(40, ...labels.map((l) => textWidth(l, 11))));
	const left = 64;
	const top = 12;
	const bottom = HEIGHT - 52;
	let [t0, t1] = extent(all, (p) => p.t) as [number | undefined, number | undefined];
	if (t0 === undefined || t1 === undefined) [t0, t1] = [Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 2)];
	if (t0 === t1) [t0, t1] = [t0 - 43_200_000, t1 + 43_200_000];
	const x = scaleUtc().domain([t0, t1]).range([left, right]);
	const y = linear(historyDomain(series), [bottom, top]);
	const [y0, y1] = y.domain();
	const visible = series.map((s, index) => ({ s, index })).filter(({ s }) => !hidden.has(s.system));
	const lastY = visible.map(({ s }) => {
		const pts = [...s.points].sort(byTime);
		return pts.length ? y(pts[pts.length - 1].rating) : bottom;
	});
	const labelY = spreadLabels(lastY, 13, top, bottom);
	const drawLine = line<HistoryPoint>(
		(p) => x(p.t),
		(p) => y(p.rating)
	).defined((p) => Number.isFinite(p.rating));
	const drawBand = area<HistoryPoint>()
		.x((p) => x(p.t))
		.y0((p) => y(p.ci_low as number))
		.y1((p) => y(p.ci_high as number))
		.defined(hasCi);
	const clipped = visible.reduce(
		(n, { s }) => n + s.points.filter((p) => hasCi(p) && ((p.ci_low as number) < y0 || (p.ci_high as number) > y1)).length,
		0
	);
	return {
		clipped,
		height: HEIGHT,
		left,
		right,
		top,
		bottom,
		xTicks: timeTicks(x, 6),
		yTicks: axisTicks(y, 6, 'f'),
		lines: visible.map(({ s, index }, k) => {
			const pts = [...s.points].sort(byTime);
			const style = seriesStyle(index);
			return {
				system: s.system,
				index,
				...style,
				line: drawLine(pts) ?? '',
				band: drawBand(pts) ?? '',
				label: labels[index],
				labelY: labelY[k],
				points: pts.map((p) => ({ x: x(p.t), y: y(p.rating), tip: historyTip(s.system, p) }))
			};
		})
	};
}

export function historySummary(series: HistorySeries[], clipped = 0): string {
	const n = series.reduce((sum, s) => sum + s.points.length, 0);
	if (!n) return 'No rating history yet.';
	const cut = clipped
		? ` The axis is scaled to the ratings, so ${clipped} wide interval${clipped === 1 ? '' : 's'} (early, from few votes) ${clipped === 1 ? 'is' : 'are'} cut at its edge; the table gives ${clipped === 1 ? 'it' : 'them'} in full.`
		: '';
	return `Rating of ${series.length} system${series.length === 1 ? '' : 's'} over time, ${n} refits in all; shaded bands are 95% intervals.${cut} The table view lists every number.`;
}
