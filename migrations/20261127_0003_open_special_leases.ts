// Every next pair asks whether the evaluator holds an open gold or repeat lease. Without this index
// that read walked all of the evaluator's assignments (thousands for a busy evaluator); the partial
// index holds only the open special ones, a handful at most. Same SQL on SQLite and PostgreSQL.
// Frozen: add a new migration to change it.
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await sql`create index assignment_open_special_idx on assignment (campaign_id, user_id)
		where kind <> 'normal' and answered_at is null and skipped_at is null`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await sql`drop index assignment_open_special_idx`.execute(db);
}
