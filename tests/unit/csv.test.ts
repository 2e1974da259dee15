import { describe, expect, it } from 'vitest';
import { csvRow, parseCsv } from '../../src/lib/csv.ts';

describe('CSV', () => {
	it('parses quotes, doubled quotes, embedded newlines and CRLF, with line numbers', () => {
		const records = parseCsv('a,b\r\n"x, y","say ""hi"""\r\n"multi\nline",z\n\nlast,1');
		expect(records.map((r) => r.fields)).toEqual([['a', 'b'], ['x, y', 'say "hi"'], ['multi\nline', 'z'], ['last', '1']]);
		expect(records.map((r) => r.line)).toEqual([1, 2, 3, 6]);
	});

	it('refuses an unclosed quote, naming the line', () => {
		expect(() => parseCsv('a\n"open')).toThrow('line 2');
	});

	it('writes rows that parse back to the same values, and defuses spreadsheet formulas', () => {
		const row = ['plain', 'with,comma', 'with "quote"', 'new\nline', 3];
		expect(parseCsv(csvRow(row))[0].fields).toEqual(['plain', 'with,comma', 'with "quote"', 'new\nline', '3']);
		expect(csvRow(['=cmd()'])).toBe("'=cmd()\n");
	});
});
