import type { PageServerLoad } from './$types';
import { requireCampaignRole } from '$lib/server/auth/guards';
import { can } from '$lib/server/auth/access';
import { campaignOverview } from '$lib/server/campaigns/overview';
import { guidelinesHtml } from '$lib/server/campaigns/campaigns';

export const load: PageServerLoad = async (event) => {
	const access = await requireCampaignRole(event, event.params.slug, 'view');
	const { campaign, role, user, db } = access;
	return {
		campaign: {
			slug: campaign.slug,
			name: campaign.name,
			description: campaign.description,
			status: campaign.status,
			blind: campaign.blind === 1
		},
		role,
		guidelinesHtml: await guidelinesHtml(db.kysely, campaign),
		guidelinesVersion: campaign.guidelines_version,
		canVote: can(access, 'vote'),
		canSeeResults: can(access, 'results'),
		canManage: can(access, 'manage'),
		overview: await campaignOverview(db.kysely, campaign.id, user.id, can(access, 'results'), can(access, 'manage'))
	};
};
