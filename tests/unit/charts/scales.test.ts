import { describe, expect, it } from 'vitest';
import {
	axisTicks,
	contrastRatio,
	heatmapColor,
	linear,
	paddedDomain,
	SERIES_COLORS,
	seriesStyle,
	spreadLabels,
	textColorOn
} from '../../../src/lib/charts/scales.ts';

describe('paddedDomain', () => {
	it('pads the span on both sides and includes extra values', () => {
		expect(paddedDomain([900, 1100], 0.05)).toEqual([890, 1110]);
		expect(paddedDomain([1050, 1100], 0, [1000])).toEqual([1000, 1100]);
	});

	it('skips nulls and non-finite values, and widens a single value', () => {
		expect(paddedDomain([null, 10, NaN, undefined, 20], 0)).toEqual([10, 20]);
		expect(paddedDomain([1000])).toEqual([950, 1050]);
		expect(paddedDomain([0])).toEqual([-1, 1]);
		expect(paddedDomain([])).toEqual([0, 1]);
	});
});

describe('axisTicks', () => {
	it('places and labels ticks with a d3-format specifier', () => {
		const ticks = axisTicks(linear([0, 1], [0, 100], false), 5, '%');
		expect(ticks.map((t) => t.label)).toEqual(['0%', '20%', '40%', '60%', '80%', '100%']);
		expect(ticks.map((t) => t.pos)).toEqual([0, 20, 40, 60, 80, 100]);
	});
});

describe('heatmap colours', () => {
	it('diverges around 0.5 for rates and probabilities, whatever the data', () => {
		const c = heatmapColor('percent', [0.6, 0.7]);
		expect(c.kind).toBe('diverging');
		expect(c.domain).toEqual([0, 1]);
		// the midpoint is (near) white; the ends are strongly coloured and on opposite hues
		expect(contrastRatio(c.color(0.5), '#ffffff')).toBeLessThan(1.15);
		const lo = c.color(0.05);
		const hi = c.color(0.95);
		expect(lo).not.toBe(hi);
		expect(contrastRatio(lo, '#ffffff')).toBeGreaterThan(3);
		expect(contrastRatio(hi, '#ffffff')).toBeGreaterThan(3);
		expect(heatmapColor('probability', []).kind).toBe('diverging');
	});

	it('runs sequentially from zero to the largest count', () => {
		const c = heatmapColor('count', [0, 40, null, 10]);
		expect(c.kind).toBe('sequential');
		expect(c.domain).toEqual([0, 40]);
		expect(contrastRatio(c.color(40), '#ffffff')).toBeGreaterThan(contrastRatio(c.color(10), '#ffffff'));
		// zero is tinted, so it differs from an empty (hatched) cell and from the page
		expect(c.color(0)).not.toBe('rgb(255, 255, 255)');
		expect(heatmapColor('count', [null, 0]).domain).toEqual([0, 1]);
	});

	it('picks cell text with at least 4.5:1 contrast on every fill', () => {
		for (const format of ['percent', 'count'] as const) {
			const c = heatmapColor(format, [0, 100]);
			for (let t = 0; t <= 1.0001; t += 0.05) {
				const fill = c.color(c.domain[0] + (c.domain[1] - c.domain[0]) * t);
				expect(contrastRatio(fill, textColorOn(fill))).toBeGreaterThanOrEqual(4.5);
			}
		}
	});
});

describe('series colours', () => {
	it('all have at least 3:1 contrast on white (WCAG non-text contrast)', () => {
		for (const c of SERIES_COLORS) expect(contrastRatio(c, '#ffffff')).toBeGreaterThanOrEqual(3);
	});

	it('add dashes once the colours repeat', () => {
		expect(seriesStyle(0)).toEqual({ color: SERIES_COLORS[0], dash: '' });
		expect(seriesStyle(SERIES_COLORS.length).color).toBe(SERIES_COLORS[0]);
		expect(seriesStyle(SERIES_COLORS.length).dash).not.toBe('');
	});
});

describe('spreadLabels', () => {
	it('keeps labels that already fit where they are', () => {
		expect(spreadLabels([10, 50, 90], 12, 0, 100)).toEqual([10, 50, 90]);
	});

	it('pushes colliding labels apart, keeping input order and bounds', () => {
		const out = spreadLabels([50, 48, 52], 10, 0, 100);
		const sorted = [...out].sort((a, b) => a - b);
		expect(sorted[1] - sorted[0]).toBeGreaterThanOrEqual(10);
		expect(sorted[2] - sorted[1]).toBeGreaterThanOrEqual(10);
		expect(out[1]).toBeLessThan(out[0]); // 48 stays above 50
		expect(spreadLabels([99, 100, 100], 10, 0, 100).every((y) => y <= 100)).toBe(true);
	});
});
