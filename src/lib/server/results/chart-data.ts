// Data behind the results page's charts: pair matrices, rating history, votes per day, left-side
// rate. Every number is computed from the same counts the leaderboard ranks.
import { sql, type Kysely } from 'kysely';
import type { Campaign, Database } from '../db/schema.ts';
import { campaignLeaderboard, type CampaignLeaderboard, type LeaderboardQuery } from './leaderboard.ts';
import { pseudonym } from './exports.ts';
import { AppError } from '../errors.ts';
import { rankedVotes } from './vote-filters.ts';

const DAY = 24 * 3600 * 1000;

export interface PairMatrices {
	systems: string[];
	/** observed share of wins of row over column (ties half), null when they never met */
	winRate: (number | null)[][];
	battles: (number | null)[][];
	/** Bradley–Terry predicted probability that row beats column */
	predicted: (number | null)[][];
}

/** Win rates, battle counts and predicted win probabilities, systems in leaderboard order. */
export async function pairMatrices(
	db: Kysely<Database>,
	campaign: Campaign,
	board: CampaignLeaderboard,
	q: LeaderboardQuery
): Promise<PairMatrices> {
	const systems = board.leaderboard.map((r) => r.system);
	const index = new Map(systems.map((s, i) => [s, i]));
	const k = systems.length;
	const wins = Array.from({ length: k }, () => new Float64Array(k));
	const games = Array.from({ length: k }, () => new Float64Array(k));
	const names = new Map(
		(await db.selectFrom('system').select(['id', 'name']).where('campaign_id', '=', campaign.id).execute()).map((s) => [s.id, s.name])
	);
	const rows = await db
		.selectFrom('pair_stat')
		.selectAll()
		.where('campaign_id', '=', campaign.id)
		.where('criterion', '=', q.criterion)
		.execute();
	const filtered = board.filtered;
	const source = filtered
		? await filteredPairs(db, campaign, q, names)
		: rows.map((r) => ({ a: names.get(r.system_a)!, b: names.get(r.system_b)!, aw: r.a_wins, bw: r.b_wins, t: r.ties + r.both_bad }));
	for (const { a, b, aw, bw, t } of source) {
		const i = index.get(a);
		const j = index.get(b);
		if (i === undefined || j === undefined) continue;
		const n = aw + bw + (q.ties === 'exclude' ? 0 : t);
		wins[i][j] += aw + (q.ties === 'exclude' ? 0 : t / 2);
		wins[j][i] += bw + (q.ties === 'exclude' ? 0 : t / 2);
		games[i][j] += n;
		games[j][i] += n;
	}
	const rating = board.leaderboard.map((r) => r.rating);
	return {
		systems,
		winRate: systems.map((_, i) => systems.map((__, j) => (i === j || games[i][j] === 0 ? null : wins[i][j] / games[i][j]))),
		battles: systems.map((_, i) => systems.map((__, j) => (i === j ? null : games[i][j]))),
		predicted: systems.map((_, i) => systems.map((__, j) => (i === j ? null : 1 / (1 + 10 ** ((rating[j] - rating[i]) / 400)))))
	};
}

async function filteredPairs(db: Kysely<Database>, campaign: Campaign, q: LeaderboardQuery, names: Map<string, string>) {
	const rows = await db
		.selectFrom('vote')
		.select(['left_system_id', 'right_system_id', 'choice', (eb) => eb.fn.countAll<number>().as('n')])
		.where((eb) => rankedVotes(eb, campaign.id, q))
		.groupBy(['left_system_id', 'right_system_id', 'choice'])
		.execute();
	return rows.map((r) => {
		const n = Number(r.n);
		return {
			a: names.get(r.left_system_id)!,
			b: names.get(r.right_system_id)!,
			aw: r.choice === 'left' ? n : 0,
			bw: r.choice === 'right' ? n : 0,
			t: r.choice === 'tie' || r.choice === 'both_bad' ? n : 0
		};
	});
}

export interface HistoryPoint {
	t: number;
	rating: number;
	ci_low: number;
	ci_high: number;
}

/**
 * Ratings as votes accumulate: a refit on all votes up to the end of each time bucket (at most
 * `buckets`), with 200-round bootstrap bands. Buckets without a finite estimate are left out.
 */
export async function ratingHistory(db: Kysely<Database>, campaign: Campaign, q: LeaderboardQuery, buckets = 8) {
	const span = await db
		.selectFrom('vote')
		.select([(eb) => eb.fn.min('submitted_at').as('first'), (eb) => eb.fn.max('submitted_at').as('last')])
		.where((eb) => rankedVotes(eb, campaign.id, q))
		.executeTakeFirst();
	const first = Number(span?.first);
	const last = Number(span?.last);
	if (!Number.isFinite(first) || !Number.isFinite(last)) return [];
	const step = Math.max(DAY / 24, Math.ceil((last + 1 - first) / buckets));
	const series = new Map<string, HistoryPoint[]>();
	for (let end = first + step; end < last + 1 + step; end += step) {
		const t = Math.min(end, last + 1);
		try {
			// bands from 200 rounds, in this thread: nine worker start-ups cost more than the rounds
			const board = await campaignLeaderboard(
				db,
				campaign,
				{ ...q, to: q.to === null ? t : Math.min(q.to, t), from: q.from ?? first, bootstrap: Math.min(q.bootstrap, 200) },
				{ workers: 0 }
			);
			for (const r of board.leaderboard) {
				const points = series.get(r.system) ?? [];
				points.push({ t, rating: r.rating, ci_low: r.ci_low ?? r.rating, ci_high: r.ci_high ?? r.rating });
				series.set(r.system, points);
			}
		} catch (e) {
			if (!(e instanceof AppError)) throw e;
		}
		if (t > last) break;
	}
	return [...series.entries()].map(([system, points]) => ({ system, points }));
}

export async function votesPerDay(db: Kysely<Database>, campaign: Campaign, q: LeaderboardQuery) {
	// an integer literal, so both dialects divide as integers
	const day = sql<number>`submitted_at / ${sql.lit(DAY)}`;
	const rows = await db
		.selectFrom('vote')
		.select([day.as('day'), (eb) => eb.fn.countAll<number>().as('n')])
		.where((eb) => rankedVotes(eb, campaign.id, q))
		.groupBy(day)
		.orderBy(day)
		.execute();
	return rows.map((r) => ({ label: new Date(Math.floor(Number(r.day)) * DAY).toISOString().slice(0, 10), value: Number(r.n) }));
}

/** Share of decisive votes for the left image, per evaluator (pseudonymous): near 50% when sides are random. */
export async function leftSideRate(db: Kysely<Database>, campaign: Campaign, q: LeaderboardQuery) {
	const rows = await db
		.selectFrom('vote')
		.select(['user_id', 'choice', (eb) => eb.fn.countAll<number>().as('n')])
		.where((eb) => rankedVotes(eb, campaign.id, q))
		.where('choice', 'in', ['left', 'right'])
		.groupBy(['user_id', 'choice'])
		.execute();
	const per = new Map<string, { left: number; total: number }>();
	for (const r of rows) {
		const e = per.get(r.user_id) ?? { left: 0, total: 0 };
		e.total += Number(r.n);
		if (r.choice === 'left') e.left += Number(r.n);
		per.set(r.user_id, e);
	}
	return [...per.entries()]
		.map(([userId, e]) => ({ label: pseudonym(campaign.id, userId), value: e.left / e.total, votes: e.total }))
		.sort((a, b) => a.label.localeCompare(b.label));
}
