// Notes a lead sends to one evaluator of a campaign (review used to be one-way: the evaluator never
// learnt why a vote was rejected). Plain text, read by the evaluator on their own page; read_at is
// set when that page shows the note.
// Frozen: add a new migration to change it. Portable: text ids made by the app, bigint epoch ms.
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('evaluator_note')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('campaign_id', 'text', (c) => c.notNull().references('campaign.id').onDelete('cascade'))
		.addColumn('recipient_id', 'text', (c) => c.notNull().references('user.id').onDelete('cascade'))
		// the lead who wrote it; kept (as null) when that account is deleted
		.addColumn('author_id', 'text', (c) => c.references('user.id').onDelete('set null'))
		.addColumn('body', 'text', (c) => c.notNull())
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addColumn('read_at', 'bigint')
		.execute();
	// the evaluator's page and the vote page's unread count: one campaign, one recipient, newest first
	await db.schema
		.createIndex('evaluator_note_recipient_idx')
		.on('evaluator_note')
		.columns(['campaign_id', 'recipient_id', 'created_at'])
		.execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('evaluator_note').execute();
}
