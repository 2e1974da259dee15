// Guidelines are rendered once when saved and the sanitized HTML is stored with the version: pages
// serve it as is instead of rendering the lead's Markdown on every view (a few kB of crafted
// Markdown used to stall the server for seconds per view). Null until the app renders it: campaigns
// from before this migration get their HTML the first time a page needs it, once.
// Frozen: add a new migration to change it.
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('campaign').addColumn('guidelines_html', 'text').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('campaign').dropColumn('guidelines_html').execute();
}
