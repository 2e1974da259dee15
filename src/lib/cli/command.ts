import type { Readable, Writable } from 'node:stream';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { openMigratedDatabase, databaseUrlFromEnv, type Db } from '../server/db/index.ts';
import { AppError } from '../server/errors.ts';

export interface CommandIO {
	stdout: Writable & { isTTY?: boolean };
	stderr: Writable & { isTTY?: boolean };
	stdin: Readable;
}

/** A CLI command: arguments in, exit code out; all output through `io` so tests can capture it. */
export type Command = (args: string[], io: CommandIO) => Promise<number>;

/** Wrong arguments: printed as `pickwise <cmd>: message`, exit code 2. */
export class UsageError extends Error {}

/** node:util parseArgs with its errors turned into usage errors. */
export function parseOptions<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T, allowPositionals = false) {
	try {
		return parseArgs({ args, options, allowPositionals, strict: true });
	} catch (e) {
		throw new UsageError((e as Error).message);
	}
}

export function required<T>(value: T | undefined, flag: string): T {
	if (value === undefined || value === '') throw new UsageError(`${flag} is required`);
	return value;
}

/** Opens the configured database for one command, and always closes it. */
export async function withDatabase<T>(fn: (db: Db) => Promise<T>): Promise<T> {
	const db = await openMigratedDatabase(databaseUrlFromEnv());
	try {
		return await fn(db);
	} finally {
		await db.close();
	}
}

/** Prints an AppError as `field: message` and returns exit code 1; rethrows anything else. */
export function reportError(io: CommandIO, error: unknown): number {
	if (error instanceof AppError) {
		io.stderr.write(`error: ${error.field ? error.field + ': ' : ''}${error.message}\n`);
		return 1;
	}
	throw error;
}

export async function readStdin(stdin: Readable): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of stdin) chunks.push(Buffer.from(chunk));
	return Buffer.concat(chunks).toString('utf8');
}
