// `pickwise rank FILE --control a,b`: the controlled (covariate) Bradley–Terry board from a CSV with
// design columns x_<name> (model_a is the left side) and an optional positive `weight` column — the
// format of the independent reference bt_extended.py.

import { csvRow, parseCsv } from '../csv.ts';
import { outcomeCode } from '../ranking/counts.ts';
import type { ControlledBoard, CovariateVotes } from '../ranking/covariates.ts';
import type { InvalidRow } from '../ranking/index.ts';

export class ControlFileError extends Error {}

/**
 * Reads the battle CSV with the named covariates. Header errors (a missing column) throw
 * ControlFileError naming the column; bad rows are returned as `invalid` like the plain reader's.
 */
export function readControlCsv(text: string, control: string[]): { votes: CovariateVotes; invalid: InvalidRow[] } {
	let records;
	try {
		records = parseCsv(text);
	} catch (error) {
		throw new ControlFileError((error as Error).message);
	}
	if (records.length === 0) throw new ControlFileError('empty file: expected a header with model_a,model_b,winner');
	const header = records[0].fields.map((f) => f.trim());
	const col = (name: string) => header.indexOf(name);
	for (const name of ['model_a', 'model_b', 'winner'])
		if (col(name) < 0) throw new ControlFileError(`line 1: no '${name}' column (header: ${header.join(',')})`);
	const xcols = control.map((name) => {
		const c = col('x_' + name);
		if (c < 0) {
			const present = header.filter((h) => h.startsWith('x_')).map((h) => h.slice(2));
			throw new ControlFileError(`--control ${name}: no 'x_${name}' column (covariate columns: ${present.join(', ') || 'none'})`);
		}
		return c;
	});
	const ia = col('model_a');
	const ib = col('model_b');
	const iw = col('winner');
	const iweight = col('weight');
	const names: string[] = [];
	const ids = new Map<string, number>();
	const id = (name: string) => {
		let v = ids.get(name);
		if (v === undefined) {
			v = names.length;
			names.push(name);
			ids.set(name, v);
		}
		return v;
	};
	const n = records.length - 1;
	const p = control.length;
	const a = new Int32Array(n);
	const b = new Int32Array(n);
	const outcome = new Uint8Array(n);
	const x = new Float64Array(n * p);
	const weight = iweight >= 0 ? new Float64Array(n) : null;
	const invalid: InvalidRow[] = [];
	let kept = 0;
	for (let r = 1; r < records.length; r++) {
		const { line, fields } = records[r];
		const bad = (reason: string) => invalid.push({ line, reason });
		if (fields.length !== header.length) {
			bad(`expected ${header.length} fields, found ${fields.length}`);
			continue;
		}
		const left = fields[ia].trim();
		const right = fields[ib].trim();
		if (!left || !right) {
			bad('empty system name');
			continue;
		}
		if (left === right) {
			bad(`${left} against itself`);
			continue;
		}
		const o = outcomeCode(fields[iw].trim());
		if (o < 0) {
			bad(`unknown winner '${fields[iw].trim()}' (model_a, model_b, tie or tie (bothbad))`);
			continue;
		}
		let ok = true;
		for (let k = 0; k < p && ok; k++) {
			const text = fields[xcols[k]].trim();
			const v = Number(text);
			if (text === '' || !Number.isFinite(v)) {
				bad(`x_${control[k]} must be a finite number, not '${text}'`);
				ok = false;
			} else x[kept * p + k] = v;
		}
		if (!ok) continue;
		if (weight) {
			const text = fields[iweight].trim();
			const v = text === '' ? 1 : Number(text);
			if (!(Number.isFinite(v) && v > 0)) {
				bad(`weight must be a positive number, not '${text}'`);
				continue;
			}
			weight[kept] = v;
		}
		a[kept] = id(left);
		b[kept] = id(right);
		outcome[kept] = o;
		kept++;
	}
	return {
		votes: {
			systems: names,
			features: control,
			a: a.slice(0, kept),
			b: b.slice(0, kept),
			outcome: outcome.slice(0, kept),
			x: x.slice(0, kept * p),
			weight: weight ? weight.slice(0, kept) : null
		},
		invalid
	};
}

/** The --control names: a comma-separated list of covariate names. */
export function parseControlList(value: string): string[] {
	const names = value
		.split(',')
		.map((s) => s.trim())
		.filter((s) => s !== '');
	if (names.length === 0) throw new Error('--control needs at least one covariate name (x_<name> columns)');
	const seen = new Set<string>();
	for (const name of names) {
		if (seen.has(name)) throw new Error(`--control names ${name} twice`);
		seen.add(name);
	}
	return names;
}

const f1 = (x: number | null) => (x === null ? '–' : x.toFixed(1));

export function formatControlled(board: ControlledBoard, format: string): string {
	if (format === 'json') return JSON.stringify(board, null, 2) + '\n';
	if (format === 'csv') {
		const lines = [csvRow(['system', 'rating', 'ci_low', 'ci_high', 'rank', 'rank_worst', 'raw_rating', 'delta_rank'])];
		for (const e of board.leaderboard)
			lines.push(csvRow([e.system, e.rating, e.ci_low, e.ci_high, e.rank, e.rank_worst, e.raw_rating, e.delta_rank]));
		lines.push(csvRow([]));
		lines.push(csvRow(['coefficient', 'logit', 'elo', 'ci_low', 'ci_high']));
		for (const c of board.coefficients) lines.push(csvRow([c.name, c.logit, c.elo, c.ci_low, c.ci_high]));
		return lines.join('');
	}
	const table = (header: string[], rows: string[][], left: number) => {
		const width = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
		const line = (r: string[]) =>
			r
				.map((cell, c) => (c === left ? cell.padEnd(width[c]) : cell.padStart(width[c])))
				.join('  ')
				.trimEnd();
		return [line(header), ...rows.map(line)];
	};
	const spread = (e: { rank: number; rank_worst: number }) => (e.rank === e.rank_worst ? String(e.rank) : `${e.rank}–${e.rank_worst}`);
	const systems = table(
		['rank', 'system', 'controlled', '95% interval', 'raw', 'Δrank'],
		board.leaderboard.map((e) => [
			spread(e),
			e.system,
			f1(e.rating),
			e.ci_low === null ? '–' : `${f1(e.ci_low)} – ${f1(e.ci_high)}`,
			f1(e.raw_rating),
			e.delta_rank > 0 ? `+${e.delta_rank}` : String(e.delta_rank)
		]),
		1
	);
	const coefficients = table(
		['covariate', 'Elo', '95% interval', 'logit'],
		board.coefficients.map((c) => [
			c.name,
			(c.elo > 0 ? '+' : '') + f1(c.elo),
			c.ci_low === null ? '–' : `${f1(c.ci_low)} – ${f1(c.ci_high)}`,
			c.logit.toFixed(4)
		]),
		0
	);
	const sep = board.separability === null ? '' : `, separability ${(100 * board.separability).toFixed(0)}%`;
	const foot =
		`${board.votes} votes (weighted ${board.weighted_votes.toFixed(1)}) in ${board.rows} rows, ties: ${board.ties}, L2 ${board.l2} on γ${sep}, ` +
		(board.bootstrap.rounds > 0 ? `bootstrap ${board.bootstrap.rounds} rounds (seed ${board.bootstrap.seed})` : 'no bootstrap');
	return [...systems, '', ...coefficients, '', foot].join('\n') + '\n';
}
