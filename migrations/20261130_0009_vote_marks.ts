// What an evaluator points at, beyond the choice: region marks on either image (a box or a point in
// image-relative coordinates 0–1, with a kind from the campaign's flag list), prompt elements an
// image misses, and the campaign's reason tags chosen for the vote. Written in the vote's own
// transaction; votes cast before this migration simply have no rows here ("no marks").
// A point has w = h = 0. Same SQL on SQLite and PostgreSQL. Frozen: add a new migration to change it.
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('vote_mark')
		.addColumn('vote_id', 'text', (c) => c.notNull().references('vote.id').onDelete('cascade'))
		// denormalised so that results and audit filters need no join through vote
		.addColumn('campaign_id', 'text', (c) => c.notNull())
		.addColumn('side', 'text', (c) => c.notNull())
		// order of placement on that image (1, 2, …): the number drawn beside the outline
		.addColumn('position', 'integer', (c) => c.notNull())
		.addColumn('kind', 'text', (c) => c.notNull())
		.addColumn('x', 'double precision', (c) => c.notNull())
		.addColumn('y', 'double precision', (c) => c.notNull())
		.addColumn('w', 'double precision', (c) => c.notNull().defaultTo(0))
		.addColumn('h', 'double precision', (c) => c.notNull().defaultTo(0))
		.addPrimaryKeyConstraint('vote_mark_pk', ['vote_id', 'side', 'position'])
		.execute();
	await db.schema.createIndex('vote_mark_campaign_kind_idx').on('vote_mark').columns(['campaign_id', 'kind']).execute();

	await db.schema
		.createTable('vote_missing')
		.addColumn('vote_id', 'text', (c) => c.notNull().references('vote.id').onDelete('cascade'))
		.addColumn('campaign_id', 'text', (c) => c.notNull())
		.addColumn('side', 'text', (c) => c.notNull())
		// a word of the prompt or one of the campaign's prompt phrases, as shown on the chip
		.addColumn('element', 'text', (c) => c.notNull())
		.addPrimaryKeyConstraint('vote_missing_pk', ['vote_id', 'side', 'element'])
		.execute();
	await db.schema.createIndex('vote_missing_campaign_idx').on('vote_missing').columns(['campaign_id', 'element']).execute();

	await db.schema
		.createTable('vote_tag')
		.addColumn('vote_id', 'text', (c) => c.notNull().references('vote.id').onDelete('cascade'))
		.addColumn('campaign_id', 'text', (c) => c.notNull())
		.addColumn('tag', 'text', (c) => c.notNull())
		.addPrimaryKeyConstraint('vote_tag_pk', ['vote_id', 'tag'])
		.execute();
	await db.schema.createIndex('vote_tag_campaign_idx').on('vote_tag').columns(['campaign_id', 'tag']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('vote_tag').execute();
	await db.schema.dropTable('vote_missing').execute();
	await db.schema.dropTable('vote_mark').execute();
}
