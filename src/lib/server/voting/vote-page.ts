// What the voting page needs besides the pair: the campaign's rules, flags, criteria and progress.
import type { Kysely } from 'kysely';
import type { Campaign, Database } from '../db/schema.ts';
import { campaignSettings, guidelinesHtml } from '../campaigns/campaigns.ts';
import { RATIONALE_MAX } from './submit-vote.ts';
import { countAnswered } from './leases.ts';

export async function votePageContext(db: Kysely<Database>, campaign: Campaign, userId: string, quota: number | null) {
	const [flags, criteria, done, guidelines] = await Promise.all([
		db.selectFrom('flag_kind').select(['key', 'label']).where('campaign_id', '=', campaign.id).orderBy('position').execute(),
		db.selectFrom('criterion').select(['key', 'label', 'description']).where('campaign_id', '=', campaign.id).orderBy('position').execute(),
		countAnswered(db, campaign.id, userId),
		guidelinesHtml(db, campaign)
	]);
	const choices = [
		{ value: 'left', label: 'Left is better', key: '1' },
		{ value: 'right', label: 'Right is better', key: '2' },
		...(campaign.allow_tie ? [{ value: 'tie', label: 'Tie', key: '3' }] : []),
		...(campaign.allow_both_bad ? [{ value: 'both_bad', label: 'Both bad', key: '4' }] : [])
	];
	return {
		campaign: { slug: campaign.slug, name: campaign.name, status: campaign.status },
		rules: { rationaleMin: campaign.rationale_min_chars, rationaleMax: RATIONALE_MAX, choices },
		flags,
		criteria,
		// the marks panel: reason tags, the phrases that make prompt chips, and whether tags count toward the minimum
		marking: (({ reasonTags, promptPhrases, tagsCountTowardRationale }) => ({ reasonTags, promptPhrases, tagsCountTowardRationale }))(
			campaignSettings(campaign)
		),
		guidelinesHtml: guidelines,
		guidelinesVersion: campaign.guidelines_version,
		progress: { done, quota }
	};
}

/** Reads the voting form (no-JavaScript path) into the vote service's input. */
export function voteInputFromForm(form: FormData) {
	const criteria: Record<string, string> = {};
	for (const [name, value] of form.entries()) {
		if (name.startsWith('criterion:') && typeof value === 'string') criteria[name.slice('criterion:'.length)] = value;
	}
	return {
		voteId: form.get('vote_id'),
		assignmentId: form.get('assignment_id'),
		choice: form.get('choice') ?? '',
		rationale: form.get('rationale') ?? '',
		flags: { left: form.getAll('flag_left'), right: form.getAll('flag_right') },
		criteria,
		// without JavaScript the chips are checkboxes (no region marks: drawing them needs the script)
		missing: { left: form.getAll('missing_left'), right: form.getAll('missing_right') },
		tags: form.getAll('tag'),
		activeMs: form.get('active_ms') ? Number(form.get('active_ms')) : undefined,
		// the version the page was rendered with: a vote records the guidelines its evaluator had
		guidelinesVersion: form.get('guidelines_version') || undefined
	};
}
