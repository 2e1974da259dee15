// Pure layout helpers shared by the charts: domains, ticks, colours, label placement. Safe on the server.
import { interpolateBlues, interpolateRdBu, interpolateRgb, rgb, scaleDiverging, scaleLinear, scaleSequential } from 'd3';

export const WIDTH = 720;

/** [min, max] of the finite values and `include`, widened by `pad` of the span on each side. */
export function paddedDomain(values: Iterable<number | null | undefined>, pad = 0.05, include: number[] = []): [number, number] {
	let lo = Infinity;
	let hi = -Infinity;
	for (const v of [...values, ...include]) {
		if (v === null || v === undefined || !Number.isFinite(v)) continue;
		if (v < lo) lo = v;
		if (v > hi) hi = v;
	}
	if (lo === Infinity) return [0, 1];
	if (lo === hi) {
		const half = Math.abs(lo) * 0.05 || 1;
		return [lo - half, hi + half];
	}
	const span = hi - lo;
	return [lo - span * pad, hi + span * pad];
}

export interface Tick {
	value: number;
	pos: number;
	label: string;
}

interface TickScale<T> {
	(value: number): number;
	ticks(count?: number): T[];
	tickFormat(count?: number, specifier?: string): (d: T) => string;
}

/** Tick positions and labels; `specifier` is a d3-format string whose precision d3 fits to the tick step. */
export function axisTicks<T extends number | Date>(scale: TickScale<T>, count: number, specifier?: string): Tick[] {
	const fmt = scale.tickFormat(count, specifier);
	return scale.ticks(count).map((t) => ({ value: +t, pos: scale(+t), label: fmt(t) }));
}

// Okabe–Ito hues, the light ones darkened until each has at least 3:1 contrast on white (WCAG 1.4.11).
export const SERIES_COLORS = ['#0072B2', '#C25A00', '#009E73', '#AA3377', '#9E6A00', '#332288', '#000000', '#767676'];
const DASHES = ['', '6 3', '2 3'];

/** Colour and dash per series index; dashes keep series apart once the colours repeat. */
export function seriesStyle(index: number): { color: string; dash: string } {
	const n = SERIES_COLORS.length;
	return { color: SERIES_COLORS[index % n], dash: DASHES[Math.floor(index / n) % DASHES.length] };
}

export type HeatmapFormat = 'percent' | 'count' | 'probability';

export interface HeatmapColor {
	kind: 'diverging' | 'sequential';
	domain: [number, number];
	color: (value: number) => string;
}

/**
 * Rates and probabilities diverge around 0.5 (even odds is white, blue favours the row system,
 * red the column); counts run from white to dark blue. Both schemes are colour-blind safe.
 */
export function heatmapColor(format: HeatmapFormat, values: Iterable<number | null>): HeatmapColor {
	if (format !== 'count') {
		const scale = scaleDiverging(interpolateRdBu).domain([0, 0.5, 1]).clamp(true);
		return { kind: 'diverging', domain: [0, 1], color: (v) => scale(v) };
	}
	let max = 0;
	for (const v of values) if (v !== null && Number.isFinite(v) && v > max) max = v;
	const top = max > 0 ? max : 1;
	// Start a little above white so a zero count is still distinguishable from the page background.
	const scale = scaleSequential((t: number) => interpolateBlues(0.08 + 0.92 * t))
		.domain([0, top])
		.clamp(true);
	return { kind: 'sequential', domain: [0, top], color: (v) => scale(v) };
}

/** `color` mixed with white by `amount` (0 = unchanged, 1 = white): how cells with little evidence fade. */
export function lighten(color: string, amount: number): string {
	return rgb(interpolateRgb(color, '#ffffff')(amount)).formatHex();
}

function luminance(color: string): number {
	const { r, g, b } = rgb(color);
	const lin = (c: number) => {
		const s = c / 255;
		return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
	};
	return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

export function contrastRatio(a: string, b: string): number {
	const la = luminance(a);
	const lb = luminance(b);
	return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/** Black or white, whichever reads better on `fill`. */
export function textColorOn(fill: string): '#000000' | '#ffffff' {
	return contrastRatio(fill, '#000000') >= contrastRatio(fill, '#ffffff') ? '#000000' : '#ffffff';
}

/**
 * Moves label positions apart so neighbours are at least `gap` apart, staying within [min, max]
 * where there is room; returns positions in the input order.
 */
export function spreadLabels(positions: number[], gap: number, min: number, max: number): number[] {
	const order = positions.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p);
	const placed = order.map((o) => o.p);
	for (let k = 0; k < placed.length; k++) {
		placed[k] = Math.max(placed[k], k === 0 ? min : placed[k - 1] + gap);
	}
	const overflow = placed.length ? placed[placed.length - 1] - max : 0;
	if (overflow > 0) {
		placed[placed.length - 1] -= overflow;
		for (let k = placed.length - 2; k >= 0; k--) placed[k] = Math.min(placed[k], placed[k + 1] - gap);
	}
	const out = new Array<number>(positions.length);
	order.forEach((o, k) => (out[o.i] = placed[k]));
	return out;
}

/** Rough width of a label in px at `size` px; good enough to size margins without measuring the DOM. */
export function textWidth(text: string, size = 12): number {
	return text.length * size * 0.58;
}

export function truncate(text: string, maxChars: number): string {
	return text.length <= maxChars ? text : text.slice(0, Math.max(1, maxChars - 1)) + '…';
}

/** A linear scale over a padded, nice domain. */
export function linear(domain: [number, number], range: [number, number], nice = true) {
	const s = scaleLinear().domain(domain).range(range);
	return nice ? s.nice() : s;
}
