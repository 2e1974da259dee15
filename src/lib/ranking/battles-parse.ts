// Battle files (CSV, JSON array or JSON lines with model_a, model_b, winner[, tstamp]) into compact
// arrays of interned system ids, fast enough for millions of rows: CSV is scanned as bytes and names
// are interned by hashing their bytes, so a row allocates nothing.

import { countsFromCodes, outcomeCode, type PairCounts } from './counts.ts';

export type BattleFormat = 'csv' | 'json' | 'jsonl';

export interface InvalidRow {
	line: number;
	reason: string;
}

export interface BattleTable {
	/** interned names, index = id, in order of first appearance */
	names: string[];
	a: Int32Array;
	b: Int32Array;
	outcome: Uint8Array;
	/** seconds (or whatever unit the file uses), when the file has a tstamp column/field */
	tstamp: Float64Array | null;
	/** line of each kept row in the file */
	lines: Int32Array;
	/** the first `maxReported` malformed rows; invalidCount has them all */
	invalid: InvalidRow[];
	invalidCount: number;
}

/** A file that cannot be read as battles at all (no header, broken JSON structure, …). */
export class BattleFileError extends Error {
	constructor(
		message: string,
		readonly line: number
	) {
		super(message);
		this.name = 'BattleFileError';
	}
}

export function detectFormat(fileName: string, bytes: Uint8Array): BattleFormat {
	const lower = fileName.toLowerCase();
	if (lower.endsWith('.csv')) return 'csv';
	if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'jsonl';
	if (lower.endsWith('.json')) return 'json';
	for (let i = 0; i < bytes.length && i < 4096; i++) {
		const c = bytes[i];
		if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0xef || c === 0xbb || c === 0xbf) continue;
		return c === 0x5b ? 'json' : c === 0x7b ? 'jsonl' : 'csv';
	}
	return 'csv';
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** Interns names by their UTF-8 bytes (open addressing on FNV-1a), so repeated names cost no string. */
class Interner {
	names: string[] = [];
	private slots = new Int32Array(1024).fill(-1);
	private hashes: number[] = [];
	private pool = new Uint8Array(4096);
	private offset: number[] = [];
	private length: number[] = [];
	private used = 0;
	private byName = new Map<string, number>();

	bytes(buf: Uint8Array, s: number, e: number): number {
		let h = 0x811c9dc5;
		for (let k = s; k < e; k++) h = Math.imul(h ^ buf[k], 0x01000193);
		h >>>= 0;
		const mask = this.slots.length - 1;
		let slot = h & mask;
		const len = e - s;
		for (;;) {
			const id = this.slots[slot];
			if (id < 0) break;
			if (this.hashes[id] === h && this.length[id] === len) {
				const o = this.offset[id];
				let k = 0;
				while (k < len && this.pool[o + k] === buf[s + k]) k++;
				if (k === len) return id;
			}
			slot = (slot + 1) & mask;
		}
		const id = this.names.length;
		const name = decoder.decode(buf.subarray(s, e));
		this.names.push(name);
		this.byName.set(name, id);
		this.hashes.push(h);
		if (this.used + len > this.pool.length) {
			const bigger = new Uint8Array(Math.max(2 * this.pool.length, this.used + len));
			bigger.set(this.pool);
			this.pool = bigger;
		}
		this.pool.set(buf.subarray(s, e), this.used);
		this.offset.push(this.used);
		this.length.push(len);
		this.used += len;
		this.slots[slot] = id;
		if (2 * this.names.length > this.slots.length) this.rehash();
		return id;
	}

	string(name: string): number {
		const id = this.byName.get(name);
		if (id !== undefined) return id;
		const b = encoder.encode(name);
		return this.bytes(b, 0, b.length);
	}

	private rehash() {
		this.slots = new Int32Array(this.slots.length * 2).fill(-1);
		const mask = this.slots.length - 1;
		for (let id = 0; id < this.names.length; id++) {
			let slot = this.hashes[id] & mask;
			while (this.slots[slot] >= 0) slot = (slot + 1) & mask;
			this.slots[slot] = id;
		}
	}
}

/** Growable output columns shared by the three formats. */
class Rows {
	n = 0;
	a = new Int32Array(1024);
	b = new Int32Array(1024);
	outcome = new Uint8Array(1024);
	tstamp = new Float64Array(1024);
	lines = new Int32Array(1024);
	invalid: InvalidRow[] = [];
	invalidCount = 0;
	constructor(readonly maxReported: number) {}

	push(a: number, b: number, outcome: number, tstamp: number, line: number) {
		if (this.n === this.a.length) {
			const cap = this.n * 2;
			const grow = <T extends Int32Array | Uint8Array | Float64Array>(x: T, y: T): T => (y.set(x), y);
			this.a = grow(this.a, new Int32Array(cap));
			this.b = grow(this.b, new Int32Array(cap));
			this.outcome = grow(this.outcome, new Uint8Array(cap));
			this.tstamp = grow(this.tstamp, new Float64Array(cap));
			this.lines = grow(this.lines, new Int32Array(cap));
		}
		const r = this.n++;
		this.a[r] = a;
		this.b[r] = b;
		this.outcome[r] = outcome;
		this.tstamp[r] = tstamp;
		this.lines[r] = line;
	}

	bad(line: number, reason: string) {
		this.invalidCount++;
		if (this.invalid.length < this.maxReported) this.invalid.push({ line, reason });
	}

	table(names: string[], hasTstamp: boolean): BattleTable {
		const n = this.n;
		let keep = n;
		if (hasTstamp) {
			// JSON records may omit tstamp even when others have it: such rows cannot be put in order
			keep = 0;
			for (let r = 0; r < n; r++) {
				if (Number.isNaN(this.tstamp[r])) {
					this.bad(this.lines[r], 'missing tstamp (other rows have one)');
					continue;
				}
				this.a[keep] = this.a[r];
				this.b[keep] = this.b[r];
				this.outcome[keep] = this.outcome[r];
				this.tstamp[keep] = this.tstamp[r];
				this.lines[keep] = this.lines[r];
				keep++;
			}
			this.invalid.sort((x, y) => x.line - y.line);
		}
		return {
			names,
			a: this.a.slice(0, keep),
			b: this.b.slice(0, keep),
			outcome: this.outcome.slice(0, keep),
			tstamp: hasTstamp ? this.tstamp.slice(0, keep) : null,
			lines: this.lines.slice(0, keep),
			invalid: this.invalid,
			invalidCount: this.invalidCount
		};
	}
}

function parseTstamp(text: string): number {
	const t = text.trim();
	if (t === '') return NaN;
	const n = Number(t);
	if (Number.isFinite(n)) return n;
	const ms = Date.parse(t);
	return Number.isFinite(ms) ? ms / 1000 : NaN;
}

const WINNERS = 'model_a, model_b, tie or tie (bothbad)';

export function parseBattles(bytes: Uint8Array, format: BattleFormat, opts: { maxReported?: number } = {}): BattleTable {
	const rows = new Rows(opts.maxReported ?? 1000);
	const names = new Interner();
	if (format === 'csv') return parseCsv(bytes, rows, names);
	return parseJson(bytes, format, rows, names);
}

function isSpace(c: number): boolean {
	return c === 0x20 || c === 0x09;
}

/** One CSV record: each field is a byte range [fs, fe) or, when it was quoted, a string. */
interface CsvRecord {
	fs: Int32Array;
	fe: Int32Array;
	quoted: (string | null)[];
	fields: number;
	error: string;
	pos: number;
	line: number;
}

/**
 * General RFC 4180 reader for one record at rec.pos (quotes, "" escapes, newlines inside quotes).
 * Used for the header and for records the fast scanner hands over because they contain a quote.
 */
function readRecord(buf: Uint8Array, rec: CsvRecord): void {
	const len = buf.length;
	let pos = rec.pos;
	rec.fields = 0;
	rec.error = '';
	for (;;) {
		const f = rec.fields;
		if (f === rec.fs.length) {
			const grow = (x: Int32Array) => {
				const y = new Int32Array(2 * x.length);
				y.set(x);
				return y;
			};
			rec.fs = grow(rec.fs);
			rec.fe = grow(rec.fe);
		}
		let c = pos < len ? buf[pos] : -1;
		if (c === 0x22) {
			let value = '';
			let from = ++pos;
			for (;;) {
				if (pos >= len) {
					rec.error = 'unterminated quoted field';
					break;
				}
				const q = buf[pos];
				if (q === 0x22) {
					if (buf[pos + 1] === 0x22) {
						value += decoder.decode(buf.subarray(from, pos + 1));
						pos += 2;
						from = pos;
						continue;
					}
					value += decoder.decode(buf.subarray(from, pos));
					pos++;
					break;
				}
				if (q === 0x0a) rec.line++;
				pos++;
			}
			rec.quoted[f] = value;
			rec.fs[f] = rec.fe[f] = 0;
			while (pos < len && isSpace(buf[pos])) pos++;
			c = pos < len ? buf[pos] : -1;
			if (c !== 0x2c && c !== 0x0a && c !== 0x0d && c !== -1) {
				if (!rec.error) rec.error = 'unexpected text after a closing quote';
				while (pos < len && buf[pos] !== 0x2c && buf[pos] !== 0x0a && buf[pos] !== 0x0d) pos++;
				c = pos < len ? buf[pos] : -1;
			}
		} else {
			const start = pos;
			while (pos < len) {
				c = buf[pos];
				if (c === 0x2c || c === 0x0a || c === 0x0d) break;
				pos++;
			}
			if (pos >= len) c = -1;
			rec.quoted[f] = null;
			rec.fs[f] = start;
			rec.fe[f] = pos;
		}
		rec.fields++;
		if (c === 0x2c) {
			pos++;
			continue;
		}
		if (c === 0x0d) pos++;
		if (pos < len && buf[pos] === 0x0a) pos++;
		rec.line++;
		rec.pos = pos;
		return;
	}
}

function fieldText(buf: Uint8Array, rec: CsvRecord, f: number): string {
	const q = rec.quoted[f];
	return q !== null ? q : decoder.decode(buf.subarray(rec.fs[f], rec.fe[f]));
}

/** Id of a model-name field (trimmed), or -1 when empty. */
function nameId(buf: Uint8Array, rec: CsvRecord, f: number, names: Interner): number {
	const q = rec.quoted[f];
	if (q !== null) {
		const t = q.trim();
		return t ? names.string(t) : -1;
	}
	let s = rec.fs[f];
	let e = rec.fe[f];
	while (s < e && isSpace(buf[s])) s++;
	while (e > s && isSpace(buf[e - 1])) e--;
	return s < e ? names.bytes(buf, s, e) : -1;
}

/** Outcome code of a winner field, comparing bytes against the four spellings (no string made). */
function winnerCode(buf: Uint8Array, rec: CsvRecord, f: number): number {
	const q = rec.quoted[f];
	if (q !== null) return outcomeCode(q.trim());
	let s = rec.fs[f];
	let e = rec.fe[f];
	while (s < e && isSpace(buf[s])) s++;
	while (e > s && isSpace(buf[e - 1])) e--;
	const n = e - s;
	if (n === 7 && buf[s] === 0x6d && buf[s + 1] === 0x6f && buf[s + 2] === 0x64 && buf[s + 3] === 0x65 && buf[s + 4] === 0x6c && buf[s + 5] === 0x5f) {
		if (buf[s + 6] === 0x61) return 0;
		if (buf[s + 6] === 0x62) return 1;
		return -1;
	}
	if (n === 3 && buf[s] === 0x74 && buf[s + 1] === 0x69 && buf[s + 2] === 0x65) return 2;
	if (n === 13) {
		for (let k = 0; k < 13; k++) if (buf[s + k] !== BOTHBAD[k]) return -1;
		return 3;
	}
	return -1;
}

const BOTHBAD = encoder.encode('tie (bothbad)');

interface Columns {
	n: number;
	a: number;
	b: number;
	w: number;
	t: number;
}

function takeRecord(buf: Uint8Array, rec: CsvRecord, at: number, cols: Columns, rows: Rows, names: Interner): void {
	const fields = rec.fields;
	if (fields === 1 && rec.quoted[0] === null && rec.fe[0] === rec.fs[0]) return; // blank line
	if (rec.error) return rows.bad(at, rec.error);
	if (fields !== cols.n) return rows.bad(at, `expected ${cols.n} fields, found ${fields}`);
	const a = nameId(buf, rec, cols.a, names);
	const b = nameId(buf, rec, cols.b, names);
	if (a < 0 || b < 0) return rows.bad(at, `empty ${a < 0 ? 'model_a' : 'model_b'}`);
	const w = winnerCode(buf, rec, cols.w);
	if (w < 0) return rows.bad(at, `unknown winner '${fieldText(buf, rec, cols.w).trim()}' (expected ${WINNERS})`);
	if (a === b) return rows.bad(at, `model_a and model_b are the same system (${names.names[a]})`);
	let t = 0;
	if (cols.t >= 0) {
		t = parseTstamp(fieldText(buf, rec, cols.t));
		if (Number.isNaN(t)) return rows.bad(at, `bad tstamp '${fieldText(buf, rec, cols.t).trim()}' (expected seconds or an ISO date)`);
	}
	rows.push(a, b, w, t, at);
}

function parseCsv(buf: Uint8Array, rows: Rows, names: Interner): BattleTable {
	const len = buf.length;
	const rec: CsvRecord = {
		fs: new Int32Array(16),
		fe: new Int32Array(16),
		quoted: [],
		fields: 0,
		error: '',
		pos: buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0,
		line: 1
	};
	if (rec.pos >= len) throw new BattleFileError('empty file: expected a header line model_a,model_b,winner', 1);
	readRecord(buf, rec);
	const header = Array.from({ length: rec.fields }, (_, f) => fieldText(buf, rec, f).trim().toLowerCase());
	const cols: Columns = {
		n: header.length,
		a: header.indexOf('model_a'),
		b: header.indexOf('model_b'),
		w: header.indexOf('winner'),
		t: header.indexOf('tstamp')
	};
	const missing = [cols.a < 0 && 'model_a', cols.b < 0 && 'model_b', cols.w < 0 && 'winner'].filter(Boolean);
	if (missing.length)
		throw new BattleFileError(`header lacks column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (found: ${header.join(',')})`, 1);
	if (rec.fs.length < cols.n + 1) {
		rec.fs = new Int32Array(cols.n + 1);
		rec.fe = new Int32Array(cols.n + 1);
	}
	for (let f = 0; f < cols.n + 1; f++) rec.quoted[f] = null;

	// Fast scanner with everything in locals: records without a quote character, i.e. nearly all.
	const fs = rec.fs;
	const fe = rec.fe;
	const nCols = cols.n;
	let pos = rec.pos;
	let line = rec.line;
	while (pos < len) {
		const recordStart = pos;
		let f = 0;
		let s = pos;
		let hasQuote = false;
		for (;;) {
			const c = pos < len ? buf[pos] : 0x0a;
			if (c === 0x2c) {
				if (f < nCols) {
					fs[f] = s;
					fe[f] = pos;
				}
				f++;
				s = ++pos;
			} else if (c === 0x0a || c === 0x0d) {
				if (f < nCols) {
					fs[f] = s;
					fe[f] = pos;
				}
				f++;
				break;
			} else if (c === 0x22) {
				hasQuote = true;
				break;
			} else pos++;
		}
		const at = line;
		if (hasQuote) {
			rec.pos = recordStart;
			rec.line = line;
			readRecord(buf, rec);
			pos = rec.pos;
			line = rec.line;
			takeRecord(buf, rec, at, cols, rows, names);
			for (let k = 0; k < rec.fields && k < nCols + 1; k++) rec.quoted[k] = null;
			continue;
		}
		if (pos < len && buf[pos] === 0x0d) pos++;
		if (pos < len && buf[pos] === 0x0a) pos++;
		line++;
		rec.fields = f;
		rec.error = '';
		takeRecord(buf, rec, at, cols, rows, names);
	}
	return rows.table(names.names, cols.t >= 0);
}

function parseJson(buf: Uint8Array, format: BattleFormat, rows: Rows, names: Interner): BattleTable {
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
		if (o.tstamp !== undefined && o.tstamp !== null) {
			t = typeof o.tstamp === 'number' ? o.tstamp : typeof o.tstamp === 'string' ? parseTstamp(o.tstamp) : NaN;
			if (!Number.isFinite(t)) {
				rows.bad(line, `bad tstamp ${JSON.stringify(o.tstamp)} (expected seconds or an ISO date)`);
				return;
			}
			hasTstamp = true;
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

/**
 * Counts from a parsed table. Online Elo follows file order, or tstamp order (stable) when the file
 * has timestamps, like the arena's pipeline which sorts battles by tstamp.
 */
export function countsFromBattleTable(table: BattleTable): PairCounts {
	const { tstamp } = table;
	let { a, b, outcome } = table;
	if (tstamp) {
		let sorted = true;
		for (let r = 1; r < tstamp.length && sorted; r++) if (tstamp[r] < tstamp[r - 1]) sorted = false;
		if (!sorted) {
			const order = Array.from({ length: tstamp.length }, (_, r) => r).sort((x, y) => tstamp[x] - tstamp[y] || x - y);
			a = Int32Array.from(order, (r) => table.a[r]);
			b = Int32Array.from(order, (r) => table.b[r]);
			outcome = Uint8Array.from(order, (r) => table.outcome[r]);
		}
	}
	return countsFromCodes(table.names, a, b, outcome);
}
