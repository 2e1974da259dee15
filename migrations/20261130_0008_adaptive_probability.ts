// The adaptive scheduler draws each system pair with a known probability P(a); it is stored on the
// assignment when issued and copied to its vote, so that rankings can weight each vote by 1/P
// (inverse-probability weighting) and exports can carry it. Null for pairs not drawn that way
// (other strategies, gold pairs, hidden repeats, imported battles). Same SQL on SQLite and
// PostgreSQL. Frozen: add a new migration to change it.
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('assignment').addColumn('probability', 'double precision').execute();
	await db.schema.alterTable('vote').addColumn('probability', 'double precision').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('vote').dropColumn('probability').execute();
	await db.schema.alterTable('assignment').dropColumn('probability').execute();
}
