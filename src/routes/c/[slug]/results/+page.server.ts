import type { PageServerLoad } from './$types';
import { pageQuery, requireCampaignRole } from '$lib/server/auth/guards';
import { parseLeaderboardQuery, resolveFlagged } from '$lib/server/results/leaderboard';
import { resultsView } from '$lib/server/results/results-view';
import { pseudonym } from '$lib/server/results/exports';
import { listEvaluators } from '$lib/server/campaigns/campaigns';
import { campaignCriteria, promptCategories } from '$lib/server/campaigns/lists';
import { campaignEnough } from '$lib/server/results/enough';

export const load: PageServerLoad = async (event) => {
	const { db, campaign, role, user } = await requireCampaignRole(event, event.params.slug, 'results');
	const k = db.kysely;
	const requested = pageQuery(() => parseLeaderboardQuery(event.url.searchParams));
	const query = await resolveFlagged(k, campaign, requested);
	// one computation per change of the votes, shared by every viewer of this selection
	const view = await resultsView(k, campaign, query, user.id);
	const seesNames = role === 'lead' || role === 'admin';
	const [criteria, categories, evaluators] = await Promise.all([
		campaignCriteria(k, campaign.id),
		promptCategories(k, campaign.id),
		listEvaluators(k, campaign.id)
	]);
	return {
		campaign: { slug: campaign.slug, name: campaign.name, blind: campaign.blind === 1 },
		query: { ...requested, from: event.url.searchParams.get('from') ?? '', to: event.url.searchParams.get('to') ?? '' },
		lead: seesNames,
		flaggedLeftOut: query.excludeEvaluators.length - requested.excludeEvaluators.length,
		...view,
		// "enough votes?" (EnoughVotes.svelte): adjacent pairs, separability, votes still needed, the target
		enough: view.board ? await campaignEnough(k, campaign, view.board) : null,
		criteria: criteria.map(({ key, label }) => ({ key, label })),
		categories,
		// researchers see evaluators only by pseudonym, as in exports (sorted by what is shown, so that
		// the order does not give away the names either)
		evaluators: evaluators
			.map((e) => ({
				id: e.id,
				label: seesNames ? e.display_name : pseudonym(campaign.id, e.id),
				votes: view.counts.byEvaluator[e.id] ?? 0
			}))
			.sort((a, b) => a.label.localeCompare(b.label))
	};
};
