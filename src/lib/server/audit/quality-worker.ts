// The quality report's computation, and the worker thread that runs it off the event loop.
//
// At 200,000 votes the report takes seconds of CPU; on the request path it blocked the one event loop
// that answers every request. On SQLite the server therefore sends the job to a worker thread that opens
// its own read-only connection to the same file (WAL readers do not block and are not blocked), reads the
// votes, computes the report (lib/quality) and sends it back packed: a few strings and typed arrays instead
// of an object per vote, so that receiving it costs the event loop next to nothing (a structured clone of
// the plain report — 58 MB of objects and strings at 200,000 votes — took seconds to decode). The
// per-vote objects are then made on the main thread a slice per turn of the event loop, and each vote's
// reasons only when that vote is shown.
//
// This file is its own worker entry: evaluator-quality.ts loads it with a dynamic import, so the build
// (Vite, then adapter-node's bundle, which keeps each Vite output file as its own chunk) emits it as a
// separate file under build/server/chunks/, and the worker starts from this module's own URL. Under
// tsx or vitest (sources) that URL is the .ts file, and the worker registers tsx before importing it.
import { isMainThread, parentPort, workerData, Worker } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { hotQuery } from '../db/hot-query.ts';
import {
	assessQuality,
	type AlphaResult,
	type Choice,
	type EvaluatorQuality,
	type QualityReport,
	type QualityThresholds,
	type RiskReason,
	type VoteKind,
	type VoteRecord,
	type VoteRisk,
	type VoteStatus
} from '../../quality/index.ts';
import { countsFromPairStats, fitBradleyTerry, RankingError } from '../../ranking/index.ts';

/** The columns the quality checks read, in VoteRecord's order (see toRecord); not the assignment. */
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
	'status'
] as const;

type VoteRow = [string, string, string, string, string, string, Choice, string, number | null, number, VoteKind, VoteStatus];

/**
 * Every vote of the campaign. On SQLite one prepared statement returning rows as arrays: at 200,000
 * votes, Kysely's driver (a fresh statement, an object per row with named keys) took several times longer.
 */
const CAMPAIGN_VOTES = hotQuery('quality.campaign-votes', ['campaign_id'], (db, p: { campaign_id: string }) =>
	db.selectFrom('vote').select(VOTE_COLUMNS).where('campaign_id', '=', p.campaign_id).orderBy('submitted_at')
);
const GOLD_PAIRS = hotQuery('quality.gold-pairs', ['campaign_id'], (db, p: { campaign_id: string }) =>
	db.selectFrom('gold_pair').select(['left_image_id', 'right_image_id', 'expected_choice']).where('campaign_id', '=', p.campaign_id)
);
const OVERALL_PAIR_STATS = hotQuery('quality.overall-pair-stats', ['campaign_id'], (db, p: { campaign_id: string }) =>
	db.selectFrom('pair_stat').selectAll().where('campaign_id', '=', p.campaign_id).where('criterion', '=', 'overall')
);

interface QualityInput {
	votes: VoteRecord[];
	gold: Awaited<ReturnType<typeof GOLD_PAIRS.all>>;
	stats: Awaited<ReturnType<typeof OVERALL_PAIR_STATS.all>>;
}

/**
 * Rows to records. Ids repeat thousands of times (200 evaluators, a few thousand images, 20 systems):
 * one string each is kept (interned) rather than one per row, so the records the report holds on to share
 * them and the row's own copies die young, where the garbage collector's cost is low.
 */
function toRecords(rows: VoteRow[]): VoteRecord[] {
	const strings = new Map<string, string>();
	const intern = (s: string) => {
		const known = strings.get(s);
		if (known !== undefined) return known;
		strings.set(s, s);
		return s;
	};
	const out = new Array<VoteRecord>(rows.length);
	for (let i = 0; i < rows.length; i++) {
		const v = rows[i];
		out[i] = {
			id: v[0],
			userId: intern(v[1]),
			leftImageId: intern(v[2]),
			rightImageId: intern(v[3]),
			leftSystemId: intern(v[4]),
			rightSystemId: intern(v[5]),
			choice: v[6],
			rationale: v[7],
			activeMs: v[8],
			submittedAt: v[9],
			kind: v[10],
			status: v[11],
			assignmentId: ''
		};
	}
	return out;
}

/** The report's input from a SQLite connection, in one read snapshot. */
function readInputSync(sqlite: SQLite.Database, campaignId: string): QualityInput {
	const params = { campaign_id: campaignId };
	return sqlite.transaction(() => ({
		votes: toRecords(CAMPAIGN_VOTES.rowsSync(sqlite, params) as VoteRow[]),
		gold: GOLD_PAIRS.allSync(sqlite, params),
		stats: OVERALL_PAIR_STATS.allSync(sqlite, params)
	}))();
}

/** The report's input through Kysely (PostgreSQL, or SQLite inside a transaction). */
async function readInput(db: Kysely<Database>, campaignId: string): Promise<QualityInput> {
	const params = { campaign_id: campaignId };
	const [votes, gold, stats] = await Promise.all([
		CAMPAIGN_VOTES.all(db, params),
		GOLD_PAIRS.all(db, params),
		OVERALL_PAIR_STATS.all(db, params)
	]);
	return { votes: toRecords(votes.map((v) => VOTE_COLUMNS.map((c) => v[c]) as VoteRow)), gold, stats };
}

function computeReport({ votes, gold, stats }: QualityInput): QualityReport {
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

/** The report in this thread (PostgreSQL, an in-memory database, a connection inside a transaction). */
export async function qualityHere(db: Kysely<Database>, campaignId: string): Promise<QualityReport> {
	return computeReport(await readInput(db, campaignId));
}

/** The report as the worker sends it: per-vote values in typed arrays and concatenated strings. */
interface PackedReport {
	evaluators: EvaluatorQuality[];
	agreement: AlphaResult;
	thresholds: QualityThresholds;
	/** the vote ids, highest risk first, concatenated; voteIdEnds[i] is where the i-th ends */
	voteIds: string;
	voteIdEnds: Int32Array;
	users: string[];
	userOf: Int32Array;
	scores: Float64Array;
	/** each vote's reasons as JSON, concatenated (empty for none) */
	reasons: string;
	reasonEnds: Int32Array;
}

function pack(report: QualityReport): PackedReport {
	const n = report.votes.length;
	const voteIdEnds = new Int32Array(n);
	const reasonEnds = new Int32Array(n);
	const userOf = new Int32Array(n);
	const scores = new Float64Array(n);
	const userIndex = new Map<string, number>();
	const users: string[] = [];
	const ids: string[] = [];
	const reasons: string[] = [];
	let idLength = 0;
	let reasonLength = 0;
	report.votes.forEach((v, i) => {
		ids.push(v.voteId);
		voteIdEnds[i] = idLength += v.voteId.length;
		let u = userIndex.get(v.userId);
		if (u === undefined) userIndex.set(v.userId, (u = users.push(v.userId) - 1));
		userOf[i] = u;
		scores[i] = v.score;
		if (v.reasons.length) {
			const json = JSON.stringify(v.reasons);
			reasons.push(json);
			reasonLength += json.length;
		}
		reasonEnds[i] = reasonLength;
	});
	const { evaluators, agreement, thresholds } = report;
	return {
		evaluators,
		agreement,
		thresholds,
		voteIds: ids.join(''),
		voteIdEnds,
		users,
		userOf,
		scores,
		reasons: reasons.join(''),
		reasonEnds
	};
}

/** Vote records made per turn of the event loop while a packed report is unpacked. */
const SLICE = 4000;

/**
 * The report from its packed form, made a slice of votes per turn of the event loop (all at once,
 * 200,000 records held it for long enough to show in every other request's latency); each vote's
 * `reasons` are parsed when first read (pages show a few dozen).
 */
async function unpack(p: PackedReport): Promise<QualityReport> {
	const votes = new Array<VoteRisk>(p.scores.length);
	let idStart = 0;
	let reasonStart = 0;
	for (let i = 0; i < votes.length; i++) {
		if (i > 0 && i % SLICE === 0) await new Promise((r) => setImmediate(r));
		const idEnd = p.voteIdEnds[i];
		const reasonEnd = p.reasonEnds[i];
		votes[i] = riskRecord(p.voteIds.slice(idStart, idEnd), p.users[p.userOf[i]], p.scores[i], p.reasons, reasonStart, reasonEnd);
		idStart = idEnd;
		reasonStart = reasonEnd;
	}
	return { evaluators: p.evaluators, agreement: p.agreement, thresholds: p.thresholds, votes };
}

const NO_REASONS: RiskReason[] = [];

/** A plain object (pages serialize it), its reasons parsed when first read. */
function riskRecord(voteId: string, userId: string, score: number, text: string, start: number, end: number): VoteRisk {
	if (start === end) return { voteId, userId, score, reasons: NO_REASONS };
	let reasons: RiskReason[] | null = null;
	return {
		voteId,
		userId,
		score,
		get reasons() {
			return (reasons ??= JSON.parse(text.slice(start, end)) as RiskReason[]);
		}
	};
}

// ---- the worker side -------------------------------------------------------------------------------

const MARKER = 'pickwise.quality-worker';

interface Job {
	id: number;
	file: string;
	campaignId: string;
}
type Answer = { id: number; ok: true; report: PackedReport } | { id: number; ok: false; error: string };

if (!isMainThread && (workerData as Record<string, unknown> | null)?.[MARKER]) {
	// one read-only connection per database file, kept for the next job
	const connections = new Map<string, SQLite.Database>();
	parentPort!.on('message', (job: Job) => {
		let answer: Answer;
		try {
			let sqlite = connections.get(job.file);
			if (!sqlite) connections.set(job.file, (sqlite = new SQLite(job.file, { readonly: true, fileMustExist: true })));
			answer = { id: job.id, ok: true, report: pack(computeReport(readInputSync(sqlite, job.campaignId))) };
		} catch (error) {
			answer = { id: job.id, ok: false, error: String((error as Error)?.stack ?? error) };
		}
		const transfer = answer.ok
			? [answer.report.voteIdEnds.buffer, answer.report.userOf.buffer, answer.report.scores.buffer, answer.report.reasonEnds.buffer]
			: [];
		parentPort!.postMessage(answer, transfer as ArrayBuffer[]);
	});
}

// ---- the main thread's side ------------------------------------------------------------------------

/** tsx's loader API as a URL (import.meta.resolve; vitest's module runner may not offer it: a bare name, from the working directory). */
function tsxApi(): string {
	try {
		if (typeof import.meta.resolve === 'function') return import.meta.resolve('tsx/esm/api');
	} catch {
		// fall through
	}
	return 'tsx/esm/api';
}

let worker: Worker | null = null;
let nextId = 0;
const pending = new Map<number, { resolve: (r: QualityReport) => void; reject: (e: unknown) => void }>();

function startWorker(): Worker {
	const url = import.meta.url;
	const options = {
		workerData: { [MARKER]: true },
		// the computation makes many short-lived objects: a larger young generation collects them for less
		resourceLimits: { maxYoungGenerationSizeMb: 64 }
	};
	let w: Worker;
	if (url.endsWith('.ts')) {
		// sources under tsx or vitest: register tsx in the worker, then load this file
		const tsx = tsxApi();
		w = new Worker(`import(${JSON.stringify(tsx)}).then((tsx) => (tsx.register(), import(${JSON.stringify(url)})));`, {
			...options,
			eval: true
		});
	} else w = new Worker(new URL(url), options);
	w.unref();
	const fail = (error: unknown) => {
		if (worker === w) worker = null;
		for (const job of pending.values()) job.reject(error);
		pending.clear();
	};
	w.on('message', (answer: Answer) => {
		const job = pending.get(answer.id);
		pending.delete(answer.id);
		// idle: let a process with nothing else to do exit
		if (pending.size === 0) w.unref();
		if (!job) return;
		if (answer.ok) unpack(answer.report).then(job.resolve, job.reject);
		else job.reject(new Error(`quality worker: ${answer.error}`));
	});
	w.on('error', fail);
	w.on('exit', (code) => fail(new Error(`quality worker exited (code ${code}) before answering`)));
	return w;
}

/**
 * The report computed by the worker thread from its own read-only connection to `file`. Jobs run one
 * at a time in arrival order (callers share one job per campaign and change: votes-cache.ts).
 */
export function qualityInWorker(file: string, campaignId: string): Promise<QualityReport> {
	worker ??= startWorker();
	const w = worker;
	const id = nextId++;
	return new Promise((resolve, reject) => {
		pending.set(id, { resolve, reject });
		// busy: keep the process alive until the answer is in
		w.ref();
		w.postMessage({ id, file, campaignId } satisfies Job);
	});
}

/** Reports computed by the worker since the process started (for tests). */
export function workerJobs(): number {
	return nextId;
}
