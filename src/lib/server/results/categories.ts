// Per-category boards: the campaign's leaderboard computed once per prompt category (the same query,
// with the category filter), for a board per category and a category × system heatmap. Each board
// is the cached, admission-controlled leaderboard of that selection (leaderboard.ts), so a second
// viewer pays nothing and a cold page waits its turn like any other bootstrap.
import type { Kysely } from 'kysely';
import type { Campaign, Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { campaignLeaderboard, type CampaignLeaderboard, type LeaderboardQuery } from './leaderboard.ts';
import { promptCategories } from '../campaigns/lists.ts';

export interface CategoryBoard {
	category: string;
	board: CampaignLeaderboard | null;
	/** why there is no board (no votes, no finite estimate) */
	problem: string | null;
}

export interface CategoryBoards {
	categories: CategoryBoard[];
	/** every system that appears on some board, in the order of the campaign's board for the query */
	systems: string[];
}

/** One board per prompt category for the query (its own category filter is replaced). */
export async function categoryBoards(
	db: Kysely<Database>,
	campaign: Campaign,
	query: LeaderboardQuery,
	who: string
): Promise<CategoryBoards> {
	const names = await promptCategories(db, campaign.id);
	const categories: CategoryBoard[] = [];
	// one after the other: each waits its turn in the process's limiter, as one user's requests do
	for (const category of names) {
		try {
			const board = await campaignLeaderboard(db, campaign, { ...query, category, control: [] }, { who });
			categories.push({ category, board, problem: null });
		} catch (e) {
			if (!(e instanceof AppError) || e.status === 429 || e.status === 503) throw e;
			categories.push({ category, board: null, problem: e.message });
		}
	}
	const best = new Map<string, number>();
	for (const c of categories)
		for (const e of c.board?.leaderboard ?? []) best.set(e.system, Math.max(best.get(e.system) ?? -Infinity, e.rating));
	const systems = [...best.keys()].sort((a, b) => best.get(b)! - best.get(a)! || a.localeCompare(b));
	return { categories, systems };
}
