import type { Actions, PageServerLoad } from './$types';
import { pageQuery, requireCampaignRole } from '$lib/server/auth/guards';
import { auditQueue, PAGE_SIZE, parseAuditFilters, reviewProgress } from '$lib/server/audit/queue';
import { campaignQualityWithin, forgetQuality } from '$lib/server/audit/evaluator-quality';
import { reviewVotes } from '$lib/server/audit/reviews';
import { addGoldPair } from '$lib/server/voting/gold-and-repeats';
import { formAction } from '$lib/server/http/form-action';
import { listEvaluators } from '$lib/server/campaigns/campaigns';
import { campaignFlagKinds, systemNames } from '$lib/server/campaigns/lists';
import { annotationValues, NO_ANNOTATIONS, reasonTagLabels, voteAnnotations } from '$lib/server/audit/vote-marks';

/** the queue while the report it is ordered by is being computed */
const NO_QUEUE: Awaited<ReturnType<typeof auditQueue>> = { votes: [], total: 0, truncated: false };

export const load: PageServerLoad = async (event) => {
	const { db, campaign } = await requireCampaignRole(event, event.params.slug, 'manage');
	const filters = pageQuery(() => parseAuditFilters(event.url.searchParams));
	// a large campaign's first report after a start with nothing saved takes seconds: the page then says
	// it is being computed and updates itself, instead of not coming
	const quality = await campaignQualityWithin(db.kysely, campaign);
	const pending = 'pending' in quality ? quality.pending : null;
	const [queue, progress, evaluators, systems, flags, values] = await Promise.all([
		'pending' in quality ? NO_QUEUE : auditQueue(db.kysely, db.dialect, campaign, filters, quality),
		reviewProgress(db.kysely, campaign.id),
		listEvaluators(db.kysely, campaign.id),
		systemNames(db.kysely, campaign.id),
		campaignFlagKinds(db.kysely, campaign.id),
		annotationValues(db.kysely, campaign.id)
	]);
	// marks, missed elements and tags of the page's votes only
	const annotations = await voteAnnotations(
		db.kysely,
		queue.votes.map((v) => v.id)
	);
	const tagLabels = reasonTagLabels(campaign.settings);
	return {
		campaign: { slug: campaign.slug, name: campaign.name, guidelinesVersion: campaign.guidelines_version },
		filters,
		queue: { ...queue, votes: queue.votes.map((v) => ({ ...v, annotations: annotations.get(v.id) ?? NO_ANNOTATIONS })) },
		progress,
		asOf: 'pending' in quality ? null : quality.asOf,
		pending,
		pageSize: PAGE_SIZE,
		evaluators,
		systems,
		flags,
		tags: values.tags.map((key) => ({ key, label: tagLabels.get(key) ?? key })),
		missed: values.missed
	};
};

export const actions: Actions = {
	review: formAction('review', async (event, form) => {
		const { db, campaign, user } = await requireCampaignRole(event, event.params.slug, 'manage');
		const ids = form.getAll('vote_id').map(String).filter(Boolean);
		const results = await reviewVotes(db.kysely, campaign, user.id, ids, form.get('decision'), form.get('comment'));
		const verb = results[0].decision === 'reject' ? 'Rejected' : 'Accepted';
		return {
			action: 'review',
			saved: `${verb} ${results.length} vote${results.length === 1 ? '' : 's'}.`,
			reviewed: results.map((r) => r.voteId)
		};
	}),
	gold: formAction('gold', async (event, form) => {
		const { db, campaign, user } = await requireCampaignRole(event, event.params.slug, 'manage');
		await addGoldPair(
			db.kysely,
			campaign,
			{
				leftImageId: form.get('left_image_id'),
				rightImageId: form.get('right_image_id'),
				expected: form.get('expected'),
				explanation: form.get('explanation')
			},
			user.id
		);
		// the quality report scores evaluators on gold pairs: this one counts from now on
		forgetQuality(campaign.id);
		return {
			action: 'gold',
			saved: 'Marked as a gold pair.',
			pair: `${String(form.get('left_image_id'))}|${String(form.get('right_image_id'))}`
		};
	})
};
