// Campaign rankings with the pure engine (lib/ranking). Without filters the counts come from
// pair_stat (no scan of votes); with filters from one indexed SQL aggregate. Results are cached per
// campaign and query until the campaign's votes change (votes-cache.ts): one computation per change,
// shared by every viewer and every concurrent request.
import { sql, type Kysely } from 'kysely';
import type { Campaign, Database } from '../db/schema.ts';
import { AppError, invalid } from '../errors.ts';
import { csvRow } from '../../csv.ts';
import { campaignElo } from './online-elo.ts';
import { flaggedEvaluators } from '../audit/evaluator-quality.ts';
import { rankedChoices } from './vote-filters.ts';
import { VotesCache } from '../votes-cache.ts';
import { expensiveComputations } from './expensive.ts';
import { controlledBoard, parseControl } from './controlled.ts';
import { countsFromPairStats, rankBoard, RankingError, type PairStatRow, type TieMode } from '../../ranking/index.ts';
import type { ApiLeaderboard } from '../../api-types.ts';

export const TIE_MODES = ['half', 'davidson', 'exclude'] as const;
export const MAX_BOOTSTRAP = 10_000;

export interface LeaderboardQuery {
	criterion: string;
	ties: TieMode;
	bootstrap: number;
	seed: number;
	/** epoch ms, inclusive / exclusive */
	from: number | null;
	to: number | null;
	/** only these evaluators (user ids) */
	evaluators: string[];
	category: string | null;
	includeRejected: boolean;
	/** leave out these evaluators */
	excludeEvaluators: string[];
	/** leave out the evaluators the quality checks flag (resolved into excludeEvaluators) */
	excludeFlagged: boolean;
	/** virtual draws against a 1000-rated anchor: finite, shrunk ratings when the votes have no MLE (0 = none) */
	prior: number;
	/** covariates of the controlled board (controlled.ts); empty = no controlled board */
	control: string[];
}

/**
 * "No ranking for this selection", with what the engine found (which systems never won, never lost,
 * never met), so that the results page can say it in plain words. The API sends only code and message.
 */
export class NoRankingError extends AppError {
	constructor(
		readonly ranking: { code: RankingError['code']; systems: string[]; details: RankingError['details'] },
		message: string
	) {
		super(422, ranking.code, message);
	}
}

/** The API's leaderboard (api-types.ts): the ranking plus the criterion, whether filtered, when computed. */
export type CampaignLeaderboard = ApiLeaderboard;

export function hasFilters(q: LeaderboardQuery): boolean {
	return (
		q.from !== null ||
		q.to !== null ||
		q.evaluators.length > 0 ||
		q.category !== null ||
		q.includeRejected ||
		q.excludeEvaluators.length > 0
	);
}

/** Reads and checks the query string (API and results page share it), naming the bad parameter. */
export function parseLeaderboardQuery(params: URLSearchParams): LeaderboardQuery {
	const ties = params.get('ties') ?? 'half';
	if (!(TIE_MODES as readonly string[]).includes(ties)) throw invalid('ties', `ties must be one of ${TIE_MODES.join(', ')}`);
	const integer = (name: string, fallback: number, max: number) => {
		const raw = params.get(name);
		if (raw === null || raw === '') return fallback;
		const n = Number(raw);
		if (!Number.isSafeInteger(n) || n < 0 || n > max) throw invalid(name, `${name} must be a whole number from 0 to ${max}`);
		return n;
	};
	const date = (name: string) => {
		const raw = params.get(name);
		if (!raw) return null;
		const t = /^\d{4}-\d{2}-\d{2}$/.test(raw) ? Date.parse(raw + 'T00:00:00Z') : Date.parse(raw);
		if (!Number.isFinite(t)) throw invalid(name, `${name} must be a date (YYYY-MM-DD) or an ISO timestamp`);
		return t;
	};
	const list = (name: string) =>
		params
			.getAll(name)
			.flatMap((v) => v.split(','))
			.map((v) => v.trim())
			.filter(Boolean)
			.slice(0, 500);
	let to = date('to');
	// a bare date as the end means "through that day"
	if (to !== null && /^\d{4}-\d{2}-\d{2}$/.test(params.get('to') ?? '')) to += 24 * 3600 * 1000;
	const from = date('from');
	if (from !== null && to !== null && from >= to) throw invalid('to', 'to must be after from');
	const criterion = params.get('criterion') || 'overall';
	if (criterion.length > 40) throw invalid('criterion', 'unknown criterion');
	return {
		criterion,
		ties: ties as TieMode,
		bootstrap: integer('bootstrap', 1000, MAX_BOOTSTRAP),
		seed: integer('seed', 0, 2 ** 31),
		from,
		to,
		evaluators: list('evaluators'),
		category: params.get('category') || null,
		includeRejected: params.get('include_rejected') === 'true' || params.get('include_rejected') === '1',
		excludeEvaluators: list('exclude_evaluators'),
		excludeFlagged: params.get('exclude_flagged') === 'true' || params.get('exclude_flagged') === '1',
		prior: priorParam(params.get('prior')),
		control: parseControl(params.get('control'))
	};
}

function priorParam(raw: string | null): number {
	if (raw === null || raw === '') return 0;
	const prior = Number(raw);
	if (!Number.isFinite(prior) || prior < 0 || prior > 100) throw invalid('prior', 'prior must be a number of virtual draws from 0 to 100');
	return prior;
}

const boards = new VotesCache<CampaignLeaderboard>(200);

/**
 * Whether a campaign's votes are weighted by 1/P (inverse-probability weighting): when it schedules
 * adaptively, the pairs it draws more often would otherwise pull the ratings toward what those
 * pairs' prompts and evaluators say; weighted, the fit estimates what uniform sampling would.
 */
export function weightedRanking(campaign: Pick<Campaign, 'strategy'>): boolean {
	return campaign.strategy === 'adaptive';
}

// 1/P of each vote drawn with a known probability; the rest are counted apart (weighed as uniform draws)
const inverseProbability = sql<number>`sum(case when v.probability > 0 then 1.0 / v.probability else 0 end)`;
const withProbability = sql<number>`sum(case when v.probability > 0 then 1 else 0 end)`;

/** The counts a query ranks, as pair-statistic rows with system names (and weight sums when weighted). */
async function countsFor(db: Kysely<Database>, campaign: Campaign, q: LeaderboardQuery): Promise<PairStatRow[]> {
	const names = new Map(
		(await db.selectFrom('system').select(['id', 'name']).where('campaign_id', '=', campaign.id).execute()).map((s) => [s.id, s.name])
	);
	if (weightedRanking(campaign)) return weightedCounts(db, campaign, q, names);
	if (!hasFilters(q)) {
		const rows = await db
			.selectFrom('pair_stat')
			.selectAll()
			.where('campaign_id', '=', campaign.id)
			.where('criterion', '=', q.criterion)
			.execute();
		return rows.map((r) => ({
			systemA: names.get(r.system_a)!,
			systemB: names.get(r.system_b)!,
			aWins: r.a_wins,
			bWins: r.b_wins,
			ties: r.ties,
			bothBad: r.both_bad
		}));
	}
	const rows = await db
		.selectFrom(rankedChoices(db, campaign.id, q))
		.select(['v.left_system_id', 'v.right_system_id', 'v.choice', (eb) => eb.fn.countAll<number>().as('n')])
		.groupBy(['v.left_system_id', 'v.right_system_id', 'v.choice'])
		.execute();
	return rows
		.filter((r) => r.left_system_id !== r.right_system_id)
		.map((r) => {
			const n = Number(r.n);
			return {
				systemA: names.get(r.left_system_id)!,
				systemB: names.get(r.right_system_id)!,
				aWins: r.choice === 'left' ? n : 0,
				bWins: r.choice === 'right' ? n : 0,
				ties: r.choice === 'tie' ? n : 0,
				bothBad: r.choice === 'both_bad' ? n : 0
			};
		});
}

/**
 * Counts with the sum of 1/P per (pair, choice), from one aggregate over the ranked votes. A vote
 * without a stored probability (cast before the campaign became adaptive, or imported) weighs what
 * a uniform draw would: 1/P = the number of system pairs.
 */
async function weightedCounts(
	db: Kysely<Database>,
	campaign: Campaign,
	q: LeaderboardQuery,
	names: Map<string, string>
): Promise<PairStatRow[]> {
	const rows = await db
		.selectFrom(rankedChoices(db, campaign.id, q))
		.select([
			'v.left_system_id',
			'v.right_system_id',
			'v.choice',
			(eb) => eb.fn.countAll<number>().as('n'),
			inverseProbability.as('wsum'),
			withProbability.as('nw')
		])
		.groupBy(['v.left_system_id', 'v.right_system_id', 'v.choice'])
		.execute();
	const uniform = (names.size * (names.size - 1)) / 2;
	return rows
		.filter((r) => r.left_system_id !== r.right_system_id)
		.map((r) => {
			const n = Number(r.n);
			const w = Number(r.wsum) + (n - Number(r.nw)) * uniform;
			const at = (choice: string) => (r.choice === choice ? 1 : 0);
			return {
				systemA: names.get(r.left_system_id)!,
				systemB: names.get(r.right_system_id)!,
				aWins: n * at('left'),
				bWins: n * at('right'),
				ties: n * at('tie'),
				bothBad: n * at('both_bad'),
				aWeight: w * at('left'),
				bWeight: w * at('right'),
				tieWeight: w * at('tie'),
				bothBadWeight: w * at('both_bad')
			};
		});
}

/** The query with "leave out flagged evaluators" turned into the flagged evaluators' ids. */
export async function resolveFlagged(db: Kysely<Database>, campaign: Campaign, q: LeaderboardQuery): Promise<LeaderboardQuery> {
	if (!q.excludeFlagged) return q;
	const flagged = await flaggedEvaluators(db, campaign);
	return { ...q, excludeFlagged: false, excludeEvaluators: [...new Set([...q.excludeEvaluators, ...flagged])].sort() };
}

/**
 * The leaderboard of a campaign for one criterion and filters. A RankingError (no finite estimate)
 * becomes a 422 naming the systems and the reason.
 * `workers` only chooses where the bootstrap runs (the engine gives identical numbers for any
 * count); small refits are quicker in this thread than starting workers.
 */
export async function campaignLeaderboard(
	db: Kysely<Database>,
	campaign: Campaign,
	query: LeaderboardQuery,
	run: { workers?: number; who?: string } = {}
): Promise<CampaignLeaderboard> {
	const q = await resolveFlagged(db, campaign, query);
	if (q.criterion !== 'overall') {
		const known = await db
			.selectFrom('criterion')
			.select('id')
			.where('campaign_id', '=', campaign.id)
			.where('key', '=', q.criterion)
			.executeTakeFirst();
		if (!known) throw invalid('criterion', `unknown criterion '${q.criterion}'`);
	}
	// weighted and unweighted boards of one query differ: a strategy change must not serve the other
	return boards.get(db, campaign.id, JSON.stringify({ ...q, weighted: weightedRanking(campaign) }), () =>
		computeLeaderboard(db, campaign, q, run)
	);
}

async function computeLeaderboard(
	db: Kysely<Database>,
	campaign: Campaign,
	q: LeaderboardQuery,
	run: { workers?: number; who?: string }
): Promise<CampaignLeaderboard> {
	const rows = await countsFor(db, campaign, q);
	try {
		const counts = countsFromPairStats(rows);
		// in this thread only while it is quick; large campaigns keep the event loop free
		const workers = run.workers === 0 && counts.systems.length > 30 ? undefined : run.workers;
		// the board with rank spreads and robustness (additive fields), computed together (the robustness
		// search runs in this thread while the bootstrap rounds run on the workers) and cached together
		const rank = () => rankBoard(counts, { ties: q.ties, bootstrap: q.bootstrap, seed: q.seed, prior: q.prior || undefined, workers });
		// bootstrap rounds are the expensive part: admitted by the process-wide limiter (429 when full);
		// the default board is shared by every viewer and never refused
		const shared = q.bootstrap === 1000 && q.seed === 0 && q.prior === 0 && !hasFilters(q);
		const { board, robustness } = q.bootstrap > 0 ? await expensiveComputations().run(run.who ?? '', rank, { shared }) : await rank();
		const elo = await campaignElo(db, campaign, q, board.votes);
		for (const entry of board.leaderboard) entry.elo = elo.get(entry.system) ?? null;
		// the controlled board (?control=…): its bootstrap is admitted like the plain one
		const controlled =
			q.control.length > 0
				? await expensiveComputations().run(run.who ?? '', () => controlledBoard(db, campaign, q, workers), { shared: false })
				: undefined;
		return {
			...board,
			criterion: q.criterion,
			filtered: hasFilters(q),
			computed_at: new Date().toISOString(),
			robustness,
			...(controlled ? { controlled } : {})
		};
	} catch (e) {
		if (e instanceof RankingError) throw new NoRankingError({ code: e.code, systems: e.systems, details: e.details }, e.message);
		throw e;
	}
}

export function leaderboardCsv(board: CampaignLeaderboard): string {
	const header = csvRow(['rank', 'system', 'rating', 'ci_low', 'ci_high', 'battles', 'wins', 'losses', 'ties', 'win_rate', 'elo']);
	return (
		header +
		board.leaderboard
			.map((r) =>
				csvRow([
					r.rank,
					r.system,
					r.rating.toFixed(2),
					r.ci_low?.toFixed(2) ?? '',
					r.ci_high?.toFixed(2) ?? '',
					r.battles,
					r.wins,
					r.losses,
					r.ties,
					r.battles ? ((r.wins + 0.5 * r.ties) / r.battles).toFixed(4) : '',
					r.elo?.toFixed(2) ?? ''
				])
			)
			.join('')
	);
}
