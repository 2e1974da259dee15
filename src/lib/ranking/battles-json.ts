// JSON battle files: an array (split at the top level here so each element keeps its line) or JSON lines.

import { outcomeCode } from './counts.ts';
import {
	BattleFileError,
	decoder,
	isSpace,
	parseTstamp,
	WINNERS,
	type BattleFormat,
	type BattleTable,
	type Interner,
	type Rows
} from './battles-rows.ts';

export function parseJson(buf: Uint8Array, format: BattleFormat, rows: Rows, names: Interner): BattleTable {
	let hasTstamp = false;
	const take = (value: unknown, line: number) => {
		if (value === null || typeof value !== 'object' || Array.isArray(value)) {
			rows.bad(line, 'not an object with model_a, model_b, winner');
			return;
		}
		const o = value as Record<string, unknown>;
		for (const key of ['model_a', 'model_b']) {
			if (typeof o[key] !== 'string' || !(o[key] as string).trim()) {
				rows.bad(line, o[key] === undefined ? `missing ${key}` : `${key} must be a non-empty string`);
				return;
			}
		}
		const w = typeof o.winner === 'string' ? outcomeCode(o.winner.trim()) : -1;
		if (w < 0) {
			rows.bad(line, o.winner === undefined ? 'missing winner' : `unknown winner ${JSON.stringify(o.winner)} (expected ${WINNERS})`);
			return;
		}
		const a = names.string((o.model_a as string).trim());
		const b = names.string((o.model_b as string).trim());
		if (a === b) {
			rows.bad(line, `model_a and model_b are the same system (${names.names[a]})`);
			return;
		}
		let t = NaN;
		if (o.tstamp !== undefined) {
			hasTstamp = true;
			t = typeof o.tstamp === 'number' ? o.tstamp : typeof o.tstamp === 'string' ? parseTstamp(o.tstamp) : NaN;
		}
		rows.push(a, b, w, t, line);
	};
	const parse = (s: number, e: number, line: number) => {
		let value: unknown;
		try {
			value = JSON.parse(decoder.decode(buf.subarray(s, e)));
		} catch (error) {
			rows.bad(line, `invalid JSON (${(error as Error).message})`);
			return;
		}
		take(value, line);
	};

	const len = buf.length;
	if (format === 'jsonl') {
		let pos = 0;
		let line = 1;
		while (pos < len) {
			let end = buf.indexOf(0x0a, pos);
			if (end < 0) end = len;
			let s = pos;
			let e = end;
			while (s < e && (isSpace(buf[s]) || buf[s] === 0x0d)) s++;
			while (e > s && (isSpace(buf[e - 1]) || buf[e - 1] === 0x0d)) e--;
			if (s < e) parse(s, e, line);
			pos = end + 1;
			line++;
		}
		return rows.table(names.names, hasTstamp);
	}

	// JSON array: split the top level into elements ourselves so each can be reported with its line
	let pos = 0;
	let line = 1;
	const skipSpace = () => {
		while (pos < len) {
			const c = buf[pos];
			if (c === 0x0a) line++;
			else if (!(c === 0x20 || c === 0x09 || c === 0x0d || (pos < 3 && (c === 0xef || c === 0xbb || c === 0xbf)))) break;
			pos++;
		}
	};
	skipSpace();
	if (buf[pos] !== 0x5b) throw new BattleFileError('a JSON battle file must be an array of objects (or use JSON lines)', line);
	pos++;
	for (;;) {
		skipSpace();
		if (pos >= len) throw new BattleFileError('unexpected end of file inside the JSON array', line);
		if (buf[pos] === 0x5d) {
			pos++;
			break;
		}
		const start = pos;
		const startLine = line;
		let depth = 0;
		let inString = false;
		while (pos < len) {
			const c = buf[pos];
			if (inString) {
				if (c === 0x5c) pos++;
				else if (c === 0x22) inString = false;
				else if (c === 0x0a) line++;
			} else if (c === 0x22) inString = true;
			else if (c === 0x7b || c === 0x5b) depth++;
			else if (c === 0x7d || c === 0x5d) {
				if (depth === 0) break;
				depth--;
			} else if (c === 0x2c && depth === 0) break;
			else if (c === 0x0a) line++;
			pos++;
		}
		let end = pos;
		while (end > start && (isSpace(buf[end - 1]) || buf[end - 1] === 0x0a || buf[end - 1] === 0x0d)) end--;
		if (end > start) parse(start, end, startLine);
		else rows.bad(startLine, 'empty array element');
		if (pos >= len) throw new BattleFileError('unexpected end of file inside the JSON array', line);
		if (buf[pos] === 0x2c) pos++;
	}
	skipSpace();
	if (pos < len) throw new BattleFileError('unexpected text after the JSON array', line);
	return rows.table(names.names, hasTstamp);
}
