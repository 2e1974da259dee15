import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../src/lib/csv.ts';
import { chartFilename, slugify, toCsv } from '../../../src/lib/charts/download.ts';

describe('chart CSV', () => {
	it('writes a header and rows, numbers as numbers and missing cells empty', () => {
		const csv = toCsv(
			['Rank', 'System', 'Rating'],
			[
				[1, 'A', 1050.5],
				[2, 'B', null]
			]
		);
		expect(csv).toBe('Rank,System,Rating\n1,A,1050.5\n2,B,\n');
	});

	it('quotes commas, quotes and newlines so the text parses back unchanged', () => {
		const names = ['sdxl, refiner', 'say "hi"', 'two\nlines', 'plain'];
		const csv = toCsv(
			['System'],
			names.map((n) => [n])
		);
		expect(
			parseCsv(csv)
				.slice(1)
				.map((r) => r.fields[0])
		).toEqual(names);
		expect(csv).toContain('"sdxl, refiner"');
		expect(csv).toContain('"say ""hi"""');
	});

	it('defuses cells a spreadsheet would run as formulas, but not negative numbers', () => {
		const csv = toCsv(
			['System', 'Delta'],
			[
				['=HYPERLINK("x")', -3],
				['+1+cmd', 0],
				['@SUM(A1)', 1.5]
			]
		);
		const fields = parseCsv(csv)
			.slice(1)
			.map((r) => r.fields);
		expect(fields).toEqual([
			['\'=HYPERLINK("x")', '-3'],
			["'+1+cmd", '0'],
			["'@SUM(A1)", '1.5']
		]);
	});

	it('defuses header cells too', () => {
		expect(toCsv(['=cmd'], [])).toBe("'=cmd\n");
	});
});

describe('chart file names', () => {
	it('slugs titles to lowercase ASCII words', () => {
		expect(slugify('Ratings with 95% intervals')).toBe('ratings-with-95-pct-intervals');
		expect(slugify('Predicted win probability (Bradley–Terry)')).toBe('predicted-win-probability-bradley-terry');
		expect(slugify('Évaluateurs: côté gauche')).toBe('evaluateurs-cote-gauche');
	});

	it('never returns an empty or path-like name', () => {
		expect(slugify('')).toBe('chart');
		expect(slugify('???')).toBe('chart');
		expect(slugify('../../etc/passwd')).toBe('etc-passwd');
		expect(slugify('x'.repeat(200)).length).toBeLessThanOrEqual(80);
	});

	it('adds the extension', () => {
		expect(chartFilename('Votes per day', 'csv')).toBe('votes-per-day.csv');
		expect(chartFilename('Votes per day', 'png')).toBe('votes-per-day.png');
	});
});
