import { describe, expect, it } from 'vitest';
import { csvField, csvRow, escapeFormula, parseCsv, unescapeFormula } from '../../src/lib/csv.ts';
import { parseBattles } from '../../src/lib/ranking/index.ts';
import { toCsv } from '../../src/lib/charts/download.ts';

const ATTACK = "-2+3+cmd|' /C calc'!A0";

describe('CSV', () => {
	it('parses quotes, doubled quotes, embedded newlines and CRLF, with line numbers', () => {
		const records = parseCsv('a,b\r\n"x, y","say ""hi"""\r\n"multi\nline",z\n\nlast,1');
		expect(records.map((r) => r.fields)).toEqual([
			['a', 'b'],
			['x, y', 'say "hi"'],
			['multi\nline', 'z'],
			['last', '1']
		]);
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

	it('prefixes every cell a spreadsheet would read as a formula (OWASP: = + - @ tab CR)', () => {
		for (const start of ['=', '+', '-', '@', '\t', '\r']) {
			const cell = `${start}HYPERLINK("http://evil.example","x")`;
			expect(parseCsv(csvRow([cell]))[0].fields[0]).toBe(`'${cell}`);
		}
		expect(csvRow([ATTACK])).toBe(`'${ATTACK}\n`);
		expect(csvField('-')).toBe("'-");
		expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
		// plain text, and text with a trigger later on, are left alone
		expect(csvField('a=b')).toBe('a=b');
		expect(csvField(' -x')).toBe(' -x');
	});

	it('leaves numbers numbers, also negative ones and numbers written as text', () => {
		expect(csvRow([-3, -0.25, '-3', '-0.53', '+1e5', '1.', 0, -1e-7])).toBe('-3,-0.25,-3,-0.53,+1e5,1.,0,-1e-7\n');
		expect(
			toCsv(
				['system', 'rating'],
				[
					['-v2', -12.5],
					['+plus', 3]
				]
			)
		).toBe("system,rating\n'-v2,-12.5\n'+plus,3\n");
		// but not formulas that merely start like a number
		expect(csvField('-2+3')).toBe("'-2+3");
		expect(csvField('-1e5+1')).toBe("'-1e5+1");
	});

	it('can be undone exactly by a reader that knows the rule', () => {
		const cells = [ATTACK, '=1+1', "'=1+1", "''-x", "'plain", "'", "''", '-3', "'-3", '\tx', '\r\nx', '@', 'plain', '', "it's"];
		const read = parseCsv(csvRow(cells))[0].fields.map(unescapeFormula);
		expect(read).toEqual(cells);
		for (const cell of cells) expect(unescapeFormula(escapeFormula(cell))).toBe(cell);
		// a quote the writer did not add stays
		expect(unescapeFormula("'plain")).toBe("'plain");
	});

	it('lets the battle reader of `pickwise rank` read escaped names back unchanged', () => {
		const names = [ATTACK, '=sys', '-v2', "'=already quoted", 'plain'];
		let text = csvRow(['model_a', 'model_b', 'winner']);
		for (let i = 0; i < names.length; i++) text += csvRow([names[i], names[(i + 1) % names.length], 'model_a']);
		expect(text).toContain(`'-v2`);
		const table = parseBattles(new TextEncoder().encode(text), 'csv');
		expect(table.invalidCount).toBe(0);
		expect([...table.names].sort()).toEqual([...names].sort());
	});
});
