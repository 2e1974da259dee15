// The quality report of a campaign (lib/quality, pure) over its votes, gold pairs, region marks and the
// Bradley–Terry fit: what the evaluator dashboard, the audit queue and the "leave out flagged
// evaluators" filter read. Computed once per change of the campaign's votes (votes-cache.ts), off the
// event loop on SQLite (quality-worker.ts).
import { SqliteAdapter, type Compilable, type Kysely } from 'kysely';
import type { Campaign, Database } from '../db/schema.ts';
import type { CampaignQuality, RiskPage, RiskPageRequest } from './quality-worker.ts';
import { syncSqlite } from '../db/index.ts';
import { VotesCache } from '../votes-cache.ts';

const reports = new VotesCache<CampaignQuality>(1);

/** The report also reads the gold pairs: a new one makes it stale without any vote changing. */
export function forgetQuality(campaignId: string): void {
	reports.forget(campaignId);
}

/**
 * The campaign's quality report, computed once per change of its votes for every caller (requests that
 * arrive meanwhile share the computation). On a SQLite file it is computed on a worker thread
 * (quality-worker.ts), so the event loop keeps answering other requests meanwhile.
 */
export function campaignQuality(db: Kysely<Database>, campaign: Campaign): Promise<CampaignQuality> {
	return reports.get(db, campaign.id, 'report', () => computeQuality(db, campaign));
}

let listening = false;

async function computeQuality(db: Kysely<Database>, campaign: Campaign): Promise<CampaignQuality> {
	// a dynamic import: the build emits the worker's module as a file of its own, which the worker loads
	const { qualityInWorker, qualityHere, onNearDuplicatesReady } = await import('./quality-worker.ts');
	// a large campaign's near-duplicate join finishes after its report: the next request gets a new report
	if (!listening) {
		listening = true;
		onNearDuplicatesReady(forgetQuality);
	}
	const file = await sqliteFile(db);
	if (file) return qualityInWorker(file, campaign.id);
	return qualityHere(db, campaign.id);
}

const files = new WeakMap<Kysely<Database>, string>();

/**
 * A page of the audit queue matched and ordered by risk in the quality worker (SQLite files), or null
 * where the report is computed in this thread (PostgreSQL, in-memory): audit/queue.ts then orders it here.
 */
export async function riskPage(
	db: Kysely<Database>,
	campaignId: string,
	request: () => Promise<RiskPageRequest>
): Promise<RiskPage | null> {
	const file = await sqliteFile(db);
	if (!file) return null;
	const { riskPageInWorker } = await import('./quality-worker.ts');
	return riskPageInWorker(file, campaignId, await request());
}

/**
 * The SQLite file behind `db` (null for PostgreSQL and in-memory databases). The raw handle is hidden
 * while a transaction is open on the connection (syncSqlite): wait for a moment outside one rather
 * than compute on the event loop.
 */
async function sqliteFile(db: Kysely<Database>): Promise<string | null> {
	const known = files.get(db);
	if (known) return known;
	if (!(db.getExecutor().adapter instanceof SqliteAdapter)) return null;
	for (let tries = 0; tries < 200; tries++) {
		const sqlite = syncSqlite(db);
		if (sqlite) {
			if (sqlite.memory) return null;
			files.set(db, sqlite.name);
			return sqlite.name;
		}
		await new Promise((r) => setTimeout(r, 5));
	}
	return null;
}

/**
 * A read-only query's rows, read on the quality worker's connection when `db` is a SQLite file (a count
 * over 200,000 votes holds the event loop for 0.1–0.5 s), else through `db`.
 */
export async function readOffThread<R>(db: Kysely<Database>, query: Compilable<R> & { execute(): Promise<R[]> }): Promise<R[]> {
	const file = await sqliteFile(db);
	if (!file) return query.execute();
	const { rowsInWorker } = await import('./quality-worker.ts');
	return rowsInWorker<R>(file, query.compile());
}

/**
 * At server start: the reports of the large campaigns (PICKWISE_QUALITY_WARM_VOTES votes or more,
 * default 20,000; at most three, those voted on last) are computed right away on the worker, so that a
 * lead who opens the audit queue or the evaluators page finds them ready instead of waiting seconds
 * for the first. Small campaigns take milliseconds on request. SQLite files only (PostgreSQL computes
 * the report in the request's process, where it would compete with the first requests).
 */
export async function warmQualityReports(
	db: Kysely<Database>,
	/** more to prepare per campaign once its report is ready (audit/queue.ts: the queue's first page) */
	then: (campaign: Campaign, report: CampaignQuality) => Promise<unknown> = async () => {}
): Promise<void> {
	try {
		await warm(db, then);
	} catch (error) {
		// a head start only: a request computes the report anyway
		console.error(`quality reports at start: ${String((error as Error)?.stack ?? error)}`);
	}
}

async function warm(db: Kysely<Database>, then: (campaign: Campaign, report: CampaignQuality) => Promise<unknown>): Promise<void> {
	const started = performance.now();
	if (!(await sqliteFile(db))) return;
	const v = Number(process.env.PICKWISE_QUALITY_WARM_VOTES);
	const least = Number.isInteger(v) && v >= 0 ? v : 20_000;
	const large = await readOffThread(
		db,
		db
			.selectFrom('vote')
			.select(['campaign_id', (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.max('submitted_at').as('last')])
			.groupBy('campaign_id')
			.having((eb) => eb.fn.countAll(), '>=', least)
			.orderBy('last', 'desc')
			.limit(3)
	);
	for (const { campaign_id, n } of large) {
		const campaign = await db.selectFrom('campaign').selectAll().where('id', '=', campaign_id).executeTakeFirst();
		if (!campaign) continue;
		try {
			await then(campaign, await campaignQuality(db, campaign));
			// the benchmark (bench/audit.ts) reads this line: how long after start a lead waits at most
			console.log(`quality report of ${campaign.slug} (${n} votes) ready ${Math.round(performance.now() - started)} ms after start`);
		} catch (error) {
			console.error(`quality report of ${campaign.slug} at start: ${String((error as Error)?.stack ?? error)}`);
		}
	}
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
		/** complete: false while the near-duplicate check of a large campaign is still running (its signals then cover `unchecked` fewer votes) */
		near_duplicates: report.nearDuplicates,
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
