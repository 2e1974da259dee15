// A lead removes a system from a running campaign by retiring it: the scheduler stops pairing its
// images, while its images, votes and place in the results stay. Null means active. Same SQL on
// SQLite and PostgreSQL. Frozen: add a new migration to change it.
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('system').addColumn('retired_at', 'bigint').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('system').dropColumn('retired_at').execute();
}
