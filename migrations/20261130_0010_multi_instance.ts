// Several app instances on one PostgreSQL: every new lease gets the next number of its campaign
// (`issue_seq`), handed out while the instance holds the campaign's advisory lock, so an instance
// catches up on the leases the others issued by reading the numbers above the last one it knows
// (docs/multi-instance.md). SQLite (one instance) leaves it null. Same SQL on both databases.
// Frozen: add a new migration to change it.
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('assignment').addColumn('issue_seq', 'bigint').execute();
	await db.schema.createIndex('assignment_campaign_issue_seq_idx').on('assignment').columns(['campaign_id', 'issue_seq']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropIndex('assignment_campaign_issue_seq_idx').execute();
	await db.schema.alterTable('assignment').dropColumn('issue_seq').execute();
}
