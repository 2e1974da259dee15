// A campaign's short lists that pages offer as choices and labels: criteria, problem flags,
// systems, prompt categories.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

/** The campaign's criteria in their order. */
export function campaignCriteria(db: Kysely<Database>, campaignId: string) {
	return db
		.selectFrom('criterion')
		.select(['key', 'label', 'description'])
		.where('campaign_id', '=', campaignId)
		.orderBy('position')
		.execute();
}

/** The problem flags evaluators can set on an image, in their order. */
export function campaignFlagKinds(db: Kysely<Database>, campaignId: string) {
	return db.selectFrom('flag_kind').select(['key', 'label']).where('campaign_id', '=', campaignId).orderBy('position').execute();
}

/** The campaign's system names, sorted. */
export async function systemNames(db: Kysely<Database>, campaignId: string): Promise<string[]> {
	const rows = await db.selectFrom('system').select('name').where('campaign_id', '=', campaignId).orderBy('name').execute();
	return rows.map((s) => s.name);
}

/** The distinct prompt categories of the campaign (prompts without one left out). */
export async function promptCategories(db: Kysely<Database>, campaignId: string): Promise<string[]> {
	const rows = await db
		.selectFrom('prompt')
		.select('category')
		.distinct()
		.where('campaign_id', '=', campaignId)
		.where('category', 'is not', null)
		.execute();
	return rows.map((c) => c.category!).filter(Boolean);
}
