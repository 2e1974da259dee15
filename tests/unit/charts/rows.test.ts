import { describe, expect, it } from 'vitest';
import { barDomain, barLayout, barTable } from '../../../src/lib/charts/bar.ts';
import { forestLayout, forestRows, forestTable } from '../../../src/lib/charts/forest.ts';
import { heatmapLayout, heatmapTable } from '../../../src/lib/charts/heatmap.ts';
import { scaleUtc } from 'd3';
import {
	historyDomain,
	historyLayout,
	historySummary,
	historyTable,
	timeTicks,
	type HistorySeries
} from '../../../src/lib/charts/history.ts';
import { contrastRatio } from '../../../src/lib/charts/scales.ts';
import { cellValue, displayCell, formatValue, headingLevel } from '../../../src/lib/charts/table.ts';

const ratings = [
	{ system: 'B', rating: 980.04, ci_low: 950.01, ci_high: 1010.06, rank: 2 },
	{ system: 'A', rating: 1104.96, ci_low: 1080.04, ci_high: 1130.0, rank: 1 },
	{ system: 'C', rating: 915.5, ci_low: null, ci_high: null, rank: 2 }
];

describe('formatting shared by table, CSV and tooltips', () => {
	it('rounds cells to the displayed precision so CSV and table agree', () => {
		expect(cellValue(0.52349, 'percent')).toBe(0.523);
		expect(formatValue(cellValue(0.52349, 'percent'), 'percent')).toBe('52.3%');
		expect(cellValue(1034.26, 'rating')).toBe(1034.3);
		// probabilities read as percentages, like win rates: one format per quantity
		expect(cellValue(0.4567, 'probability')).toBe(0.457);
		expect(formatValue(cellValue(0.4567, 'probability'), 'probability')).toBe('45.7%');
		expect(cellValue(1234, 'count')).toBe(1234);
		expect(formatValue(1234, 'count')).toBe('1,234');
		expect(cellValue(null, 'rating')).toBeNull();
		expect(cellValue(NaN, 'rating')).toBeNull();
		expect(formatValue(null, 'rating')).toBe('—');
	});

	it('accepts heading levels as numbers or tag names', () => {
		expect(headingLevel(undefined)).toBe(3);
		expect(headingLevel('h2')).toBe(2);
		expect(headingLevel(4)).toBe(4);
	});
});

describe('forest plot', () => {
	it('sorts best first by rank, then rating', () => {
		expect(forestRows(ratings).map((r) => r.system)).toEqual(['A', 'B', 'C']);
	});

	it('tables Rank, System, Rating and the interval, blank where there is none', () => {
		const t = forestTable(ratings);
		expect(t.columns.map((c) => c.label)).toEqual(['Rank', 'System', 'Rating', '95% CI low', '95% CI high']);
		expect(t.rows).toEqual([
			[1, 'A', 1105, 1080, 1130],
			[2, 'B', 980, 950, 1010.1],
			[2, 'C', 915.5, null, null]
		]);
		expect(displayCell(t.columns[2], t.rows[0][2])).toBe('1105.0');
	});

	it('draws intervals only where they exist, with the mean line inside the axis', () => {
		const l = forestLayout(ratings);
		expect(l.marks.map((m) => m.x1 === null)).toEqual([false, false, true]);
		expect(l.refX).not.toBeNull();
		for (const m of l.marks) {
			expect(m.cx).toBeGreaterThanOrEqual(l.left);
			expect(m.cx).toBeLessThanOrEqual(l.right);
		}
		expect(l.marks[0].tip).toBe('A: rating 1105.0, 95% CI 1080.0 to 1130.0, rank 1');
		expect(l.marks[2].tip).toBe('C: rating 915.5, no interval, rank 2');
	});
});

describe('heatmap', () => {
	const systems = ['A', 'B', 'C'];
	const values = [
		[null, 0.6234, 0.7],
		[0.3766, null, 0.55],
		[0.3, 0.45, null]
	];

	it('tables the row system, then one column per column system', () => {
		const t = heatmapTable(systems, values, 'percent', 'System');
		expect(t.columns.map((c) => c.label)).toEqual(['System', 'A', 'B', 'C']);
		expect(t.rows[0]).toEqual(['A', null, 0.623, 0.7]);
		expect(displayCell(t.columns[2], t.rows[0][2])).toBe('62.3%');
	});

	it('prints the same text in the cells, a dash on the diagonal, blank and hatched where null', () => {
		const l = heatmapLayout(systems, values, 'percent', 'Win rate');
		expect(l.cells).toHaveLength(9);
		expect(l.showText).toBe(true);
		expect(l.cells[1].text).toBe('62.3%');
		expect(l.cells[0]).toMatchObject({ same: true, text: '—', fill: '#eceef0' });
		expect(l.cells[1].tip).toBe('A vs B — Win rate: 62.3%');
		expect(l.hasMissing).toBe(false);
		expect(l.legend.keys.map((k) => k.kind)).toEqual(['same']);
		const gap = heatmapLayout(
			systems,
			[
				[null, null, 0.7],
				[null, null, 0.55],
				[0.3, 0.45, null]
			],
			'percent',
			'Win rate'
		);
		expect(gap.cells[1]).toMatchObject({ same: false, fill: null, text: '' });
		expect(gap.hasMissing).toBe(true);
		expect(gap.legend.keys.map((k) => k.kind)).toEqual(['same', 'missing']);
		expect(l.legend.ticks.map((t) => t.label)).toEqual(['0%', '25%', '50%', '75%', '100%']);
	});

	it('drops cell text above 12 systems and treats ragged rows as missing', () => {
		const many = Array.from({ length: 13 }, (_, i) => `S${i}`);
		expect(heatmapLayout(many, [], 'count', 'Battles').showText).toBe(false);
		expect(heatmapTable(['A', 'B'], [[null]], 'count', 'System').rows).toEqual([
			['A', null, null],
			['B', null, null]
		]);
	});

	it('fades a rate from fewer than minN battles and says so in the legend', () => {
		const counts = [
			[null, 12, 40],
			[12, null, 40],
			[40, 40, null]
		];
		const l = heatmapLayout(systems, values, 'percent', 'Win rate', counts);
		const full = heatmapLayout(systems, values, 'percent', 'Win rate');
		expect(l.cells[1]).toMatchObject({ small: true, sub: 'n=12' });
		expect(l.cells[2]).toMatchObject({ small: false, sub: 'n=40', fill: full.cells[2].fill });
		// lighter than the same value drawn at full strength
		expect(contrastRatio(l.cells[1].fill!, '#ffffff')).toBeLessThan(contrastRatio(full.cells[1].fill!, '#ffffff'));
		expect(l.hasSmall).toBe(true);
		expect(l.legend.keys.map((k) => k.kind)).toEqual(['same', 'small']);
		expect(heatmapLayout(systems, values, 'percent', 'Win rate', counts, 10).hasSmall).toBe(false);
		// counts on a count heatmap are the values themselves: no n line, no fading
		expect(heatmapLayout(systems, counts, 'count', 'Battles', counts).hasSmall).toBe(false);
		const t = heatmapTable(systems, values, 'percent', 'System', counts);
		expect(t.display?.[0]).toEqual([
			undefined,
			{ text: '—', label: 'same system' },
			{ text: '62.3% (n = 12)' },
			{ text: '70.0% (n = 40)' }
		]);
		expect(t.rows[0]).toEqual(['A', null, 0.623, 0.7]); // the CSV keeps plain numbers
	});

	it('uses whole-number legend ticks for counts', () => {
		const l = heatmapLayout(
			['A', 'B'],
			[
				[null, 2],
				[2, null]
			],
			'count',
			'Battles'
		);
		expect(l.legend.ticks.map((t) => t.label)).toEqual(['0', '1', '2']);
	});
});

describe('rating history', () => {
	const day = 86_400_000;
	const series: HistorySeries[] = [
		{
			system: 'A',
			points: [
				{ t: 2 * day, rating: 1010, ci_low: 990, ci_high: 1030 },
				{ t: day, rating: 1000, ci_low: null, ci_high: null }
			]
		},
		{ system: 'B', points: [{ t: day, rating: 995.44, ci_low: 970, ci_high: 1020 }] }
	];

	it('tables Time, System, Rating and interval by time, leaving hidden series out', () => {
		const t = historyTable(series);
		expect(t.columns.map((c) => c.label)).toEqual(['Time (UTC)', 'System', 'Rating', 'CI low', 'CI high']);
		expect(t.rows).toEqual([
			['1970-01-02T00:00:00.000Z', 'A', 1000, null, null],
			['1970-01-02T00:00:00.000Z', 'B', 995.4, 970, 1020],
			['1970-01-03T00:00:00.000Z', 'A', 1010, 990, 1030]
		]);
		expect(displayCell(t.columns[0], t.rows[0][0])).toBe('1970-01-02 00:00');
		expect(historyTable(series, new Set(['A'])).rows).toHaveLength(1);
	});

	it('scales the axis to the ratings and cuts an early wide interval instead of stretching for it', () => {
		const wide: HistorySeries[] = [
			{
				system: 'A',
				points: [
					{ t: day, rating: 1020, ci_low: -1500, ci_high: 2000 },
					{ t: 2 * day, rating: 1050, ci_low: 1010, ci_high: 1090 }
				]
			},
			{
				system: 'B',
				points: [
					{ t: day, rating: 980, ci_low: 600, ci_high: 1400 },
					{ t: 2 * day, rating: 950, ci_low: 910, ci_high: 990 }
				]
			}
		];
		expect(historyDomain(wide)[0]).toBeGreaterThan(880);
		expect(historyDomain(wide)[1]).toBeLessThan(1120);
		const l = historyLayout(wide);
		expect(l.clipped).toBe(2);
		expect(Math.min(...l.yTicks.map((t) => t.value))).toBeGreaterThanOrEqual(850);
		expect(Math.max(...l.yTicks.map((t) => t.value))).toBeLessThanOrEqual(1150);
		expect(historySummary(wide, l.clipped)).toContain('2 wide intervals (early, from few votes) are cut at its edge');
		expect(historyLayout(series).clipped).toBe(0);
		expect(historySummary(series, 0)).not.toContain('cut');
	});

	it('keeps the scales when a series is hidden', () => {
		const all = historyLayout(series);
		const some = historyLayout(series, new Set(['A']));
		expect(some.lines.map((l) => l.system)).toEqual(['B']);
		expect(some.yTicks).toEqual(all.yTicks);
		expect(some.lines[0].points[0]).toEqual(all.lines[1].points[0]);
		expect(some.lines[0].color).toBe(all.lines[1].color); // a series keeps its colour
		expect(all.lines[0].line.startsWith('M')).toBe(true);
		expect(all.lines[0].points).toHaveLength(2);
	});
});

describe('time ticks', () => {
	it('label days as "Mar 3", add the year across years and the time below a day', () => {
		const days = scaleUtc()
			.domain([Date.UTC(2025, 2, 1), Date.UTC(2025, 2, 12)])
			.range([0, 600]);
		expect(timeTicks(days, 6).map((t) => t.label)).toEqual(['Mar 1', 'Mar 3', 'Mar 5', 'Mar 7', 'Mar 9', 'Mar 11']);
		const years = scaleUtc()
			.domain([Date.UTC(2024, 11, 20), Date.UTC(2025, 0, 10)])
			.range([0, 600]);
		expect(timeTicks(years, 4)[0].label).toMatch(/, 202[45]$/);
		const hours = scaleUtc()
			.domain([Date.UTC(2025, 2, 1, 6), Date.UTC(2025, 2, 1, 18)])
			.range([0, 600]);
		expect(timeTicks(hours, 4)[0].label).toBe('Mar 1 06:00');
	});
});

describe('bar chart', () => {
	it('labels count ticks as plain integers', () => {
		const l = barLayout([{ label: 'd', value: 139 }], 'Votes', 'count');
		expect(l.yTicks.map((t) => t.label)).toEqual(['0', '20', '40', '60', '80', '100', '120', '140']);
	});

	it('keeps room right of the plot for the reference label', () => {
		const plain = barLayout([{ label: 'e', value: 0.4 }], 'Rate', 'percent', 0.5);
		const labelled = barLayout([{ label: 'e', value: 0.4 }], 'Rate', 'percent', 0.5, 'Even (50%)');
		expect(labelled.right).toBeLessThan(plain.right - 40);
	});

	it('keeps rates on 0–100% and counts from zero, including the reference', () => {
		expect(barDomain([0.2, 0.7], 'percent', 0.5)).toEqual([0, 1]);
		expect(barDomain([3, 12], 'count')).toEqual([0, 12]);
		expect(barDomain([3, 12], 'count', 20)).toEqual([0, 20]);
		expect(barDomain([], 'count')).toEqual([0, 1]);
	});

	it('tables label and value, and thins labels only when even turned ones would overlap', () => {
		const data = Array.from({ length: 90 }, (_, i) => ({ label: `2025-01-${String(i).padStart(2, '0')}`, value: i }));
		expect(barTable(data.slice(0, 2), 'Day', 'Votes', 'count').rows).toEqual([
			['2025-01-00', 0],
			['2025-01-01', 1]
		]);
		const l = barLayout(data, 'Votes', 'count');
		expect(l.bars).toHaveLength(90);
		expect(l.labelAngle).toBe(-40);
		expect(l.labels.length).toBeLessThan(90);
		for (let i = 1; i < l.labels.length; i++) expect(l.labels[i].x - l.labels[i - 1].x).toBeGreaterThanOrEqual(14);
	});

	it('labels every one of six evaluator bars, turned, with room below for them', () => {
		const data = ['ev_1a2b3c4d5e6f', 'ev_0f9e8d7c6b5a', 'ev_aaaaaaaaaaaa', 'ev_bbbbbbbbbbbb', 'ev_cccccccccccc', 'ev_dddddddddddd'].map(
			(label, i) => ({
				label,
				value: 0.4 + i / 50,
				votes: 50 + i
			})
		);
		const l = barLayout(data, 'Left-side rate', 'percent', 0.5, '50%');
		expect(l.labels.map((x) => x.text)).toEqual(data.map((d) => d.label));
		expect(l.labelAngle).toBe(-40);
		expect(l.height).toBeGreaterThan(320 + 40);
		expect(l.titleOffset).toBeGreaterThan(l.height - l.bottom - 40 - 20);
		expect(l.titleOffset).toBeLessThan(l.height - l.bottom);
		expect(l.bars[0].tip).toBe('ev_1a2b3c4d5e6f: 40.0% (Left-side rate), from 50 votes');
		expect(barTable(data, 'Evaluator', 'Left-side rate', 'percent').rows[0]).toEqual(['ev_1a2b3c4d5e6f', 0.4, 50]);
		// short labels that fit stay level
		expect(
			barLayout(
				data.slice(0, 3).map((d, i) => ({ ...d, label: `e${i}` })),
				'Rate',
				'percent'
			).labelAngle
		).toBe(0);
	});

	it('draws the reference line where the value is', () => {
		const l = barLayout([{ label: 'e1', value: 0.5 }], 'Left-side rate', 'percent', 0.5);
		expect(l.refY).toBeCloseTo(l.bars[0].y);
		expect(l.bars[0].tip).toBe('e1: 50.0% (Left-side rate)');
	});
});
