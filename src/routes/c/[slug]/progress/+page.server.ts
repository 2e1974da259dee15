import { error } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireCampaignRole } from '$lib/server/auth/guards';
import { can } from '$lib/server/auth/access';
import { campaignProgress } from '$lib/server/campaigns/progress';
import { setCampaignStatus, setTargetBattles, STATUS_TRANSITIONS } from '$lib/server/campaigns/campaigns';
import { formAction } from '$lib/server/http/form-action';

// Researchers, leads and admins. Evaluators never: even when results are open to them, who is
// active and how much is left is the team's business.
export const load: PageServerLoad = async (event) => {
	const access = await requireCampaignRole(event, event.params.slug, 'results');
	if (access.role === 'evaluator') error(403, { message: 'Progress is for researchers and leads.', code: 'forbidden' });
	const { campaign, db } = access;
	return {
		campaign: { slug: campaign.slug, name: campaign.name, status: campaign.status, target: campaign.target_battles },
		canManage: can(access, 'manage'),
		transitions: STATUS_TRANSITIONS[campaign.status],
		progress: await campaignProgress(db.kysely, campaign)
	};
};

export const actions: Actions = {
	status: formAction('status', async (event, form) => {
		const { db, campaign, user } = await requireCampaignRole(event, event.params.slug, 'manage');
		const r = await setCampaignStatus(db.kysely, campaign, form.get('status'), user.id);
		return { action: 'status', saved: `The campaign is now ${r.to}.` };
	}),
	target: formAction('target', async (event, form) => {
		const { db, campaign, user } = await requireCampaignRole(event, event.params.slug, 'manage');
		const target = await setTargetBattles(db.kysely, campaign, form.get('target_battles'), user.id);
		return { action: 'target', saved: `Aiming for ${target} battles per pair.` };
	})
};
