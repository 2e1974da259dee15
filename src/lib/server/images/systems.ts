// A campaign's systems as a lead manages them: how many images and battles each has, and retiring
// one (no new pairs; its images, votes and place in the results stay) or restoring it.
import type { Kysely } from 'kysely';
import type { Campaign, Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { writeAudit } from '../audit-log.ts';
import { forgetScheduler } from '../voting/leases.ts';

export interface SystemRow {
	id: string;
	name: string;
	retiredAt: number | null;
	images: number;
	battles: number;
}

export async function campaignSystems(db: Kysely<Database>, campaignId: string): Promise<SystemRow[]> {
	const [systems, images, stats] = await Promise.all([
		db.selectFrom('system').select(['id', 'name', 'retired_at']).where('campaign_id', '=', campaignId).orderBy('name').execute(),
		db
			.selectFrom('image')
			.select(['system_id', (eb) => eb.fn.countAll<number>().as('n')])
			.where('campaign_id', '=', campaignId)
			.where('format', '!=', 'none')
			.groupBy('system_id')
			.execute(),
		db
			.selectFrom('pair_stat')
			.select(['system_a', 'system_b', 'a_wins', 'b_wins', 'ties', 'both_bad'])
			.where('campaign_id', '=', campaignId)
			.where('criterion', '=', 'overall')
			.execute()
	]);
	const imageCount = new Map(images.map((i) => [i.system_id, Number(i.n)]));
	const battles = new Map<string, number>();
	for (const s of stats) {
		const n = Number(s.a_wins) + Number(s.b_wins) + Number(s.ties) + Number(s.both_bad);
		battles.set(s.system_a, (battles.get(s.system_a) ?? 0) + n);
		battles.set(s.system_b, (battles.get(s.system_b) ?? 0) + n);
	}
	return systems.map((s) => ({
		id: s.id,
		name: s.name,
		retiredAt: s.retired_at === null ? null : Number(s.retired_at),
		images: imageCount.get(s.id) ?? 0,
		battles: battles.get(s.id) ?? 0
	}));
}

/** Retires (or restores) one system of the campaign; the scheduler is rebuilt without (or with) it. */
export async function setSystemRetired(
	db: Kysely<Database>,
	campaign: Campaign,
	systemId: unknown,
	retired: boolean,
	actorId: string
): Promise<{ name: string; changed: boolean }> {
	if (typeof systemId !== 'string' || !systemId) throw new AppError(400, 'invalid', 'choose a system', 'system_id');
	const system = await db
		.selectFrom('system')
		.select(['id', 'name', 'retired_at'])
		.where('id', '=', systemId)
		.where('campaign_id', '=', campaign.id)
		.executeTakeFirst();
	if (!system) throw new AppError(404, 'not_found', 'system not found', 'system_id');
	if ((system.retired_at !== null) === retired) return { name: system.name, changed: false };
	await db.transaction().execute(async (trx) => {
		await trx
			.updateTable('system')
			.set({ retired_at: retired ? Date.now() : null })
			.where('id', '=', system.id)
			.execute();
		await writeAudit(trx, {
			actorId,
			action: retired ? 'system.retire' : 'system.restore',
			subject: campaign.id,
			detail: { system: system.name }
		});
	});
	forgetScheduler(campaign.id);
	return { name: system.name, changed: true };
}
