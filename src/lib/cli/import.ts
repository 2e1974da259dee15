// pickwise import images --campaign S --manifest FILE.csv [--skip-invalid] [--max-pixels N]
import type { Command, CommandIO } from './command.ts';
import { parseOptions, reportError, required, UsageError, withDatabase } from './command.ts';
import { DEFAULT_MAX_PIXELS, importImages, type ImportSummary } from '../server/images/import.ts';
import { dataDirFromEnv, imageStoreFor } from '../server/images/storage.ts';
import { importVotes } from '../server/voting/battle-import.ts';
import { readFileSync } from 'node:fs';

const importCommand: Command = async (args, io) => {
	const [sub, ...rest] = args;
	if (sub === 'images') {
		const { values } = parseOptions(rest, {
			campaign: { type: 'string' },
			manifest: { type: 'string' },
			'skip-invalid': { type: 'boolean', default: false },
			'max-pixels': { type: 'string' }
		});
		const maxPixels = values['max-pixels'] ? Number(values['max-pixels']) : DEFAULT_MAX_PIXELS;
		if (!Number.isInteger(maxPixels) || maxPixels <= 0) throw new UsageError('--max-pixels must be a positive whole number');
		const dataDir = dataDirFromEnv();
		// IMAGE_STORE and the AWS variables are checked before anything is read; a mistake names its variable
		const store = await imageStoreFor(dataDir).catch((e: Error) => {
			throw new UsageError(e.message);
		});
		const options = {
			campaign: required(values.campaign, '--campaign'),
			manifestPath: required(values.manifest, '--manifest'),
			dataDir,
			store,
			skipInvalid: values['skip-invalid'],
			maxPixels,
			onProgress: progressBar(io)
		};
		return withDatabase(async (db) => {
			try {
				const summary = await importImages(db.kysely, options);
				printSummary(io, summary);
				return summary.rejected.length > 0 && !summary.written ? 1 : 0;
			} catch (e) {
				return reportError(io, e);
			}
		});
	}
	if (sub === 'votes') {
		const { values } = parseOptions(rest, {
			campaign: { type: 'string' },
			file: { type: 'string' },
			format: { type: 'string' },
			'skip-invalid': { type: 'boolean', default: false }
		});
		const file = required(values.file, '--file');
		const format = (values.format ?? (/\.jsonl$|\.ndjson$/i.test(file) ? 'jsonl' : /\.json$/i.test(file) ? 'json' : 'csv')) as
			'csv' | 'json' | 'jsonl';
		if (!['csv', 'json', 'jsonl'].includes(format)) throw new UsageError('--format must be csv, json or jsonl');
		let text: string;
		try {
			text = readFileSync(file, 'utf8');
		} catch {
			throw new UsageError(`cannot read --file ${file}`);
		}
		const campaign = required(values.campaign, '--campaign');
		return withDatabase(async (db) => {
			try {
				const s = await importVotes(db.kysely, { campaign, text, format, skipInvalid: values['skip-invalid'] });
				for (const r of s.rejected) io.stderr.write(`line ${r.line}: ${r.reason}\n`);
				if (!s.written) {
					io.stderr.write(`${s.rejected.length} of ${s.rows} rows are invalid; nothing was imported. Fix them, or pass --skip-invalid.\n`);
					return 1;
				}
				io.stdout.write(
					`added ${s.added} votes, skipped ${s.skipped} (already imported), rejected ${s.rejected.length} of ${s.rows} rows; new systems ${s.systemsAdded}\n`
				);
				return 0;
			} catch (e) {
				return reportError(io, e);
			}
		});
	}
	throw new UsageError(
		'usage: pickwise import images --campaign S --manifest FILE.csv [--skip-invalid] [--max-pixels N] | import votes --campaign S --file F [--format csv|json|jsonl] [--skip-invalid]'
	);
};

function printSummary(io: CommandIO, s: ImportSummary) {
	for (const r of s.rejected) io.stderr.write(`line ${r.line}: ${r.imagePath || '(no path)'}: ${r.reason}\n`);
	if (!s.written) {
		io.stderr.write(
			`${s.rejected.length} of ${s.rows} rows are invalid; nothing was imported. Fix them, or pass --skip-invalid to import the ${s.rows - s.rejected.length} valid rows.\n`
		);
		return;
	}
	io.stdout.write(
		`added ${s.added}, skipped ${s.skipped} (already imported), rejected ${s.rejected.length} of ${s.rows} rows; ` +
			`new systems ${s.systemsAdded}, new prompts ${s.promptsAdded}\n`
	);
}

/** A one-line bar on a terminal; silent when output is piped. */
function progressBar(io: CommandIO) {
	if (!io.stderr.isTTY) return undefined;
	let last = 0;
	return (done: number, total: number) => {
		const now = Date.now();
		if (done < total && now - last < 100) return;
		last = now;
		const width = 30;
		const filled = total ? Math.round((done / total) * width) : width;
		io.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}${done === total ? '\n' : ''}`);
	};
}

export default importCommand;
