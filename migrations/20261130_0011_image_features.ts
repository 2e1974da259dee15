// Features of each stored image that a controlled leaderboard may hold equal: mean luminance and RMS
// contrast of the stored original (0–255 grey levels). Computed once per image, at import or lazily
// for images stored before this migration; an image without a row here has not been measured yet.
// Same SQL on SQLite and PostgreSQL. Frozen: add a new migration to change it.
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('image_feature')
		.addColumn('image_id', 'text', (c) => c.primaryKey().references('image.id').onDelete('cascade'))
		// denormalised so that a campaign's features are one indexed read
		.addColumn('campaign_id', 'text', (c) => c.notNull())
		.addColumn('luminance', 'double precision', (c) => c.notNull())
		.addColumn('contrast', 'double precision', (c) => c.notNull())
		.addColumn('computed_at', 'bigint', (c) => c.notNull())
		.execute();
	await db.schema.createIndex('image_feature_campaign_idx').on('image_feature').column('campaign_id').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('image_feature').execute();
}
