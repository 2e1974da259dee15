// Accounts run from the browser: one-time invitation and password-reset links (only a hash of the
// secret stored, like sessions), the last sign-in, who may create campaigns, and the campaign's
// coverage target (battles per system pair) behind the progress estimate.
// Frozen: add a new migration to change it. Portable: one column per ALTER (SQLite allows no more).
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('invitation')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('secret_hash', 'text', (c) => c.notNull())
		.addColumn('user_id', 'text', (c) => c.notNull().references('user.id').onDelete('cascade'))
		// 'invite' (a new account chooses its first password) or 'reset'
		.addColumn('purpose', 'text', (c) => c.notNull())
		.addColumn('created_by', 'text', (c) => c.references('user.id').onDelete('set null'))
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addColumn('expires_at', 'bigint', (c) => c.notNull())
		.addColumn('used_at', 'bigint')
		.execute();
	await db.schema.createIndex('invitation_user_idx').on('invitation').column('user_id').execute();
	await db.schema.alterTable('user').addColumn('last_login_at', 'bigint').execute();
	await db.schema
		.alterTable('user')
		.addColumn('can_create_campaigns', 'integer', (c) => c.notNull().defaultTo(0))
		.execute();
	await db.schema
		.alterTable('campaign')
		.addColumn('target_battles', 'integer', (c) => c.notNull().defaultTo(30))
		.execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('campaign').dropColumn('target_battles').execute();
	await db.schema.alterTable('user').dropColumn('can_create_campaigns').execute();
	await db.schema.alterTable('user').dropColumn('last_login_at').execute();
	await db.schema.dropTable('invitation').execute();
}
