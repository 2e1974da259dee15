// Battle files (CSV, JSON array or JSON lines with model_a, model_b, winner[, tstamp]) into compact
// arrays of interned system ids, fast enough for millions of rows: CSV is scanned as bytes and names
// are interned by hashing their bytes, so a row allocates nothing.

import { countsFromCodes, type PairCounts } from './counts.ts';
import { Interner, Rows, type BattleFormat, type BattleTable } from './battles-rows.ts';
import { parseCsv } from './battles-csv.ts';
import { parseJson } from './battles-json.ts';

export { BattleFileError, type BattleFormat, type BattleTable, type InvalidRow } from './battles-rows.ts';

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

export function parseBattles(bytes: Uint8Array, format: BattleFormat, opts: { maxReported?: number } = {}): BattleTable {
	const rows = new Rows(opts.maxReported ?? 1000);
	const names = new Interner();
	if (format === 'csv') return parseCsv(bytes, rows, names);
	return parseJson(bytes, format, rows, names);
}

/**
 * Counts from a parsed table. Online Elo follows tstamp order (stable) when every row has a usable
 * tstamp, like the arena's pipeline which sorts battles by it, and file order otherwise: a missing
 * timestamp is no reason to drop a vote, but it leaves no honest place for it in time.
 */
export function countsFromBattleTable(table: BattleTable): PairCounts {
	const { tstamp } = table;
	let { a, b, outcome } = table;
	if (tstamp && table.tstampMissing === 0) {
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
