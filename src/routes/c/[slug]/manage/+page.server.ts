import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireCampaignRole } from '$lib/server/auth/guards';
import { addCriterion, campaignSettings, guidelinesHtml, updateCampaignSettings, updateCriterion, updateGuidelines } from '$lib/server/campaigns/campaigns';
import { AppError } from '$lib/server/errors';

export const load: PageServerLoad = async (event) => {
	const { db, campaign } = await requireCampaignRole(event, event.params.slug, 'manage');
	const criteria = await db.kysely.selectFrom('criterion').select(['key', 'label', 'description']).where('campaign_id', '=', campaign.id).orderBy('position').execute();
	return {
		campaign: {
			slug: campaign.slug, name: campaign.name, status: campaign.status, allowTie: campaign.allow_tie === 1, allowBothBad: campaign.allow_both_bad === 1,
			blind: campaign.blind === 1, rationaleMinChars: campaign.rationale_min_chars, guidelinesMd: campaign.guidelines_md, guidelinesVersion: campaign.guidelines_version,
			...campaignSettings(campaign)
		},
		guidelinesHtml: await guidelinesHtml(db.kysely, campaign),
		criteria
	};
};

const failed = (e: unknown, action: string) => {
	if (e instanceof AppError) return fail(e.status, { action, field: e.field ?? null, message: e.message });
	throw e;
};

export const actions: Actions = {
	settings: async (event) => {
		const { db, campaign, user } = await requireCampaignRole(event, event.params.slug, 'manage');
		const f = await event.request.formData();
		try {
			await updateCampaignSettings(db.kysely, campaign, {
				status: f.get('status'), allowTie: f.get('allow_tie') === 'on', allowBothBad: f.get('allow_both_bad') === 'on', blind: f.get('blind') === 'on',
				rationaleMinChars: f.get('rationale_min_chars'), goldRate: Number(f.get('gold_rate')) / 100, repeatRate: Number(f.get('repeat_rate')) / 100,
				goldFeedback: f.get('gold_feedback') === 'on'
			}, user.id);
			return { action: 'settings', saved: 'Settings saved.' };
		} catch (e) {
			return failed(e, 'settings');
		}
	},
	guidelines: async (event) => {
		const { db, campaign, user } = await requireCampaignRole(event, event.params.slug, 'manage');
		const f = await event.request.formData();
		try {
			const r = await updateGuidelines(db.kysely, campaign, f.get('guidelines'), user.id);
			return { action: 'guidelines', saved: r.changed ? `Guidelines saved as version ${r.version}.` : 'No change.' };
		} catch (e) {
			return failed(e, 'guidelines');
		}
	},
	editCriterion: async (event) => {
		const { db, campaign, user } = await requireCampaignRole(event, event.params.slug, 'manage');
		const f = await event.request.formData();
		try {
			await updateCriterion(db.kysely, campaign, { key: f.get('key'), label: f.get('label'), description: f.get('description') ?? '' }, user.id);
			return { action: 'criterion', saved: 'Criterion saved.' };
		} catch (e) {
			return failed(e, 'criterion');
		}
	},
	criterion: async (event) => {
		const { db, campaign, user } = await requireCampaignRole(event, event.params.slug, 'manage');
		const f = await event.request.formData();
		try {
			await addCriterion(db.kysely, { slug: campaign.slug, key: f.get('key'), label: f.get('label'), description: f.get('description') ?? '' }, user.id);
			return { action: 'criterion', saved: 'Criterion added.' };
		} catch (e) {
			return failed(e, 'criterion');
		}
	}
};
