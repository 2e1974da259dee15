import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { pageQuery, requireCampaignRole } from '$lib/server/auth/guards';
import { auditQueue, PAGE_SIZE, parseAuditFilters } from '$lib/server/audit/queue';
import { campaignQuality } from '$lib/server/audit/evaluator-quality';
import { reviewVotes } from '$lib/server/audit/reviews';
import { addGoldPair } from '$lib/server/voting/gold-and-repeats';
import { AppError } from '$lib/server/errors';
import { listEvaluators } from '$lib/server/campaigns/campaigns';

export const load: PageServerLoad = async (event) => {
	const { db, campaign } = await requireCampaignRole(event, event.params.slug, 'manage');
	const filters = pageQuery(() => parseAuditFilters(event.url.searchParams));
	const quality = await campaignQuality(db.kysely, campaign);
	const [queue, evaluators, systems, flags] = await Promise.all([
		auditQueue(db.kysely, db.dialect, campaign, filters, quality),
		listEvaluators(db.kysely, campaign.id),
		db.kysely.selectFrom('system').select('name').where('campaign_id', '=', campaign.id).orderBy('name').execute(),
		db.kysely.selectFrom('flag_kind').select(['key', 'label']).where('campaign_id', '=', campaign.id).orderBy('position').execute()
	]);
	return {
		campaign: { slug: campaign.slug, name: campaign.name, guidelinesVersion: campaign.guidelines_version },
		filters,
		queue,
		pageSize: PAGE_SIZE,
		evaluators,
		systems: systems.map((s) => s.name),
		flags
	};
};

export const actions: Actions = {
	review: async (event) => {
		const { db, campaign, user } = await requireCampaignRole(event, event.params.slug, 'manage');
		const form = await event.request.formData();
		const ids = form.getAll('vote_id').map(String).filter(Boolean);
		try {
			const results = await reviewVotes(db.kysely, campaign, user.id, ids, form.get('decision'), form.get('comment'));
			const verb = results[0].decision === 'reject' ? 'Rejected' : 'Accepted';
			return { message: `${verb} ${results.length} vote${results.length === 1 ? '' : 's'}.`, reviewed: results.map((r) => r.voteId) };
		} catch (e) {
			if (e instanceof AppError) return fail(e.status, { error: e.message });
			throw e;
		}
	},
	gold: async (event) => {
		const { db, campaign, user } = await requireCampaignRole(event, event.params.slug, 'manage');
		const form = await event.request.formData();
		try {
			await addGoldPair(db.kysely, campaign, {
				leftImageId: form.get('left_image_id'), rightImageId: form.get('right_image_id'), expected: form.get('expected'), explanation: form.get('explanation')
			}, user.id);
			return { message: 'Marked as a gold pair.' };
		} catch (e) {
			if (e instanceof AppError) return fail(e.status, { error: e.message });
			throw e;
		}
	}
};
