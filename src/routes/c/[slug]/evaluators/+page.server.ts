import type { PageServerLoad } from './$types';
import { requireCampaignRole } from '$lib/server/auth/guards';
import { campaignQualityWithin, evaluatorReport } from '$lib/server/audit/evaluator-quality';

export const load: PageServerLoad = async (event) => {
	const { db, campaign } = await requireCampaignRole(event, event.params.slug, 'audit');
	// a large campaign's first report after a start with nothing saved takes seconds: the page says so
	// and updates itself (QualityPending) instead of not coming
	const quality = await campaignQualityWithin(db.kysely, campaign);
	return {
		campaign: { slug: campaign.slug, name: campaign.name },
		pending: 'pending' in quality ? quality.pending : null,
		report: 'pending' in quality ? null : await evaluatorReport(db.kysely, campaign, quality)
	};
};
