// Server-side rendering of each chart: no DOM needed, and the markup carries title, axes, marks and table.
import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import { BarChart, ForestPlot, Heatmap, RatingHistory } from '../../../src/lib/charts/index.ts';

const count = (html: string, needle: string) => html.split(needle).length - 1;
const svgOf = (html: string) => html.slice(html.indexOf('<svg viewBox'), html.indexOf('</svg>', html.indexOf('<svg viewBox')));
const tableOf = (html: string) => html.slice(html.indexOf('<table'), html.indexOf('</table>'));
/** Text of the table's cells, tags and Svelte's hydration comments removed. */
const cells = (html: string) =>
	[...tableOf(html).matchAll(/<t[hd](?:\s[^>]*)?>(.*?)<\/t[hd]>/g)].map((m) => m[1].replace(/<!--.*?-->/g, '').replace(/<[^>]+>/g, ''));

function expectAccessibleChart(html: string, title: string, labels: string[]) {
	const svg = svgOf(html);
	expect(svg).toMatch(/role="img"/);
	const titleId = /aria-labelledby="([^"]+)"/.exec(svg)![1];
	const descId = /aria-describedby="([^"]+)"/.exec(svg)![1];
	expect(html).toMatch(new RegExp(`<h3 id="${titleId}"[^>]*>${title}`));
	expect(svg).toContain(`<desc id="${descId}">`);
	for (const label of labels) expect(svg).toContain(`>${label}</text>`);
	expect(html).toContain('aria-label="Download CSV"');
	expect(html).toContain('aria-label="Download SVG"');
	expect(html).toContain('aria-label="Download PNG"');
	expect(html).toMatch(/<button[^>]*aria-pressed="false"[^>]*>Table<\/button>/);
	expect(tableOf(html)).toContain(`<caption`);
	expect(tableOf(html)).toContain('scope="col"');
	expect(tableOf(html)).toContain('scope="row"');
}

describe('ForestPlot on the server', () => {
	const rows = [
		{ system: 'sdxl', rating: 1104.96, ci_low: 1080.04, ci_high: 1130, rank: 1 },
		{ system: 'flux <dev>', rating: 980.04, ci_low: 950.01, ci_high: 1010.06, rank: 2 },
		{ system: 'kandinsky', rating: 915.5, ci_low: null, ci_high: null, rank: 3 }
	];

	it('renders title, axes, one mark per row, intervals only where known, and the mean line', () => {
		const { body } = render(ForestPlot, { props: { rows, title: 'Ratings with 95% intervals' } });
		expectAccessibleChart(body, 'Ratings with 95% intervals', ['Rating (Elo scale)', 'System (best first)', 'Mean 1000']);
		const svg = svgOf(body);
		expect(count(svg, 'data-tip=')).toBe(3);
		expect(count(svg, '<circle')).toBe(3);
		expect(count(svg, 'stroke="#0072B2" stroke-width="2"')).toBe(6); // two rows × (interval + two caps)
		expect(svg).toContain('<title>sdxl: rating 1105.0, 95% CI 1080.0 to 1130.0, rank 1</title>');
		expect(svg).toContain('flux &lt;dev>'); // names are escaped
		expect(body).toContain('<div hidden=""'); // table hidden in chart view
	});

	it('shows the same numbers in the table when rendered in table view', () => {
		const { body } = render(ForestPlot, { props: { rows, title: 'Ratings', view: 'table', level: 'h2' } });
		expect(body).toMatch(/<h2 id=/);
		expect(body).toMatch(/aria-pressed="true"[^>]*>Table/);
		expect(body).toMatch(/<div class="plot[^"]*" hidden=""/);
		expect(cells(body)).toEqual([
			'Rank',
			'System',
			'Rating',
			'95% CI low',
			'95% CI high',
			'1',
			'sdxl',
			'1105.0',
			'1080.0',
			'1130.0',
			'2',
			'flux &lt;dev>',
			'980.0',
			'950.0',
			'1010.1',
			'3',
			'kandinsky',
			'915.5',
			'—',
			'—'
		]);
	});
});

describe('Heatmap on the server', () => {
	const systems = ['A', 'B', 'C'];
	const winRate = [
		[null, 0.6234, 0.7],
		[0.3766, null, 0.55],
		[0.3, 0.45, null]
	];

	it('renders K×K cells, text in the filled ones, a dash on the diagonal, hatching for null, a legend', () => {
		const values = winRate.map((row, i) => row.map((v, j) => (i === 2 && j === 1 ? null : v)));
		const { body } = render(Heatmap, { props: { systems, values, title: 'Observed win rate', format: 'percent' } });
		expectAccessibleChart(body, 'Observed win rate', [
			'System (row)',
			'Opponent (column)',
			'Observed win rate',
			'same system',
			'no data',
			'50%'
		]);
		const svg = svgOf(body);
		expect(count(svg, 'data-tip=')).toBe(9);
		expect(count(svg, '-hatch)"')).toBe(1 + 1); // the one missing cell + legend swatch
		expect(count(svg, '>—</text>')).toBe(3 + 1); // the diagonal + legend swatch
		expect(svg).toContain('<title>A against itself: not applicable (same system)</title>');
		expect(svg).not.toContain('No data');
		expect(svg).toContain('>62.3%</text>');
		expect(svg).toContain('<title>A vs B — Observed win rate: 62.3%</title>');
		expect(svg).toContain('<linearGradient');
	});

	it('shows n in each cell, tooltip and table, and fades cells from fewer than 20 battles', () => {
		const counts = [
			[null, 12, 40],
			[12, null, 9],
			[40, 9, null]
		];
		const { body } = render(Heatmap, {
			props: { systems, values: winRate, counts, title: 'Observed win rate', format: 'percent', view: 'table' }
		});
		const svg = svgOf(body);
		expect(svg).toContain('>n=12</text>');
		expect(svg).toContain('>n=40</text>');
		expect(svg).toContain('<title>A vs B — Observed win rate: 62.3%, 12 battles (fewer than 20: weak evidence)</title>');
		expect(svg).toContain('<title>A vs C — Observed win rate: 70.0%, 40 battles</title>');
		expect(svg).toContain('>lighter: n &lt; 20 battles</text>');
		expect(svg).toContain('cells from fewer than 20 battles are lighter');
		expect(cells(body).slice(4, 8)).toEqual(['A', '—same system', '62.3% (n = 12)', '70.0% (n = 40)']);
	});

	it('tables one row per system with the cell text', () => {
		const { body } = render(Heatmap, {
			props: {
				systems,
				values: [
					[null, 12, 30],
					[12, null, 1200],
					[30, 1200, null]
				],
				title: 'Battles per pair',
				format: 'count',
				view: 'table'
			}
		});
		expect(cells(body)).toEqual([
			'System (row)',
			'A',
			'B',
			'C',
			'A',
			'—same system',
			'12',
			'30',
			'B',
			'12',
			'—same system',
			'1,200',
			'C',
			'30',
			'1,200',
			'—same system'
		]);
		expect(svgOf(body)).toContain('>1,200</text>');
	});

	it('leaves cell text out above 12 systems', () => {
		const many = Array.from({ length: 14 }, (_, i) => `S${i}`);
		const values = many.map((_, i) => many.map((_, j) => (i === j ? null : 0.5)));
		const svg = svgOf(render(Heatmap, { props: { systems: many, values, title: 'P', format: 'probability' } }).body);
		expect(count(svg, 'data-tip=')).toBe(196);
		expect(count(svg, '>50%</text>')).toBe(1); // the legend's middle tick, no cell text
		expect(count(svg, '>50.0%</text>')).toBe(0);
	});
});

describe('RatingHistory on the server', () => {
	const day = Date.UTC(2025, 2, 1);
	const series = [
		{
			system: 'A',
			points: [0, 1, 2].map((d) => ({ t: day + d * 86_400_000, rating: 1000 + d * 10, ci_low: 980 + d * 10, ci_high: 1020 + d * 10 }))
		},
		{ system: 'B', points: [0, 1].map((d) => ({ t: day + d * 86_400_000, rating: 990 - d * 5, ci_low: null, ci_high: null })) }
	];

	it('renders a line and band per series, a mark per point, end labels and legend buttons', () => {
		const { body } = render(RatingHistory, { props: { series, title: 'Rating history' } });
		expectAccessibleChart(body, 'Rating history', ['Time (UTC)', 'Rating (Elo scale)', 'A', 'B']);
		const svg = svgOf(body);
		expect(count(svg, 'data-tip=')).toBe(5);
		expect(count(svg, 'fill="none" stroke=')).toBe(2);
		expect(svg).toContain('<title>A, 2025-03-02 00:00 UTC: rating 1010.0, 95% CI 990.0 to 1030.0</title>');
		expect(body).toMatch(/<button[^>]*aria-pressed="true"[^>]*>.*?A\s*<\/button>/s);
	});

	it('tables every point', () => {
		const { body } = render(RatingHistory, { props: { series, title: 'Rating history', view: 'table' } });
		const c = cells(body);
		expect(c.slice(0, 5)).toEqual(['Time (UTC)', 'System', 'Rating', 'CI low', 'CI high']);
		expect(c.slice(5, 15)).toEqual(['2025-03-01 00:00', 'A', '1000.0', '980.0', '1020.0', '2025-03-01 00:00', 'B', '990.0', '—', '—']);
		expect(c).toHaveLength(5 + 5 * 5);
	});
});

describe('BarChart on the server', () => {
	it('renders one bar per datum with labelled axes', () => {
		const data = [
			{ label: '2025-03-01', value: 12 },
			{ label: '2025-03-02', value: 1234 }
		];
		const { body } = render(BarChart, { props: { data, title: 'Votes per day', xLabel: 'Day (UTC)', yLabel: 'Votes' } });
		expectAccessibleChart(body, 'Votes per day', ['Day (UTC)', 'Votes', '2025-03-01']);
		const svg = svgOf(body);
		expect(count(svg, 'data-tip=')).toBe(2);
		expect(svg).toContain('<title>2025-03-02: 1,234 (Votes)</title>');
	});

	it('draws a labelled reference line and formats rates as percent, in chart and table alike', () => {
		const data = [
			{ label: 'eval-1', value: 0.4567 },
			{ label: '=cmd', value: 0.61 }
		];
		const { body } = render(BarChart, {
			props: {
				data,
				title: 'Left-side rate',
				xLabel: 'Evaluator',
				yLabel: 'Left-side rate',
				format: 'percent',
				reference: 0.5,
				referenceLabel: 'Even (50%)',
				view: 'table'
			}
		});
		const svg = svgOf(body);
		expect(svg).toContain('>Even (50%)</text>');
		expect(svg).toContain('>100%</text>');
		expect(svg).toContain('<title>eval-1: 45.7% (Left-side rate)</title>');
		expect(cells(body)).toEqual(['Evaluator', 'Left-side rate', 'eval-1', '45.7%', '=cmd', '61.0%']);
	});
});
