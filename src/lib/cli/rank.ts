// `pickwise rank FILE`: Bradley–Terry leaderboard with bootstrap intervals from a battle file.

import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { UsageError, type Command, type CommandIO } from './command.ts';
import { csvRow } from '../csv.ts';
import {
	BattleFileError,
	countsFromBattleTable,
	detectFormat,
	parseBattles,
	rankWithDetails,
	RankingError,
	addRankSpread,
	type BattleFormat,
	type SpreadLeaderboard,
	type TieMode
} from '../ranking/index.ts';

const USAGE = `usage: pickwise rank FILE [options]
FILE: battles as CSV (header with model_a,model_b,winner[,tstamp]), a JSON array or JSON lines of
objects with those fields; winner is model_a, model_b, tie or tie (bothbad); '-' reads stdin.
  --ties half|davidson|exclude  ties count half a win each side (default), get their own Davidson
                                parameter, or are left out
  --bootstrap N                 bootstrap rounds for the 95% intervals (default 1000; 0 = none)
  --seed S                      seed of the bootstrap generator (default 0)
  --format json|csv|table       output (default json)
  --skip-invalid                rank the valid rows and list the malformed ones on stderr
                                (default: list them and stop)
  --prior X                     X virtual draws of every system against a 1000-rated anchor: finite,
                                shrunk ratings even when the votes have no maximum-likelihood estimate
  --workers N                   bootstrap worker threads (default: one per core; 0 = this thread)
  --control a,b                 controlled board: Bradley–Terry with the covariates in the CSV columns
                                x_a, x_b (design values, model_a = left side) and an optional positive
                                weight column; prints ratings, Δrank against the raw fit and coefficients
  --l2 X                        with --control: L2 penalty ½·X·Σγ² on the coefficients (default 1)
Online Elo (K=4) follows tstamp order when every row has one, file order otherwise.`;

/** How many malformed rows are listed before "and N more". */
const LISTED = 20;

function intOption(name: string, value: string | undefined, fallback: number): number {
	if (value === undefined) return fallback;
	if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(Number(value)))
		throw new UsageError(`--${name} must be a non-negative integer, not '${value}'`);
	return Number(value);
}

function formatCsv(board: SpreadLeaderboard): string {
	// csvField quotes and defuses spreadsheet formulas in names (numbers stay numbers)
	const lines = [csvRow(['system', 'rating', 'ci_low', 'ci_high', 'rank', 'battles', 'wins', 'losses', 'ties', 'elo', 'rank_worst'])];
	for (const e of board.leaderboard)
		lines.push(csvRow([e.system, e.rating, e.ci_low, e.ci_high, e.rank, e.battles, e.wins, e.losses, e.ties, e.elo, e.rank_worst]));
	return lines.join('');
}

function formatTable(board: SpreadLeaderboard): string {
	const f1 = (x: number | null) => (x === null ? '–' : x.toFixed(1));
	const header = ['rank', 'system', 'rating', '95% interval', 'battles', 'wins', 'losses', 'ties', 'elo'];
	const rows = board.leaderboard.map((e) => [
		e.rank === e.rank_worst ? String(e.rank) : `${e.rank}–${e.rank_worst}`,
		e.system,
		f1(e.rating),
		e.ci_low === null ? '–' : `${f1(e.ci_low)} – ${f1(e.ci_high)}`,
		String(e.battles),
		String(e.wins),
		String(e.losses),
		String(e.ties),
		f1(e.elo)
	]);
	const width = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
	const left = new Set([1]);
	const line = (r: string[]) =>
		r
			.map((cell, c) => (left.has(c) ? cell.padEnd(width[c]) : cell.padStart(width[c])))
			.join('  ')
			.trimEnd();
	const prior = board.prior ? `, prior ${board.prior} virtual draws` : '';
	const sep = board.separability === null ? '' : `, separability ${(100 * board.separability).toFixed(0)}%`;
	const foot =
		`${board.votes} votes, ties: ${board.ties}${prior}${sep}, ` +
		(board.bootstrap.rounds > 0 ? `bootstrap ${board.bootstrap.rounds} rounds (seed ${board.bootstrap.seed})` : 'no bootstrap');
	return [line(header), ...rows.map(line), '', foot].join('\n') + '\n';
}

async function readInput(file: string, io: CommandIO): Promise<Uint8Array> {
	if (file !== '-') return readFile(file);
	const chunks: Uint8Array[] = [];
	for await (const chunk of io.stdin) chunks.push(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk);
	return Buffer.concat(chunks);
}

const rank: Command = async (args, io) => {
	let parsed;
	try {
		parsed = parseArgs({
			args,
			allowPositionals: true,
			options: {
				ties: { type: 'string' },
				bootstrap: { type: 'string' },
				seed: { type: 'string' },
				format: { type: 'string' },
				'skip-invalid': { type: 'boolean' },
				prior: { type: 'string' },
				workers: { type: 'string' },
				control: { type: 'string' },
				l2: { type: 'string' },
				help: { type: 'boolean', short: 'h' }
			}
		});
	} catch (error) {
		throw new UsageError((error as Error).message);
	}
	const { values, positionals } = parsed;
	if (values.help) {
		io.stdout.write(USAGE + '\n');
		return 0;
	}
	if (positionals.length !== 1) throw new UsageError(`expected one FILE, got ${positionals.length}\n${USAGE}`);
	const file = positionals[0];
	const ties = (values.ties ?? 'half') as TieMode;
	if (!['half', 'davidson', 'exclude'].includes(ties)) throw new UsageError(`--ties must be half, davidson or exclude, not '${ties}'`);
	const format = values.format ?? 'json';
	if (!['json', 'csv', 'table'].includes(format)) throw new UsageError(`--format must be json, csv or table, not '${format}'`);
	const bootstrap = intOption('bootstrap', values.bootstrap, 1000);
	const seed = intOption('seed', values.seed, 0);
	const workers = values.workers === undefined ? undefined : intOption('workers', values.workers, 0);
	const prior = values.prior === undefined ? 0 : Number(values.prior);
	if (!(Number.isFinite(prior) && prior >= 0)) throw new UsageError(`--prior must be a number ≥ 0, not '${values.prior}'`);
	const fail = (message: string) => {
		io.stderr.write(`pickwise rank: ${message}\n`);
		return 1;
	};
	if (values.l2 !== undefined && values.control === undefined) throw new UsageError('--l2 applies to --control only');
	if (values.control !== undefined) {
		if (ties === 'davidson') throw new UsageError('--control counts ties half or excludes them (--ties half|exclude)');
		if (prior > 0) throw new UsageError('--prior does not apply to --control');
		const l2 = values.l2 === undefined ? 1 : Number(values.l2);
		if (!(Number.isFinite(l2) && l2 >= 0)) throw new UsageError(`--l2 must be a number ≥ 0, not '${values.l2}'`);
		const { rankControlledFile } = await import('./rank-control-run.ts');
		return rankControlledFile(io, file, values.control, {
			ties,
			l2,
			bootstrap,
			seed,
			workers,
			format,
			skipInvalid: values['skip-invalid'] === true,
			readInput: () => readInput(file, io)
		});
	}

	let bytes: Uint8Array;
	try {
		bytes = await readInput(file, io);
	} catch (error) {
		return fail(`cannot read ${file}: ${(error as Error).message}`);
	}
	const name = file === '-' ? 'stdin' : file;
	let table;
	try {
		const kind: BattleFormat = detectFormat(file, bytes);
		table = parseBattles(bytes, kind);
	} catch (error) {
		if (error instanceof BattleFileError) return fail(`${name}:${error.line}: ${error.message}`);
		throw error;
	}
	if (table.invalidCount > 0) {
		const skip = values['skip-invalid'] === true;
		const lines = table.invalid.slice(0, LISTED).map((r) => `${name}:${r.line}: ${r.reason}`);
		if (table.invalidCount > lines.length) lines.push(`… and ${table.invalidCount - lines.length} more`);
		const head = skip
			? `pickwise rank: skipped ${table.invalidCount} malformed row${table.invalidCount > 1 ? 's' : ''}:`
			: `pickwise rank: ${table.invalidCount} malformed row${table.invalidCount > 1 ? 's' : ''} (nothing ranked; --skip-invalid ranks the rest):`;
		io.stderr.write([head, ...lines.map((l) => '  ' + l)].join('\n') + '\n');
		if (!skip) return 1;
	}

	if (table.tstamp && table.tstampMissing > 0)
		io.stderr.write(
			`pickwise rank: warning: ${table.tstampMissing} of ${table.a.length} rows have no usable tstamp, so online Elo follows file order\n`
		);

	let details;
	try {
		details = await rankWithDetails(countsFromBattleTable(table), { ties, bootstrap, seed, prior, workers });
	} catch (error) {
		if (error instanceof RankingError) return fail(error.message);
		throw error;
	}
	for (const w of details.warnings) io.stderr.write(`pickwise rank: warning: ${w}\n`);
	const board = addRankSpread(details.board);
	io.stdout.write(format === 'json' ? JSON.stringify(board, null, 2) + '\n' : format === 'csv' ? formatCsv(board) : formatTable(board));
	return 0;
};

export default rank;
