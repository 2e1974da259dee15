// The server's one database handle, opened and migrated once per process.
import { openMigratedDatabase, type Db } from './index.ts';

let pending: Promise<Db> | null = null;

export function getDb(): Promise<Db> {
	pending ??= openMigratedDatabase(undefined, { backgroundCheckpoints: true });
	return pending;
}
