// Dry runs of browser uploads waiting for their lead, kept where every instance can read them: the
// plan (and the upload's refused entries) here, the re-encoded copies in the image store under
// staging/<id>/. So the confirm may land on any instance. `claimed_at` is set by the confirm that is
// writing it (a second one is refused), `confirmed_at` once its rows are committed (the same
// transaction), after which the plan is dropped and the row only says "confirmed" until it is swept.
// Same SQL on SQLite and PostgreSQL. Frozen: add a new migration to change it.
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('upload_staging')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('campaign_id', 'text', (c) => c.notNull().references('campaign.id').onDelete('cascade'))
		.addColumn('created_by', 'text', (c) => c.notNull())
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		/** JSON: the layout, the refused entries and the import plan ('' once confirmed) */
		.addColumn('dry_run', 'text', (c) => c.notNull())
		.addColumn('claimed_at', 'bigint')
		.addColumn('confirmed_at', 'bigint')
		.execute();
	await db.schema.createIndex('upload_staging_created_idx').on('upload_staging').column('created_at').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('upload_staging').execute();
}
