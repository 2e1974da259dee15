// Full-text search over rationales. SQLite: an FTS5 table kept in step by triggers. PostgreSQL: a
// GIN index over to_tsvector. Frozen: add a new migration to change it.
import { sql, type Kysely } from 'kysely';

// A failed statement aborts a PostgreSQL transaction but not an SQLite one: probe with what
// PostgreSQL answers and SQLite refuses.
async function isSqlite(db: Kysely<any>): Promise<boolean> {
	try {
		const result = await sql<{ version: string }>`select version() as version`.execute(db);
		return !String(result.rows[0]?.version).includes('PostgreSQL');
	} catch {
		return true;
	}
}

export async function up(db: Kysely<any>): Promise<void> {
	if (await isSqlite(db)) {
		// Its own copy keyed by vote id (not rowid: VACUUM may renumber the rowids of a text-keyed table).
		await sql`create virtual table vote_fts using fts5(vote_id unindexed, rationale, tokenize='porter unicode61')`.execute(db);
		await sql`insert into vote_fts(vote_id, rationale) select id, rationale from vote`.execute(db);
		await sql`create trigger vote_fts_insert after insert on vote begin
			insert into vote_fts(vote_id, rationale) values (new.id, new.rationale); end`.execute(db);
		await sql`create trigger vote_fts_delete after delete on vote begin
			delete from vote_fts where vote_id = old.id; end`.execute(db);
		await sql`create trigger vote_fts_update after update of rationale on vote begin
			delete from vote_fts where vote_id = old.id;
			insert into vote_fts(vote_id, rationale) values (new.id, new.rationale); end`.execute(db);
	} else {
		await sql`create index vote_rationale_fts_idx on vote using gin (to_tsvector('english', rationale))`.execute(db);
	}
	await db.schema.createIndex('review_created_idx').on('review').columns(['vote_id', 'created_at']).execute();
	await db.schema.createIndex('gold_pair_campaign_idx').on('gold_pair').column('campaign_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	if (await isSqlite(db)) {
		for (const t of ['vote_fts_insert', 'vote_fts_delete', 'vote_fts_update']) await sql.raw(`drop trigger ${t}`).execute(db);
		await sql`drop table vote_fts`.execute(db);
	} else {
		await sql`drop index vote_rationale_fts_idx`.execute(db);
	}
	await db.schema.dropIndex('review_created_idx').execute();
	await db.schema.dropIndex('gold_pair_campaign_idx').execute();
}
