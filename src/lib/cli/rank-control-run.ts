// The --control path of `pickwise rank`, loaded only when asked for.

import { UsageError, type CommandIO } from './command.ts';
import { ControlFileError, formatControlled, parseControlList, readControlCsv } from './rank-control.ts';
import { aggregateCovariates, rankControlled, type CovariateTies } from '../ranking/covariates.ts';
import { RankingError } from '../ranking/errors.ts';

/** How many malformed rows are listed before "and N more". */
const LISTED = 20;

export async function rankControlledFile(
	io: CommandIO,
	file: string,
	control: string,
	opts: {
		ties: CovariateTies;
		l2: number;
		bootstrap: number;
		seed: number;
		workers: number | undefined;
		format: string;
		skipInvalid: boolean;
		readInput: () => Promise<Uint8Array>;
	}
): Promise<number> {
	let names: string[];
	try {
		names = parseControlList(control);
	} catch (error) {
		throw new UsageError((error as Error).message);
	}
	const fail = (message: string) => {
		io.stderr.write(`pickwise rank: ${message}\n`);
		return 1;
	};
	const name = file === '-' ? 'stdin' : file;
	if (file !== '-' && !file.toLowerCase().endsWith('.csv') && file.toLowerCase().match(/\.(json|jsonl|ndjson)$/))
		return fail(`--control reads CSV files (x_<name> columns), not ${name}`);
	let bytes: Uint8Array;
	try {
		bytes = await opts.readInput();
	} catch (error) {
		return fail(`cannot read ${file}: ${(error as Error).message}`);
	}
	let parsed;
	try {
		parsed = readControlCsv(new TextDecoder().decode(bytes), names);
	} catch (error) {
		if (error instanceof ControlFileError) return fail(`${name}: ${error.message}`);
		throw error;
	}
	const { votes, invalid } = parsed;
	if (invalid.length > 0) {
		const lines = invalid.slice(0, LISTED).map((r) => `${name}:${r.line}: ${r.reason}`);
		if (invalid.length > lines.length) lines.push(`… and ${invalid.length - lines.length} more`);
		const s = invalid.length > 1 ? 's' : '';
		const head = opts.skipInvalid
			? `pickwise rank: skipped ${invalid.length} malformed row${s}:`
			: `pickwise rank: ${invalid.length} malformed row${s} (nothing ranked; --skip-invalid ranks the rest):`;
		io.stderr.write([head, ...lines.map((l) => '  ' + l)].join('\n') + '\n');
		if (!opts.skipInvalid) return 1;
	}
	let result;
	try {
		result = await rankControlled(aggregateCovariates(votes), {
			ties: opts.ties,
			l2: opts.l2,
			bootstrap: opts.bootstrap,
			seed: opts.seed,
			workers: opts.workers
		});
	} catch (error) {
		if (error instanceof RankingError) return fail(error.message);
		throw error;
	}
	for (const w of result.warnings) io.stderr.write(`pickwise rank: warning: ${w}\n`);
	io.stdout.write(formatControlled(result.board, opts.format));
	return 0;
}
