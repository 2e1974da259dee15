import type { PageServerLoad } from './$types';
import { requireCampaignRole } from '$lib/server/auth/guards';
import { evaluatorReport } from '$lib/server/audit/evaluator-quality';

export const load: PageServerLoad = async (event) => {
	const { db, campaign } = await requireCampaignRole(event, event.params.slug, 'audit');
	return { campaign: { slug: campaign.slug, name: campaign.name }, report: await evaluatorReport(db.kysely, campaign) };
};
