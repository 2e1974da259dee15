// What the quality report needs of a vote's rationale (the side it argues for, its length, whether it
// says anything) is stored with the vote as one integer when it is written (lib/quality
// rationale-facts.ts), so that a large campaign's report does not read every text and find its side
// again (a third of the report at 200,000 votes). The integer carries the version of that reading: facts
// of another version, or none (null), are read from the text again, so the report never depends on
// them being there. The votes already stored get theirs here, in batches. Same SQL on SQLite and
// PostgreSQL. Frozen: add a new migration to change it.
import { sql, type Kysely } from 'kysely';
import { rationaleFacts } from '../src/lib/quality/rationale-facts.ts';

const BATCH = 1000;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('vote').addColumn('rationale_facts', 'integer').execute();
	// each vote's facts into a temporary table, a batch of texts at a time, then one update from it (an
	// update per vote, or per batch with a case over its ids, took seconds at 200,000 votes)
	await db.schema
		.createTable('vote_rationale_facts')
		.temporary()
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('facts', 'integer', (c) => c.notNull())
		.execute();
	let after = '';
	for (;;) {
		const rows: { id: string; rationale: string }[] = await db
			.selectFrom('vote')
			.select(['id', 'rationale'])
			.where('id', '>', after)
			.orderBy('id')
			.limit(BATCH)
			.execute();
		if (!rows.length) break;
		await db
			.insertInto('vote_rationale_facts')
			.values(rows.map((r) => ({ id: r.id, facts: rationaleFacts(r.rationale) })))
			.execute();
		after = rows[rows.length - 1].id;
	}
	await sql`update vote set rationale_facts = (select t.facts from vote_rationale_facts t where t.id = vote.id)`.execute(db);
	await db.schema.dropTable('vote_rationale_facts').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('vote').dropColumn('rationale_facts').execute();
}
