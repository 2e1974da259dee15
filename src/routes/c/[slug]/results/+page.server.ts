import type { PageServerLoad } from './$types';
import { pageQuery, requireCampaignRole } from '$lib/server/auth/guards';
import { campaignLeaderboard, parseLeaderboardQuery, resolveFlagged, type CampaignLeaderboard } from '$lib/server/results/leaderboard';
import { leftSideRate, pairMatrices, ratingHistory, votesPerDay } from '$lib/server/results/chart-data';
import { AppError } from '$lib/server/errors';
import { pseudonym } from '$lib/server/results/exports';
import { listEvaluators } from '$lib/server/campaigns/campaigns';

export const load: PageServerLoad = async (event) => {
	const { db, campaign, role, user } = await requireCampaignRole(event, event.params.slug, 'results');
	const k = db.kysely;
	const requested = pageQuery(() => parseLeaderboardQuery(event.url.searchParams));
	const query = await resolveFlagged(k, campaign, requested);
	let board: CampaignLeaderboard | null = null;
	let problem: string | null = null;
	try {
		board = await campaignLeaderboard(k, campaign, query, { who: user.id });
	} catch (e) {
		if (!(e instanceof AppError)) throw e;
		problem = e.message;
	}
	const seesNames = role === 'lead' || role === 'admin';
	const [criteria, categories, evaluators, perDay, leftRate] = await Promise.all([
		k.selectFrom('criterion').select(['key', 'label']).where('campaign_id', '=', campaign.id).orderBy('position').execute(),
		k.selectFrom('prompt').select('category').distinct().where('campaign_id', '=', campaign.id).where('category', 'is not', null).execute(),
		listEvaluators(k, campaign.id),
		votesPerDay(k, campaign, query),
		leftSideRate(k, campaign, query)
	]);
	return {
		campaign: { slug: campaign.slug, name: campaign.name, blind: campaign.blind === 1 },
		query: { ...requested, from: event.url.searchParams.get('from') ?? '', to: event.url.searchParams.get('to') ?? '' },
		flaggedLeftOut: query.excludeEvaluators.length - requested.excludeEvaluators.length,
		board,
		problem,
		matrices: board ? await pairMatrices(k, campaign, board, query) : null,
		history: board ? await ratingHistory(k, campaign, query) : [],
		perDay,
		leftRate,
		criteria,
		categories: categories.map((c) => c.category!).filter(Boolean),
		// researchers see evaluators only by pseudonym, as in exports
		evaluators: evaluators.map((e) => ({ id: e.id, label: seesNames ? e.display_name : pseudonym(campaign.id, e.id) }))
	};
};
