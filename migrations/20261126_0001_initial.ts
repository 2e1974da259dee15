// The whole initial data model (docs/architecture.md describes it). Frozen: never edit after release, add a new migration.
// Portable between SQLite and PostgreSQL: text ids made by the app, times as bigint epoch
// milliseconds, booleans as 0/1 integers, JSON as text.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('user')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('email', 'text', (c) => c.notNull().unique())
		.addColumn('display_name', 'text', (c) => c.notNull())
		.addColumn('password_hash', 'text')
		.addColumn('is_admin', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('disabled_at', 'bigint')
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.execute();

	await db.schema
		.createTable('session')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('secret_hash', 'text', (c) => c.notNull())
		.addColumn('user_id', 'text', (c) => c.notNull().references('user.id').onDelete('cascade'))
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addColumn('last_verified_at', 'bigint', (c) => c.notNull())
		.execute();
	await db.schema.createIndex('session_user_idx').on('session').column('user_id').execute();

	await db.schema
		.createTable('api_token')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('user_id', 'text', (c) => c.notNull().references('user.id').onDelete('cascade'))
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('token_hash', 'text', (c) => c.notNull().unique())
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addColumn('last_used_at', 'bigint')
		.addColumn('revoked_at', 'bigint')
		.execute();

	await db.schema
		.createTable('campaign')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('slug', 'text', (c) => c.notNull().unique())
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
		.addColumn('guidelines_md', 'text', (c) => c.notNull().defaultTo(''))
		.addColumn('guidelines_version', 'integer', (c) => c.notNull().defaultTo(1))
		.addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
		.addColumn('allow_tie', 'integer', (c) => c.notNull().defaultTo(1))
		.addColumn('allow_both_bad', 'integer', (c) => c.notNull().defaultTo(1))
		.addColumn('rationale_min_chars', 'integer', (c) => c.notNull().defaultTo(20))
		.addColumn('blind', 'integer', (c) => c.notNull().defaultTo(1))
		.addColumn('strategy', 'text', (c) => c.notNull().defaultTo('balanced'))
		.addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.execute();

	await db.schema
		.createTable('campaign_member')
		.addColumn('campaign_id', 'text', (c) => c.notNull().references('campaign.id').onDelete('cascade'))
		.addColumn('user_id', 'text', (c) => c.notNull().references('user.id').onDelete('cascade'))
		.addColumn('role', 'text', (c) => c.notNull())
		.addColumn('quota', 'integer')
		.addPrimaryKeyConstraint('campaign_member_pk', ['campaign_id', 'user_id'])
		.execute();
	await db.schema.createIndex('campaign_member_user_idx').on('campaign_member').column('user_id').execute();

	await db.schema
		.createTable('criterion')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('campaign_id', 'text', (c) => c.notNull().references('campaign.id').onDelete('cascade'))
		.addColumn('key', 'text', (c) => c.notNull())
		.addColumn('label', 'text', (c) => c.notNull())
		.addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
		.addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
		.addUniqueConstraint('criterion_campaign_key_uq', ['campaign_id', 'key'])
		.execute();

	await db.schema
		.createTable('flag_kind')
		.addColumn('campaign_id', 'text', (c) => c.notNull().references('campaign.id').onDelete('cascade'))
		.addColumn('key', 'text', (c) => c.notNull())
		.addColumn('label', 'text', (c) => c.notNull())
		.addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
		.addPrimaryKeyConstraint('flag_kind_pk', ['campaign_id', 'key'])
		.execute();

	await db.schema
		.createTable('system')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('campaign_id', 'text', (c) => c.notNull().references('campaign.id').onDelete('cascade'))
		.addColumn('name', 'text', (c) => c.notNull())
		.addUniqueConstraint('system_campaign_name_uq', ['campaign_id', 'name'])
		.execute();

	await db.schema
		.createTable('prompt')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('campaign_id', 'text', (c) => c.notNull().references('campaign.id').onDelete('cascade'))
		.addColumn('external_id', 'text', (c) => c.notNull())
		.addColumn('text', 'text', (c) => c.notNull())
		.addColumn('category', 'text')
		.addUniqueConstraint('prompt_campaign_external_uq', ['campaign_id', 'external_id'])
		.execute();

	await db.schema
		.createTable('image')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('campaign_id', 'text', (c) => c.notNull().references('campaign.id').onDelete('cascade'))
		.addColumn('prompt_id', 'text', (c) => c.notNull().references('prompt.id').onDelete('cascade'))
		.addColumn('system_id', 'text', (c) => c.notNull().references('system.id').onDelete('cascade'))
		.addColumn('sha256', 'text', (c) => c.notNull())
		.addColumn('stored_path', 'text', (c) => c.notNull())
		.addColumn('width', 'integer', (c) => c.notNull())
		.addColumn('height', 'integer', (c) => c.notNull())
		.addColumn('format', 'text', (c) => c.notNull())
		.addColumn('bytes', 'integer', (c) => c.notNull())
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addUniqueConstraint('image_identity_uq', ['campaign_id', 'prompt_id', 'system_id', 'sha256'])
		.execute();
	await db.schema.createIndex('image_campaign_prompt_idx').on('image').columns(['campaign_id', 'prompt_id']).execute();

	await db.schema
		.createTable('assignment')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('campaign_id', 'text', (c) => c.notNull().references('campaign.id').onDelete('cascade'))
		.addColumn('user_id', 'text', (c) => c.notNull().references('user.id').onDelete('cascade'))
		.addColumn('left_image_id', 'text', (c) => c.notNull().references('image.id'))
		.addColumn('right_image_id', 'text', (c) => c.notNull().references('image.id'))
		.addColumn('kind', 'text', (c) => c.notNull().defaultTo('normal'))
		.addColumn('issued_at', 'bigint', (c) => c.notNull())
		.addColumn('expires_at', 'bigint', (c) => c.notNull())
		.addColumn('answered_at', 'bigint')
		.addColumn('skipped_at', 'bigint')
		.addColumn('skip_reason', 'text')
		.execute();
	await db.schema.createIndex('assignment_campaign_user_idx').on('assignment').columns(['campaign_id', 'user_id']).execute();

	await db.schema
		.createTable('vote')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('assignment_id', 'text', (c) => c.notNull().unique().references('assignment.id'))
		.addColumn('campaign_id', 'text', (c) => c.notNull().references('campaign.id').onDelete('cascade'))
		.addColumn('user_id', 'text', (c) => c.notNull().references('user.id'))
		.addColumn('prompt_id', 'text', (c) => c.notNull().references('prompt.id'))
		.addColumn('left_image_id', 'text', (c) => c.notNull().references('image.id'))
		.addColumn('right_image_id', 'text', (c) => c.notNull().references('image.id'))
		// Systems copied from the images so that rankings aggregate without joins.
		.addColumn('left_system_id', 'text', (c) => c.notNull().references('system.id'))
		.addColumn('right_system_id', 'text', (c) => c.notNull().references('system.id'))
		.addColumn('kind', 'text', (c) => c.notNull().defaultTo('normal'))
		.addColumn('choice', 'text', (c) => c.notNull())
		.addColumn('rationale', 'text', (c) => c.notNull())
		.addColumn('flags', 'text', (c) => c.notNull().defaultTo('{}'))
		.addColumn('guidelines_version', 'integer', (c) => c.notNull())
		.addColumn('shown_at', 'bigint', (c) => c.notNull())
		.addColumn('submitted_at', 'bigint', (c) => c.notNull())
		.addColumn('active_ms', 'integer')
		.addColumn('status', 'text', (c) => c.notNull().defaultTo('counted'))
		.addColumn('simulated', 'integer', (c) => c.notNull().defaultTo(0))
		.execute();
	await db.schema.createIndex('vote_campaign_time_idx').on('vote').columns(['campaign_id', 'submitted_at']).execute();
	await db.schema.createIndex('vote_campaign_user_idx').on('vote').columns(['campaign_id', 'user_id']).execute();

	await db.schema
		.createTable('vote_criterion')
		.addColumn('vote_id', 'text', (c) => c.notNull().references('vote.id').onDelete('cascade'))
		.addColumn('criterion_id', 'text', (c) => c.notNull().references('criterion.id').onDelete('cascade'))
		.addColumn('choice', 'text', (c) => c.notNull())
		.addPrimaryKeyConstraint('vote_criterion_pk', ['vote_id', 'criterion_id'])
		.execute();

	await db.schema
		.createTable('review')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('vote_id', 'text', (c) => c.notNull().references('vote.id').onDelete('cascade'))
		.addColumn('reviewer_id', 'text', (c) => c.notNull().references('user.id'))
		.addColumn('decision', 'text', (c) => c.notNull())
		.addColumn('comment', 'text', (c) => c.notNull().defaultTo(''))
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.execute();
	await db.schema.createIndex('review_vote_idx').on('review').column('vote_id').execute();

	await db.schema
		.createTable('gold_pair')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('campaign_id', 'text', (c) => c.notNull().references('campaign.id').onDelete('cascade'))
		.addColumn('left_image_id', 'text', (c) => c.notNull().references('image.id'))
		.addColumn('right_image_id', 'text', (c) => c.notNull().references('image.id'))
		.addColumn('expected_choice', 'text', (c) => c.notNull())
		.addColumn('explanation', 'text', (c) => c.notNull().defaultTo(''))
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.execute();

	// Sufficient statistics per unordered system pair (system_a < system_b), kept in step with votes.
	await db.schema
		.createTable('pair_stat')
		.addColumn('campaign_id', 'text', (c) => c.notNull().references('campaign.id').onDelete('cascade'))
		.addColumn('criterion', 'text', (c) => c.notNull())
		.addColumn('system_a', 'text', (c) => c.notNull().references('system.id'))
		.addColumn('system_b', 'text', (c) => c.notNull().references('system.id'))
		.addColumn('a_wins', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('b_wins', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('ties', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('both_bad', 'integer', (c) => c.notNull().defaultTo(0))
		.addPrimaryKeyConstraint('pair_stat_pk', ['campaign_id', 'criterion', 'system_a', 'system_b'])
		.execute();

	await db.schema
		.createTable('audit_log')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('actor_id', 'text')
		.addColumn('action', 'text', (c) => c.notNull())
		.addColumn('subject', 'text', (c) => c.notNull())
		.addColumn('at', 'bigint', (c) => c.notNull())
		.addColumn('detail', 'text', (c) => c.notNull().defaultTo('{}'))
		.execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	for (const table of [
		'audit_log',
		'pair_stat',
		'gold_pair',
		'review',
		'vote_criterion',
		'vote',
		'assignment',
		'image',
		'prompt',
		'system',
		'flag_kind',
		'criterion',
		'campaign_member',
		'campaign',
		'api_token',
		'session',
		'user'
	]) {
		await db.schema.dropTable(table).execute();
	}
}
