// The server's one database handle, opened and migrated once per process.
import { openMigratedDatabase, type Db } from './index.ts';

let pending: Promise<Db> | null = null;

export function getDb(): Promise<Db> {
	pending ??= openMigratedDatabase(undefined, { backgroundCheckpoints: true, server: true });
	return pending;
}

/** Closes the handle if one was opened (the server's shutdown). */
export async function shutdownDb(): Promise<void> {
	const db = pending;
	pending = null;
	if (db) await (await db).close();
}
