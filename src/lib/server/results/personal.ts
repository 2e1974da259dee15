// Personal leaderboards: each evaluator's own votes ranked on their own, beside the consensus of
// everyone's, with Kendall's τ between the two orders. Only evaluators with at least
// PERSONAL_MIN_VOTES ranked votes get one: below that a personal order is mostly noise.
// One aggregate over the ranked votes (grouped by evaluator, pair, choice), fits without bootstrap
// and with a one-draw prior (an evaluator's votes seldom have a finite maximum-likelihood estimate:
// a system they never saw lose would rate infinitely high). Cached until the campaign's votes change.
import type { Kysely } from 'kysely';
import type { Campaign, Database } from '../db/schema.ts';
import { VotesCache } from '../votes-cache.ts';
import { rankedVotes } from './vote-filters.ts';
import { countsFromPairStats, kendallTau, rankSystems, type PairStatRow } from '../../ranking/index.ts';

export const PERSONAL_MIN_VOTES = 30;
/** virtual draws against a 1000-rated anchor per system (see FitOptions.prior) */
export const PERSONAL_PRIOR = 1;

export interface PersonalEntry {
	system: string;
	rating: number;
	/** place by rating, 1 = best */
	place: number;
	/** the system's place on the consensus board */
	consensus_place: number | null;
}

export interface PersonalBoard {
	user_id: string;
	votes: number;
	leaderboard: PersonalEntry[];
	/** Kendall's τ-b between this board's ratings and the consensus over the systems both rank */
	tau: number | null;
}

export interface PersonalBoards {
	consensus: { system: string; rating: number; place: number }[];
	boards: PersonalBoard[];
	/** evaluators with ranked votes, but fewer than PERSONAL_MIN_VOTES */
	below_minimum: number;
	min_votes: number;
	prior: number;
}

const cache = new VotesCache<PersonalBoards>(20);

const NO_FILTERS = { from: null, to: null, evaluators: [], excludeEvaluators: [], includeRejected: false, category: null };

/** Every evaluator's board (overall choice, counted votes, ties as half a win). */
export function personalBoards(db: Kysely<Database>, campaign: Campaign): Promise<PersonalBoards> {
	return cache.get(db, campaign.id, 'all', () => compute(db, campaign));
}

/** One evaluator's board, or null when they have fewer than PERSONAL_MIN_VOTES ranked votes. */
export async function personalBoard(
	db: Kysely<Database>,
	campaign: Campaign,
	userId: string
): Promise<{ board: PersonalBoard | null; votes: number; consensus: PersonalBoards['consensus'] }> {
	const all = await personalBoards(db, campaign);
	const board = all.boards.find((b) => b.user_id === userId) ?? null;
	const votes = board?.votes ?? (await rankedVoteCount(db, campaign, userId));
	return { board, votes, consensus: all.consensus };
}

async function rankedVoteCount(db: Kysely<Database>, campaign: Campaign, userId: string): Promise<number> {
	const row = await db
		.selectFrom('vote')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where((eb) => rankedVotes(eb, campaign.id, { ...NO_FILTERS, evaluators: [userId] }))
		.executeTakeFirst();
	return Number(row?.n ?? 0);
}

function pairRow(
	names: Map<string, string>,
	r: { left_system_id: string; right_system_id: string; choice: string; n: number }
): PairStatRow {
	const n = Number(r.n);
	return {
		systemA: names.get(r.left_system_id)!,
		systemB: names.get(r.right_system_id)!,
		aWins: r.choice === 'left' ? n : 0,
		bWins: r.choice === 'right' ? n : 0,
		ties: r.choice === 'tie' ? n : 0,
		bothBad: r.choice === 'both_bad' ? n : 0
	};
}

async function fit(rows: PairStatRow[]): Promise<Map<string, number>> {
	const board = await rankSystems(countsFromPairStats(rows), { ties: 'half', bootstrap: 0, prior: PERSONAL_PRIOR, workers: 0 });
	return new Map(board.leaderboard.map((e) => [e.system, e.rating]));
}

function places(ratings: Map<string, number>): Map<string, number> {
	const order = [...ratings.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
	return new Map(order.map(([system], k) => [system, k + 1]));
}

async function compute(db: Kysely<Database>, campaign: Campaign): Promise<PersonalBoards> {
	const names = new Map(
		(await db.selectFrom('system').select(['id', 'name']).where('campaign_id', '=', campaign.id).execute()).map((s) => [s.id, s.name])
	);
	const rows = (
		await db
			.selectFrom('vote')
			.select(['vote.user_id', 'vote.left_system_id', 'vote.right_system_id', 'vote.choice', (eb) => eb.fn.countAll<number>().as('n')])
			.where((eb) => rankedVotes(eb, campaign.id, NO_FILTERS))
			.groupBy(['vote.user_id', 'vote.left_system_id', 'vote.right_system_id', 'vote.choice'])
			.execute()
	).filter((r) => r.left_system_id !== r.right_system_id);
	const byUser = new Map<string, PairStatRow[]>();
	const votes = new Map<string, number>();
	const everyone: PairStatRow[] = [];
	for (const r of rows) {
		const row = pairRow(names, r);
		everyone.push(row);
		if (!byUser.has(r.user_id)) byUser.set(r.user_id, []);
		byUser.get(r.user_id)!.push(row);
		votes.set(r.user_id, (votes.get(r.user_id) ?? 0) + Number(r.n));
	}
	const empty: PersonalBoards = { consensus: [], boards: [], below_minimum: 0, min_votes: PERSONAL_MIN_VOTES, prior: PERSONAL_PRIOR };
	if (everyone.length === 0) return empty;
	const consensusRatings = await fit(everyone);
	const consensusPlaces = places(consensusRatings);
	const boards: PersonalBoard[] = [];
	let below = 0;
	for (const [userId, userRows] of byUser) {
		const n = votes.get(userId)!;
		if (n < PERSONAL_MIN_VOTES) {
			below++;
			continue;
		}
		const ratings = await fit(userRows);
		const own = places(ratings);
		const common = [...ratings.keys()].filter((s) => consensusRatings.has(s));
		boards.push({
			user_id: userId,
			votes: n,
			leaderboard: [...own.entries()]
				.map(([system, place]) => ({
					system,
					rating: ratings.get(system)!,
					place,
					consensus_place: consensusPlaces.get(system) ?? null
				}))
				.sort((a, b) => a.place - b.place),
			tau: kendallTau(
				common.map((s) => ratings.get(s)!),
				common.map((s) => consensusRatings.get(s)!)
			)
		});
	}
	boards.sort((a, b) => b.votes - a.votes || a.user_id.localeCompare(b.user_id));
	return {
		...empty,
		consensus: [...consensusPlaces.entries()]
			.map(([system, place]) => ({ system, rating: consensusRatings.get(system)!, place }))
			.sort((a, b) => a.place - b.place),
		boards,
		below_minimum: below
	};
}

/** What an evaluator's own page shows of their board. */
export type OwnBoard =
	{ visible: false } | { visible: true; votes: number; min_votes: number; board: PersonalBoard | null; tau: number | null };

/**
 * An evaluator's own board for their page: hidden while the campaign is blind and open (it would name
 * the systems they are judging); otherwise their board once they have PERSONAL_MIN_VOTES ranked votes.
 */
export async function ownBoard(db: Kysely<Database>, campaign: Campaign, userId: string): Promise<OwnBoard> {
	if (campaign.blind === 1 && campaign.status !== 'closed') return { visible: false };
	const { board, votes } = await personalBoard(db, campaign, userId);
	return { visible: true, votes, min_votes: PERSONAL_MIN_VOTES, board, tau: board?.tau ?? null };
}
