// CSV battle files, scanned as bytes: a record without quotes allocates nothing (names are interned by
// their bytes), and quoted records go through a general RFC 4180 reader. Names written by pickwise's
// own exports may carry a leading ' that defuses spreadsheet formulas (src/lib/csv.ts); it is
// dropped again, so that `pickwise rank` reads an export back with the names unchanged.

import { outcomeCode } from './counts.ts';
import {
	BattleFileError,
	decoder,
	encoder,
	isSpace,
	parseTstamp,
	WINNERS,
	type BattleTable,
	type Interner,
	type Rows
} from './battles-rows.ts';

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

/** =, +, -, @, tab, CR: the cell starts that pickwise's CSV writer defuses with a leading ' (src/lib/csv.ts). */
function isFormulaStart(c: number): boolean {
	return c === 0x3d || c === 0x2b || c === 0x2d || c === 0x40 || c === 0x09 || c === 0x0d;
}

/** Whether bytes [s, e) are 's followed by a formula start: one ' was added by the writer and is dropped. */
function escapedAt(buf: Uint8Array, s: number, e: number): boolean {
	if (buf[s] !== 0x27) return false;
	let k = s + 1;
	while (k < e && buf[k] === 0x27) k++;
	return k < e && isFormulaStart(buf[k]);
}

/** Id of a model-name field (trimmed, a formula escape undone), or -1 when empty. */
function nameId(buf: Uint8Array, rec: CsvRecord, f: number, names: Interner): number {
	const q = rec.quoted[f];
	if (q !== null) {
		let t = q.trim();
		if (/^'+[=+\-@\t\r]/.test(t)) t = t.slice(1);
		return t ? names.string(t) : -1;
	}
	let s = rec.fs[f];
	let e = rec.fe[f];
	while (s < e && isSpace(buf[s])) s++;
	while (e > s && isSpace(buf[e - 1])) e--;
	if (s < e && escapedAt(buf, s, e)) s++;
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
	if (
		n === 7 &&
		buf[s] === 0x6d &&
		buf[s + 1] === 0x6f &&
		buf[s + 2] === 0x64 &&
		buf[s + 3] === 0x65 &&
		buf[s + 4] === 0x6c &&
		buf[s + 5] === 0x5f
	) {
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
	}
	rows.push(a, b, w, t, at);
}

export function parseCsv(buf: Uint8Array, rows: Rows, names: Interner): BattleTable {
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
