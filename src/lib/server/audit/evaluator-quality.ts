// The quality report of a campaign (lib/quality, pure) over its votes, gold pairs, region marks and the
// Bradley–Terry fit: what the evaluator dashboard, the audit queue and the "leave out flagged
// evaluators" filter read. Computed once per change of the campaign's votes (votes-cache.ts), off the
// event loop on SQLite (quality-worker.ts); a large campaign's last report is served while the next
// one is computed (campaignQuality).
import { readdir } from 'node:fs/promises';
import { SqliteAdapter, sql, type Compilable, type Kysely } from 'kysely';
import type { Campaign, Database } from '../db/schema.ts';
import type { CampaignQuality, RiskIndex, RiskPage, RiskPageRequest } from './quality-worker.ts';
import { syncSqlite } from '../db/index.ts';
import { VotesCache } from '../votes-cache.ts';

/** When a report was computed and over how many votes; `current: false` while a newer one is on its way. */
export interface QualityAsOf {
	/** the votes the report covers (every vote of the campaign when it was computed) */
	votes: number;
	/** epoch ms when the computation finished */
	computedAt: number;
	/** false: the votes changed since (or a gold pair was added); a new report is being computed */
	current: boolean;
}

export type QualityReport = CampaignQuality & { asOf: QualityAsOf };

const reports = new VotesCache<QualityReport>(1);

/** A large campaign's last finished report, served while the next one is computed. */
interface Held {
	report: Promise<QualityReport>;
	stale: QualityReport;
	finishedAt: number;
	tookMs: number;
}
const held = new Map<string, Held>();
/** at most this many large campaigns keep a report between changes (each holds its votes' risks) */
const HELD_CAMPAIGNS = 4;
/** per campaign: the pending (timer) or running refresh */
const refreshes = new Map<string, ReturnType<typeof setTimeout> | 'running'>();

/**
 * Campaigns with at least this many votes (PICKWISE_QUALITY_WARM_VOTES, default 20,000) are "large":
 * their report takes seconds, so it is computed at start and, after a change, the last one is served
 * while the next is computed. Smaller ones take milliseconds and are always computed on request.
 */
export function largeCampaignVotes(): number {
	const v = Number(process.env.PICKWISE_QUALITY_WARM_VOTES);
	return Number.isInteger(v) && v >= 0 ? v : 20_000;
}

/** The report also reads the gold pairs: a new one makes it stale without any vote changing. */
export function forgetQuality(campaignId: string): void {
	reports.forget(campaignId);
}

/**
 * The campaign's quality report, computed once per change of its votes for every caller (requests that
 * arrive meanwhile share the computation). On a SQLite file it is computed on a worker thread
 * (quality-worker.ts), so the event loop keeps answering other requests meanwhile.
 *
 * A large campaign (largeCampaignVotes) does not make its callers wait after a change: they get the
 * last report (`asOf.current` false, with the votes it covers) and the next one is computed in the
 * background — at most one at a time, and not sooner after the last than that one took, so that a
 * campaign voted on all day keeps the worker busy at most half the time. Votes submitted since are not
 * scored yet (the audit queue counts them as no risk and says so).
 */
export async function campaignQuality(db: Kysely<Database>, campaign: Campaign): Promise<QualityReport> {
	if (startup && !held.has(campaign.id)) await startup;
	const last = held.get(campaign.id);
	if (last) {
		const current = await reports.current(db, campaign.id, 'report');
		if (current?.value === last.report) return current.value;
		if (!current) refresh(db, campaign.id, last);
		return last.stale;
	}
	return reports.get(db, campaign.id, 'report', () => computeQuality(db, campaign.id));
}

/** A report being computed that a page did not wait for: when it started, and how long the last one took. */
export interface QualityPending {
	/** epoch ms */
	startedAt: number;
	/** the campaign's last computation in this process (ms), null before the first */
	lastTookMs: number | null;
}

/**
 * How long a page or the JSON API waits for a report being computed before it answers with that state
 * instead (PICKWISE_QUALITY_WAIT_MS, default 1,200 ms): a large campaign's first report after a start
 * with nothing saved takes seconds, and a lead then learns at once that it is on its way (the page
 * updates itself, the API answers 202 with Retry-After) rather than waiting for an answer that does not come.
 */
export function qualityWaitMs(): number {
	const v = Number(process.env.PICKWISE_QUALITY_WAIT_MS);
	return process.env.PICKWISE_QUALITY_WAIT_MS !== undefined && Number.isFinite(v) && v >= 0 ? v : 1_200;
}

/**
 * campaignQuality for a request that must answer soon: the report if it is ready within `waitMs`, else
 * `{ pending }` while the computation goes on (the next request shares it).
 */
export async function campaignQualityWithin(
	db: Kysely<Database>,
	campaign: Campaign,
	waitMs = qualityWaitMs()
): Promise<QualityReport | { pending: QualityPending }> {
	const report = campaignQuality(db, campaign);
	let timer: ReturnType<typeof setTimeout> | undefined;
	const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), waitMs)));
	try {
		const ready = await Promise.race([report, late]);
		if (ready) return ready;
	} finally {
		clearTimeout(timer);
	}
	// nothing is being computed (a kept report behind the change check's queries on PostgreSQL, say):
	// it is on its way, and an answer saying "being computed" would be wrong
	if (!computing.has(campaign.id) && startupSettled) return report;
	// it goes on without this request; a failure is seen (and retried) by the next one
	report.catch(() => {});
	return { pending: { startedAt: computing.get(campaign.id) ?? Date.now(), lastTookMs: took.get(campaign.id) ?? null } };
}

/**
 * Whole seconds until a pending report is likely ready (the API's Retry-After): what the campaign's last
 * computation took, less the time this one has run; at least 1, at most 60.
 */
export function retryAfterSeconds(pending: QualityPending, now = Date.now()): number {
	const left = (pending.lastTookMs ?? 1_000) - (now - pending.startedAt);
	return Math.min(60, Math.max(1, Math.ceil(left / 1_000)));
}

/** per campaign: when the computation in progress started; how long the last one took */
const computing = new Map<string, number>();
const took = new Map<string, number>();

function refresh(db: Kysely<Database>, campaignId: string, last: Held): void {
	if (refreshes.has(campaignId)) return;
	const wait = Math.max(0, last.finishedAt + last.tookMs - Date.now());
	const timer = setTimeout(async () => {
		refreshes.set(campaignId, 'running');
		try {
			await reports.get(db, campaignId, 'report', () => computeQuality(db, campaignId));
		} catch (error) {
			// the last report stays served; the next request tries again
			console.error(`quality report of campaign ${campaignId}: ${String((error as Error)?.stack ?? error)}`);
		} finally {
			refreshes.delete(campaignId);
		}
	}, wait);
	timer.unref();
	refreshes.set(campaignId, timer);
}

/** The report computed now; a large campaign's is then held to be served while its next one is computed. */
function computeQuality(db: Kysely<Database>, campaignId: string): Promise<QualityReport> {
	const started = Date.now();
	computing.set(campaignId, started);
	const settled = () => {
		if (computing.get(campaignId) === started) computing.delete(campaignId);
	};
	const report = computeReport(db, campaignId).then(
		(quality): QualityReport => {
			settled();
			const asOf = { votes: quality.risks.size, computedAt: Date.now(), current: true };
			took.set(campaignId, asOf.computedAt - started);
			held.delete(campaignId);
			if (asOf.votes >= largeCampaignVotes()) {
				const stale = { ...quality, asOf: { ...asOf, current: false } };
				held.set(campaignId, { report, stale, finishedAt: asOf.computedAt, tookMs: asOf.computedAt - started });
				// the campaign whose report is oldest goes first
				if (held.size > HELD_CAMPAIGNS) held.delete(held.keys().next().value!);
			}
			return { ...quality, asOf };
		},
		(error) => {
			settled();
			throw error;
		}
	);
	return report;
}

let listening = false;

/**
 * Saving large campaigns' reports next to the database, so that the next process serves one at once
 * after a restart (marked not current) while it computes its own. A saved report is read back by any
 * build that writes the same layout (quality-worker.ts SAVED_FORMAT), also one with other report code
 * (a deploy): it is served marked not current, like every saved report, until this process has computed
 * its own. The server turns it on (hooks.server.ts); the CLI and tests do not.
 */
let saving: { key: string; every: number } | null = null;
const lastSaved = new Map<string, number>();

export function saveQualityReports(key = 'pickwise', everyMs = 60_000): void {
	saving = { key, every: everyMs };
}

/** Where a campaign's report is saved: a folder beside the database file. */
function savedPath(file: string, campaignId: string): string {
	return `${savedFolder(file)}/quality-${campaignId.replace(/[^A-Za-z0-9_-]/g, '_')}.v8`;
}
const savedFolder = (file: string) => `${file}-cache`;

async function computeReport(db: Kysely<Database>, campaignId: string): Promise<CampaignQuality> {
	// a dynamic import: the build emits the worker's module as a file of its own, which the worker loads
	const { qualityInWorker, qualityHere, onNearDuplicatesReady } = await import('./quality-worker.ts');
	// a large campaign's near-duplicate join finishes after its report: the next request gets a new report
	if (!listening) {
		listening = true;
		onNearDuplicatesReady(forgetQuality);
	}
	const file = await sqliteFile(db);
	if (file) {
		// at most one write per campaign a minute (tens of MB at 200,000 votes; the report thread writes it)
		const due = saving && Date.now() - (lastSaved.get(campaignId) ?? 0) >= saving.every;
		if (due) lastSaved.set(campaignId, Date.now());
		return qualityInWorker(
			file,
			campaignId,
			due ? { path: savedPath(file, campaignId), key: saving!.key, least: largeCampaignVotes() } : undefined
		);
	}
	return qualityHere(db, campaignId);
}

const files = new WeakMap<Kysely<Database>, string>();

/**
 * A page of the audit queue matched and ordered by risk in the quality worker (SQLite files), or null
 * where the report is computed in this thread (PostgreSQL, in-memory): audit/queue.ts then orders it here.
 */
export async function riskPage(
	db: Kysely<Database>,
	campaignId: string,
	/** the report the page is ordered by (the one the caller shows) */
	risks: RiskIndex,
	request: () => Promise<RiskPageRequest>
): Promise<RiskPage | null> {
	const file = await sqliteFile(db);
	if (!file) return null;
	const { riskPageInWorker } = await import('./quality-worker.ts');
	return riskPageInWorker(file, campaignId, await request(), risks);
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
	const started = performance.now();
	// set before the first request (the server's init calls this without waiting): a request for a
	// campaign with a saved report waits for it to be read rather than compute one
	startupSettled = false;
	startup = serveSavedReports(db, started)
		.catch((error) => {
			console.error(`saved quality reports at start: ${String((error as Error)?.stack ?? error)}`);
		})
		.finally(() => (startupSettled = true));
	try {
		await startup;
		await warm(db, then, started);
	} catch (error) {
		// a head start only: a request computes the report anyway
		console.error(`quality reports at start: ${String((error as Error)?.stack ?? error)}`);
	}
}

async function warm(
	db: Kysely<Database>,
	then: (campaign: Campaign, report: CampaignQuality) => Promise<unknown>,
	started: number
): Promise<void> {
	if (!(await sqliteFile(db))) return;
	const least = largeCampaignVotes();
	// a database that may hold a large campaign (its highest vote rowid, read from the index at once):
	// the report thread starts while the query thread counts them
	const highest = await db
		.selectFrom('vote')
		.select(sql<number | null>`max(rowid)`.as('n'))
		.executeTakeFirst();
	if (Number(highest?.n ?? 0) >= least) (await import('./quality-worker.ts')).startReportThread();
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
			// a saved report is served meanwhile (serveSavedReports): the queue's first page from it first
			if (held.has(campaign.id)) await then(campaign, await campaignQuality(db, campaign));
			await then(campaign, await reports.get(db, campaign.id, 'report', () => computeQuality(db, campaign.id)));
			// the benchmark (bench/audit.ts) reads this line: how long after start a lead waits at most
			console.log(`quality report of ${campaign.slug} (${n} votes) ready ${Math.round(performance.now() - started)} ms after start`);
		} catch (error) {
			console.error(`quality report of ${campaign.slug} at start: ${String((error as Error)?.stack ?? error)}`);
		}
	}
}

/**
 * At start: the report the last process saved for this campaign, held as the one to serve (not current)
 * until this process has computed its own. Not one made by other report code, nor one whose newest vote the
 * database does not have (an older database put back since). True when one is served.
 */
async function serveSavedReports(db: Kysely<Database>, started: number): Promise<void> {
	const file = await sqliteFile(db);
	if (!saving || !file) return;
	let names: string[];
	try {
		names = await readdir(savedFolder(file));
	} catch {
		return; // none saved yet
	}
	for (const name of names) {
		const id = /^quality-([A-Za-z0-9_-]+)\.v8$/.exec(name)?.[1];
		const campaign = id && (await db.selectFrom('campaign').selectAll().where('id', '=', id).executeTakeFirst());
		if (!campaign) continue;
		const served = await serveSaved(db, file, campaign);
		if (served)
			// the benchmark (bench/audit.ts) reads this line too
			console.log(
				`quality report of ${campaign.slug} saved by the last process${served === 'other code' ? ' (another build)' : ''} served ${Math.round(performance.now() - started)} ms after start`
			);
	}
}

let startup: Promise<void> | null = null;
let startupSettled = true;

/** Whether a saved report is now served: false, or 'same code' / 'other code' (another build wrote it). */
async function serveSaved(db: Kysely<Database>, file: string, campaign: Campaign): Promise<false | 'same code' | 'other code'> {
	if (!saving || held.has(campaign.id)) return false;
	const { savedQuality } = await import('./quality-worker.ts');
	const saved = await savedQuality(savedPath(file, campaign.id), saving.key);
	if (!saved || saved.campaignId !== campaign.id) return false;
	if (saved.newestVoteId !== null && !(await db.selectFrom('vote').select('id').where('id', '=', saved.newestVoteId).executeTakeFirst()))
		return false;
	const stale: QualityReport = { ...saved.quality, asOf: { votes: saved.quality.risks.size, computedAt: saved.savedAt, current: false } };
	if (held.has(campaign.id)) return false;
	held.set(campaign.id, { report: Promise.resolve(stale), stale, finishedAt: saved.savedAt, tookMs: 0 });
	lastSaved.set(campaign.id, Date.now());
	return saved.sameCode ? 'same code' : 'other code';
}

/** User ids of the evaluators the quality checks flag. */
export async function flaggedEvaluators(db: Kysely<Database>, campaign: Campaign): Promise<string[]> {
	return (await campaignQuality(db, campaign)).evaluators.filter((e) => e.flagged).map((e) => e.userId);
}

/** The evaluator dashboard's data and the API's: metrics, flags with reasons, names, campaign agreement. */
export async function evaluatorReport(db: Kysely<Database>, campaign: Campaign, known?: QualityReport) {
	const report = known ?? (await campaignQuality(db, campaign));
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
		/** the votes the report covers and when it was computed; current: false while a newer one is computed (large campaigns) */
		as_of: { votes: report.asOf.votes, computed_at: new Date(report.asOf.computedAt).toISOString(), current: report.asOf.current },
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
