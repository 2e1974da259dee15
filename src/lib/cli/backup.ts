// pickwise backup --to FILE: a consistent copy of the SQLite database while the server runs, through
// SQLite's online backup API (better-sqlite3's backup()): it copies page by page and starts over on
// pages written meanwhile, so the copy is one committed state — never a torn file, as `cp` of a live
// database with its WAL can be. The copy is written under a temporary name, checked, then renamed.
// PostgreSQL has its own tools (pg_dump); image files are not in the database (docs/deploy.md).
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import type { Command } from './command.ts';
import { parseOptions, required, UsageError } from './command.ts';
import { databaseUrlFromEnv } from '../server/db/index.ts';

const backup: Command = async (args, io) => {
	const { values } = parseOptions(args, { to: { type: 'string' } });
	const target = resolve(required(values.to, '--to'));
	const url = databaseUrlFromEnv();
	if (!url.startsWith('sqlite:')) throw new UsageError('backup copies a SQLite database; for PostgreSQL use pg_dump (docs/deploy.md)');
	const file = url.slice('sqlite:'.length);
	if (!existsSync(file)) throw new UsageError(`no database at ${file} (DATA_DIR or DATABASE_URL)`);
	if (existsSync(target)) throw new UsageError(`--to ${target} exists already; choose a new file name`);
	if (!existsSync(dirname(target))) throw new UsageError(`--to: folder ${dirname(target)} does not exist`);
	const partial = `${target}.partial`;
	// read-only: a backup never migrates or writes the live database
	const source = new SQLite(file, { readonly: true, fileMustExist: true });
	try {
		await source.backup(partial);
		const copy = new SQLite(partial, { readonly: true });
		try {
			const check = copy.pragma('quick_check', { simple: true });
			if (check !== 'ok') throw new Error(`the copy fails SQLite's quick_check: ${String(check)}`);
		} finally {
			copy.close();
		}
		renameSync(partial, target);
	} catch (e) {
		rmSync(partial, { force: true });
		io.stderr.write(`error: backup failed: ${(e as Error).message}\n`);
		return 1;
	} finally {
		source.close();
	}
	io.stdout.write(`backed up ${file} to ${target} (${statSync(target).size} bytes)\n`);
	return 0;
};

export default backup;
