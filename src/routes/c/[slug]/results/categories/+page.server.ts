import type { PageServerLoad } from './$types';
import { pageQuery, requireCampaignRole } from '$lib/server/auth/guards';
import { parseLeaderboardQuery, resolveFlagged } from '$lib/server/results/leaderboard';
import { categoryBoards } from '$lib/server/results/categories';

/**
 * A board per prompt category and the category × system heatmap. Each board is the cached leaderboard
 * of the query with that category (computed once per change of the votes, admitted like any bootstrap).
 */
export const load: PageServerLoad = async (event) => {
	const { db, campaign, role, user } = await requireCampaignRole(event, event.params.slug, 'results');
	const k = db.kysely;
	const query = await resolveFlagged(
		k,
		campaign,
		pageQuery(() => parseLeaderboardQuery(event.url.searchParams))
	);
	const boards = await categoryBoards(k, campaign, { ...query, control: [] }, user.id);
	return {
		campaign: { slug: campaign.slug, name: campaign.name },
		lead: role === 'lead' || role === 'admin',
		ties: query.ties,
		bootstrap: query.bootstrap,
		systems: boards.systems,
		categories: boards.categories.map((c) => ({
			category: c.category,
			problem: c.problem,
			votes: c.board?.votes ?? 0,
			separability: c.board?.separability ?? null,
			leaderboard: c.board?.leaderboard ?? []
		}))
	};
};
