// Shared by the battle-file readers: output columns, malformed-row records and name interning.

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
	/** seconds (or whatever unit the file uses), when the file has a tstamp column/field; NaN where a row has none */
	tstamp: Float64Array | null;
	/** rows without a usable tstamp in a file that has them: online Elo then keeps file order */
	tstampMissing: number;
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

export const decoder = new TextDecoder();
export const encoder = new TextEncoder();

/** Interns names by their UTF-8 bytes (open addressing on FNV-1a), so repeated names cost no string. */
export class Interner {
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
export class Rows {
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
		let missing = 0;
		if (hasTstamp) for (let r = 0; r < n; r++) if (Number.isNaN(this.tstamp[r])) missing++;
		return {
			names,
			a: this.a.slice(0, n),
			b: this.b.slice(0, n),
			outcome: this.outcome.slice(0, n),
			tstamp: hasTstamp ? this.tstamp.slice(0, n) : null,
			tstampMissing: missing,
			lines: this.lines.slice(0, n),
			invalid: this.invalid,
			invalidCount: this.invalidCount
		};
	}
}

/** Seconds from a number or an ISO date; NaN when empty or unreadable (tstamp only orders Elo). */
export function parseTstamp(text: string): number {
	const t = text.trim();
	if (t === '') return NaN;
	const n = Number(t);
	if (Number.isFinite(n)) return n;
	const ms = Date.parse(t);
	return Number.isFinite(ms) ? ms / 1000 : NaN;
}

export const WINNERS = 'model_a, model_b, tie or tie (bothbad)';

export function isSpace(c: number): boolean {
	return c === 0x20 || c === 0x09;
}

/** One CSV record: each field is a byte range [fs, fe) or, when it was quoted, a string. */
