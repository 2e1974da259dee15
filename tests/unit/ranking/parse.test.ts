// Battle files: CSV (quotes, CRLF, BOM, extra columns), JSON array and JSON lines, malformed rows.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BattleFileError, countsFromBattleTable, detectFormat, parseBattles, type BattleFormat } from '../../../src/lib/ranking/index.ts';
import { FIXTURES } from './helpers.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const parse = (s: string, f: BattleFormat = 'csv') => parseBattles(enc(s), f);
const rows = (t: ReturnType<typeof parse>) => Array.from(t.a, (_, r) => [t.names[t.a[r]], t.names[t.b[r]], t.outcome[r]]);

describe('CSV', () => {
	it('reads the four winners, any column order, extra columns, CRLF, BOM and blank lines', () => {
		const t = parse('\ufeffquestion_id,winner,model_b,model_a\r\n1,model_a,y,x\r\n\r\n2,model_b,y,x\r\n3,tie,x,y\r\n4,tie (bothbad),x,y');
		expect(t.invalidCount).toBe(0);
		expect(rows(t)).toEqual([
			['x', 'y', 0],
			['x', 'y', 1],
			['y', 'x', 2],
			['y', 'x', 3]
		]);
		expect(Array.from(t.lines)).toEqual([2, 4, 5, 6]);
		expect(t.tstamp).toBeNull();
	});

	it('handles quoted fields with commas, quotes and newlines, and keeps line numbers right', () => {
		const t = parse('model_a,model_b,winner\n"a, inc.","b ""v2""",model_a\n"multi\nline",b,tie\nc,b,oops\n');
		expect(t.names.slice(0, 2)).toEqual(['a, inc.', 'b "v2"']);
		expect(rows(t)[1]).toEqual(['multi\nline', 'b', 2]);
		expect(t.invalid).toEqual([{ line: 5, reason: "unknown winner 'oops' (expected model_a, model_b, tie or tie (bothbad))" }]);
	});

	it('reports malformed rows with their line and reason', () => {
		const t = parse(
			['model_a,model_b,winner', 'a,b,model_a', 'a,b', ',b,tie', 'a,a,tie', 'a,b,model_c', 'a,b,tie,extra', 'b,a,model_b'].join('\n')
		);
		expect(t.invalid).toEqual([
			{ line: 3, reason: 'expected 3 fields, found 2' },
			{ line: 4, reason: 'empty model_a' },
			{ line: 5, reason: 'model_a and model_b are the same system (a)' },
			{ line: 6, reason: "unknown winner 'model_c' (expected model_a, model_b, tie or tie (bothbad))" },
			{ line: 7, reason: 'expected 3 fields, found 4' }
		]);
		expect(t.a.length).toBe(2);
	});

	it('refuses a file without the needed columns', () => {
		expect(() => parse('a,b,c\n1,2,3\n')).toThrow(BattleFileError);
		expect(() => parse('a,b,c\n1,2,3\n')).toThrow(/model_a, model_b, winner/);
		expect(() => parse('')).toThrow(/empty file/);
	});

	it('reads tstamp (seconds or ISO dates) and sorts by it for Elo, stably', () => {
		const t = parse('model_a,model_b,winner,tstamp\na,b,model_a,20\nb,c,model_a,10\nc,a,tie,2024-01-01T00:00:00Z\na,c,model_b,10\n');
		expect(t.invalidCount).toBe(0);
		expect(t.tstampMissing).toBe(0);
		const counts = countsFromBattleTable(t);
		const names = counts.systems;
		const order = Array.from(counts.battles!.a, (a, r) => names[a] + names[counts.battles!.b[r]]);
		expect(order).toEqual(['bc', 'ac', 'ab', 'ca']);
	});

	it('keeps rows without a usable tstamp, and then file order for Elo', () => {
		const t = parse('model_a,model_b,winner,tstamp\na,b,model_a,20\nb,c,model_a,\nc,a,tie,soon\n');
		expect(t.invalidCount).toBe(0);
		expect(t.tstampMissing).toBe(2);
		const counts = countsFromBattleTable(t);
		const order = Array.from(counts.battles!.a, (a, r) => counts.systems[a] + counts.systems[counts.battles!.b[r]]);
		expect(order).toEqual(['ab', 'bc', 'ca']);
	});

	it('reads the 20,000-row fixture identically as CSV, JSON and JSON lines', () => {
		const csv = parseBattles(readFileSync(FIXTURES + 'synthetic_20000_12.csv'), 'csv');
		const lines = readFileSync(FIXTURES + 'synthetic_20000_12.csv', 'utf8')
			.trim()
			.split('\n')
			.slice(1);
		const objects = lines.map((l) => {
			const [model_a, model_b, winner] = l.split(',');
			return { model_a, model_b, winner };
		});
		const jsonl = parse(objects.map((o) => JSON.stringify(o)).join('\n'), 'jsonl');
		const json = parse(JSON.stringify(objects, null, 1), 'json');
		for (const t of [jsonl, json]) {
			expect(t.invalidCount).toBe(0);
			expect(rows(t)).toEqual(rows(csv));
		}
		expect(countsFromBattleTable(json)).toEqual(countsFromBattleTable(csv));
	});
});

describe('JSON', () => {
	it('reports bad elements of an array with their line', () => {
		const t = parse(
			'[\n {"model_a": "a", "model_b": "b", "winner": "model_a"},\n 17,\n {"model_a": "a", "winner": "tie"},\n' +
				' {"model_a": "a", "model_b": "b", "winner": "draw"},\n {"model_a": "b", "model_b": "a", "winner": "tie", "extra": [1, {"x": "]"}]}\n]',
			'json'
		);
		expect(t.invalid).toEqual([
			{ line: 3, reason: 'not an object with model_a, model_b, winner' },
			{ line: 4, reason: 'missing model_b' },
			{ line: 5, reason: 'unknown winner "draw" (expected model_a, model_b, tie or tie (bothbad))' }
		]);
		expect(t.a.length).toBe(2);
	});

	it('refuses what is not an array', () => {
		expect(() => parse('{"model_a": "a"}', 'json')).toThrow(BattleFileError);
		expect(() => parse('[{"model_a": "a", "model_b": "b", "winner": "tie"}', 'json')).toThrow(/end of file/);
	});

	it('reads JSON lines, reporting broken lines, and tstamp when present', () => {
		const t = parse(
			'{"model_a":"a","model_b":"b","winner":"model_a","tstamp":5}\n{broken\n\n{"model_a":"b","model_b":"a","winner":"tie"}\n{"model_a":"b","model_b":"a","winner":"tie","tstamp":"1970-01-01T00:00:01Z"}\n',
			'jsonl'
		);
		expect(t.invalid.map((r) => r.line)).toEqual([2]);
		expect(t.invalid[0].reason).toMatch(/^invalid JSON/);
		expect(Array.from(t.tstamp!)).toEqual([5, NaN, 1]);
		expect(t.tstampMissing).toBe(1);
	});

	it('detects the format from the name or the first character', () => {
		expect(detectFormat('x.CSV', enc('['))).toBe('csv');
		expect(detectFormat('x.jsonl', enc('{'))).toBe('jsonl');
		expect(detectFormat('x.json', enc('{'))).toBe('json');
		expect(detectFormat('-', enc('  \n[{}]'))).toBe('json');
		expect(detectFormat('-', enc('{"a":1}\n'))).toBe('jsonl');
		expect(detectFormat('-', enc('model_a,model_b,winner'))).toBe('csv');
	});
});
