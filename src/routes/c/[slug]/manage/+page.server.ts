import type { Actions, PageServerLoad } from './$types';
import { requireCampaignRole } from '$lib/server/auth/guards';
import {
	addCriterion,
	campaignSettings,
	guidelinesHtml,
	updateCampaignSettings,
	updateCriterion,
	updateGuidelines,
	updateMarkSettings
} from '$lib/server/campaigns/campaigns';
import { campaignCriteria } from '$lib/server/campaigns/lists';
import { GUIDELINES_MAX_CHARS, renderGuidelines } from '$lib/server/campaigns/guidelines-markdown';
import { formAction } from '$lib/server/http/form-action';
import { AppError } from '$lib/server/errors';
import { requireString } from '$lib/server/validation';
import { strategyNames } from '$lib/scheduling/registry';
import { enoughTarget, updateEnoughTarget } from '$lib/server/results/enough';

export const load: PageServerLoad = async (event) => {
	const { db, campaign } = await requireCampaignRole(event, event.params.slug, 'manage');
	const criteria = await campaignCriteria(db.kysely, campaign.id);
	return {
		campaign: {
			slug: campaign.slug,
			name: campaign.name,
			status: campaign.status,
			allowTie: campaign.allow_tie === 1,
			allowBothBad: campaign.allow_both_bad === 1,
			blind: campaign.blind === 1,
			rationaleMinChars: campaign.rationale_min_chars,
			guidelinesMd: campaign.guidelines_md,
			guidelinesVersion: campaign.guidelines_version,
			strategy: campaign.strategy,
			...campaignSettings(campaign)
		},
		strategies: strategyNames(),
		guidelinesHtml: await guidelinesHtml(db.kysely, campaign),
		criteria,
		target: enoughTarget(campaign)
	};
};

export const actions: Actions = {
	// the "enough votes" target (TargetFields.svelte): separability ≥ x or every interval narrower than X Elo
	target: formAction('target', async (event, f) => {
		const { db, campaign, user } = await requireCampaignRole(event, event.params.slug, 'manage');
		const target = await updateEnoughTarget(db.kysely, campaign, { kind: f.get('target_kind'), value: f.get('target_value') }, user.id);
		return { action: 'target', saved: target ? 'Target saved.' : 'Target cleared.' };
	}),
	settings: formAction('settings', async (event, f) => {
		const { db, campaign, user } = await requireCampaignRole(event, event.params.slug, 'manage');
		await updateCampaignSettings(
			db.kysely,
			campaign,
			{
				status: f.get('status'),
				allowTie: f.get('allow_tie') === 'on',
				allowBothBad: f.get('allow_both_bad') === 'on',
				blind: f.get('blind') === 'on',
				rationaleMinChars: f.get('rationale_min_chars'),
				goldRate: Number(f.get('gold_rate')) / 100,
				repeatRate: Number(f.get('repeat_rate')) / 100,
				goldFeedback: f.get('gold_feedback') === 'on',
				imageFormat: f.get('image_format'),
				strategy: f.get('strategy'),
				adaptiveEpsilon: f.get('adaptive_epsilon')
			},
			user.id
		);
		return { action: 'settings', saved: 'Settings saved.' };
	}),
	guidelines: formAction('guidelines', async (event, f) => {
		const { db, campaign, user } = await requireCampaignRole(event, event.params.slug, 'manage');
		const r = await updateGuidelines(db.kysely, campaign, f.get('guidelines'), user.id);
		return { action: 'guidelines', saved: r.changed ? `Guidelines saved as version ${r.version}.` : 'No change.' };
	}),
	// The live preview while a lead types (debounced by the page): the HTML saving would store, by the
	// same renderer within the same bounds, and nothing written. Text out of bounds gets the same
	// message, naming the field, that saving would give.
	previewGuidelines: formAction('previewGuidelines', async (event, f) => {
		await requireCampaignRole(event, event.params.slug, 'manage');
		// a body over the server's limit arrives as an empty form: say what is wrong, not "required"
		if (f.get('guidelines') === null && Number(event.request.headers.get('content-length')) > GUIDELINES_MAX_CHARS) {
			throw new AppError(413, 'too_large', `guidelines must be at most ${GUIDELINES_MAX_CHARS} characters`, 'guidelines');
		}
		const text = requireString(f.get('guidelines'), 'guidelines', { min: 0, max: GUIDELINES_MAX_CHARS, trim: false }).replace(
			/\r\n/g,
			'\n'
		);
		return { action: 'previewGuidelines', html: renderGuidelines(text) };
	}),
	editCriterion: formAction('editCriterion', async (event, f) => {
		const { db, campaign, user } = await requireCampaignRole(event, event.params.slug, 'manage');
		await updateCriterion(
			db.kysely,
			campaign,
			{ key: f.get('key'), label: f.get('label'), description: f.get('description') ?? '' },
			user.id
		);
		return { action: 'editCriterion', saved: 'Criterion saved.', key: String(f.get('key')) };
	}),
	criterion: formAction('criterion', async (event, f) => {
		const { db, campaign, user } = await requireCampaignRole(event, event.params.slug, 'manage');
		await addCriterion(
			db.kysely,
			{ slug: campaign.slug, key: f.get('key'), label: f.get('label'), description: f.get('description') ?? '' },
			user.id
		);
		return { action: 'criterion', saved: 'Criterion added.' };
	}),
	reasonTags: formAction('reasonTags', async (event, f) => {
		const { db, campaign, user } = await requireCampaignRole(event, event.params.slug, 'manage');
		const input = { reasonTags: f.get('reason_tags'), promptPhrases: f.get('prompt_phrases') };
		await updateMarkSettings(db.kysely, campaign, { ...input, tagsCountTowardRationale: f.get('tags_count') === 'on' }, user.id);
		return { action: 'reasonTags', saved: 'Reason tags and prompt phrases saved.' };
	})
};
