import type { Kysely } from 'kysely';
import type { Database } from './db/schema.ts';
import { randomId } from './ids.ts';

/** Who changed what: settings, roles, reviews. Written in the caller's transaction. */
export async function writeAudit(
	db: Kysely<Database>,
	entry: { actorId: string | null; action: string; subject: string; detail?: unknown }
): Promise<void> {
	await db
		.insertInto('audit_log')
		.values({
			id: randomId(),
			actor_id: entry.actorId,
			action: entry.action,
			subject: entry.subject,
			at: Date.now(),
			detail: JSON.stringify(entry.detail ?? {})
		})
		.execute();
}
