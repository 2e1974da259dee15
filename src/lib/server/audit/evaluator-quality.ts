// The quality report of a campaign (lib/quality, pure) over its votes, gold pairs and the
// Bradley–Terry fit: what the evaluator dashboard, the audit queue and the "leave out flagged
// evaluators" filter read. Computed once per change of the campaign's votes (votes-cache.ts).
import type { Kysely } from 'kysely';
import type { Campaign, Database } from '../db/schema.ts';
import { assessQuality, type Choice, type QualityReport, type VoteKind, type VoteRecord, type VoteStatus } from '../../quality/index.ts';
import { syncSqlite } from '../db/index.ts';
import { hotQuery } from '../db/hot-query.ts';
import { countsFromPairStats, fitBradleyTerry, RankingError } from '../../ranking/index.ts';
import { VotesCache } from '../votes-cache.ts';

const reports = new VotesCache<QualityReport>(1);

/** The report also reads the gold pairs: a new one makes it stale without any vote changing. */
export function forgetQuality(campaignId: string): void {
	reports.forget(campaignId);
}

export function campaignQuality(db: Kysely<Database>, campaign: Campaign): Promise<QualityReport> {
	return reports.get(db, campaign.id, 'report', () => computeQuality(db, campaign));
}

/** The columns the quality checks read, in VoteRecord's order (see toRecord). */
const VOTE_COLUMNS = [
	'id',
	'user_id',
	'left_image_id',
	'right_image_id',
	'left_system_id',
	'right_system_id',
	'choice',
	'rationale',
	'active_ms',
	'submitted_at',
	'kind',
	'status',
	'assignment_id'
] as const;

type VoteRow = [string, string, string, string, string, string, Choice, string, number | null, number, VoteKind, VoteStatus, string];

function toRecord(v: VoteRow): VoteRecord {
	return {
		id: v[0],
		userId: v[1],
		leftImageId: v[2],
		rightImageId: v[3],
		leftSystemId: v[4],
		rightSystemId: v[5],
		choice: v[6],
		rationale: v[7],
		activeMs: v[8],
		submittedAt: v[9],
		kind: v[10],
		status: v[11],
		assignmentId: v[12]
	};
}

/**
 * Every vote of the campaign. On SQLite one prepared statement returning rows as arrays: at 200,000
 * votes, Kysely's driver (a fresh statement, an object per row with named keys) took several times longer.
 */
const CAMPAIGN_VOTES = hotQuery('quality.campaign-votes', ['campaign_id'], (db, p: { campaign_id: string }) =>
	db.selectFrom('vote').select(VOTE_COLUMNS).where('campaign_id', '=', p.campaign_id).orderBy('submitted_at')
);

async function campaignVotes(db: Kysely<Database>, campaignId: string): Promise<VoteRecord[]> {
	const sqlite = syncSqlite(db);
	if (sqlite) return (CAMPAIGN_VOTES.rowsSync(sqlite, { campaign_id: campaignId }) as VoteRow[]).map(toRecord);
	return (await CAMPAIGN_VOTES.all(db, { campaign_id: campaignId })).map((v) => toRecord(VOTE_COLUMNS.map((c) => v[c]) as VoteRow));
}

async function computeQuality(db: Kysely<Database>, campaign: Campaign): Promise<QualityReport> {
	const [votes, gold, stats] = await Promise.all([
		campaignVotes(db, campaign.id),
		db
			.selectFrom('gold_pair')
			.select(['left_image_id', 'right_image_id', 'expected_choice'])
			.where('campaign_id', '=', campaign.id)
			.execute(),
		db.selectFrom('pair_stat').selectAll().where('campaign_id', '=', campaign.id).where('criterion', '=', 'overall').execute()
	]);
	// agreement with the predicted winner: the point fit on the counted votes (a small prior keeps it finite early on)
	let predict: ((a: string, b: string) => number) | undefined;
	try {
		const counts = countsFromPairStats(
			stats.map((s) => ({ systemA: s.system_a, systemB: s.system_b, aWins: s.a_wins, bWins: s.b_wins, ties: s.ties, bothBad: s.both_bad }))
		);
		const fit = fitBradleyTerry(counts, { prior: 0.5 });
		const rating = new Map(fit.systems.map((s, i) => [s, fit.ratings[i]]));
		predict = (a, b) => {
			const ra = rating.get(a);
			const rb = rating.get(b);
			return ra === undefined || rb === undefined ? 0.5 : 1 / (1 + 10 ** ((rb - ra) / 400));
		};
	} catch (e) {
		if (!(e instanceof RankingError)) throw e;
	}
	return assessQuality(votes, {
		gold: gold.map((g) => ({ leftImageId: g.left_image_id, rightImageId: g.right_image_id, expected: g.expected_choice })),
		predict
	});
}

/** User ids of the evaluators the quality checks flag. */
export async function flaggedEvaluators(db: Kysely<Database>, campaign: Campaign): Promise<string[]> {
	return (await campaignQuality(db, campaign)).evaluators.filter((e) => e.flagged).map((e) => e.userId);
}

/** The evaluator dashboard's data and the API's: metrics, flags with reasons, names, campaign agreement. */
export async function evaluatorReport(db: Kysely<Database>, campaign: Campaign) {
	const report = await campaignQuality(db, campaign);
	const users = new Map(
		(
			await db
				.selectFrom('user')
				.select(['id', 'display_name', 'email'])
				.where('id', 'in', report.evaluators.length ? report.evaluators.map((e) => e.userId) : [''])
				.execute()
		).map((u) => [u.id, u])
	);
	return {
		agreement: report.agreement,
		thresholds: report.thresholds,
		evaluators: report.evaluators.map((e) => ({
			user_id: e.userId,
			name: users.get(e.userId)?.display_name ?? e.userId,
			email: users.get(e.userId)?.email ?? null,
			flagged: e.flagged,
			reasons: e.reasons,
			metrics: e.metrics
		}))
	};
}
