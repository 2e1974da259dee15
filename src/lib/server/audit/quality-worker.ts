// The quality report's computation, and the worker thread that runs it off the event loop.
//
// At 200,000 votes the report takes seconds of CPU; on the request path it blocked the one event loop
// that answers every request. On SQLite the server therefore sends the job to a worker thread that opens
// its own read-only connection to the same file (WAL readers do not block and are not blocked), reads the
// votes into columns (lib/quality columns.ts: ids interned to integers, no object per vote), computes the
// report and sends it back packed: the per-vote risks as typed arrays and UTF-8 bytes, with a
// hash table over the vote ids, all transferred rather than copied. The main thread makes no object per
// vote at all: the audit queue looks up the few thousand votes it matches (RiskIndex), and a vote's
// reasons are parsed only when that vote is shown.
//
// This file is its own worker entry: evaluator-quality.ts loads it with a dynamic import, so the build
// (Vite, then adapter-node's bundle, which keeps each Vite output file as its own chunk) emits it as a
// separate file under build/server/chunks/, and the worker starts from this module's own URL. Under
// tsx or vitest (sources) that URL is the .ts file, and the worker registers tsx before importing it.
import { isMainThread, parentPort, workerData, Worker } from 'node:worker_threads';
import { closeSync, mkdirSync, openSync, readFileSync, readlinkSync, renameSync, writevSync } from 'node:fs';
import { setPriority } from 'node:os';
import { dirname } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import SQLite from 'better-sqlite3';
import { CompiledQuery, Kysely, sql, SqliteDialect } from 'kysely';
import type { Database } from '../db/schema.ts';
import { hotQuery } from '../db/hot-query.ts';
import {
	assessQualityColumns,
	CHOICES,
	findNearDuplicates,
	KINDS,
	resolveThresholds,
	riskOrder,
	STATUSES,
	VoteColumnsBuilder,
	type AlphaResult,
	type ColumnarQuality,
	type DuplicateColumns,
	type EvaluatorQuality,
	type QualityThresholds,
	type RiskReason,
	type VoteColumns,
	type VoteRisk
} from '../../quality/index.ts';
import { countsFromPairStats, fitBradleyTerry, RankingError } from '../../ranking/index.ts';
import { markColumnsFromRows, type MarkColumns, type MarkTuple } from '../../quality/marks.ts';
import type { Side } from '../../quality/stance.ts';
import { addMarkSignals, CAMPAIGN_MARKS } from './mark-quality.ts';
import { RATIONALE_FACTS_VERSION, VERSION_UNIT } from '../../quality/rationale-facts.ts';

/** A small enumeration as its index in `list` (lib/quality's CHOICES, KINDS, STATUSES), in SQL; null for another value. */
const codeOf = (column: 'choice' | 'kind' | 'status', list: readonly string[]) =>
	sql<number | null>`case ${sql.ref(column)} ${sql.raw(list.map((v, i) => `when '${v}' then ${i}`).join(' '))} end`.as(column);

/**
 * The columns the quality checks read (not the assignment), in VoteRow's order: the choice, kind and
 * status as their codes, so that no string is made for them per vote.
 */
const VOTE_COLUMNS = [
	'id',
	'user_id',
	'left_image_id',
	'right_image_id',
	'left_system_id',
	'right_system_id',
	codeOf('choice', CHOICES),
	'rationale',
	'active_ms',
	'submitted_at',
	codeOf('kind', KINDS),
	codeOf('status', STATUSES),
	'rationale_facts'
] as const;
const VOTE_KEYS = [
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
	'rationale_facts'
] as const;

type VoteRow = [
	string,
	string,
	string,
	string,
	string,
	string,
	number | null,
	string | null,
	number | null,
	number,
	number | null,
	number | null,
	number | null
];

/**
 * Every vote of the campaign. On SQLite one prepared statement returning rows as arrays: at 200,000
 * votes, Kysely's driver (a fresh statement, an object per row with named keys) took several times longer.
 */
const CAMPAIGN_VOTES = hotQuery('quality.campaign-votes', ['campaign_id'], (db, p: { campaign_id: string }) =>
	db.selectFrom('vote').select(VOTE_COLUMNS).where('campaign_id', '=', p.campaign_id).orderBy('submitted_at')
);
/**
 * CAMPAIGN_VOTES for a large campaign's report on SQLite: a text only where the report needs it — its
 * facts are not stored or not trusted (rationale-facts.ts trustedFacts, in SQL), or a reason quotes it (the
 * text argues for the side not chosen). The near-duplicate check reads the texts on its own thread
 * (CAMPAIGN_TEXTS). At 200,000 votes reading every text and finding its side was a third of the report.
 */
const CAMPAIGN_VOTES_LEAN = hotQuery('quality.campaign-votes-lean', ['campaign_id'], (db, p: { campaign_id: string }) =>
	db
		.selectFrom('vote')
		.select(
			VOTE_COLUMNS.map((c) =>
				c === 'rationale'
					? sql<
							string | null
						>`case when ${sql.ref('rationale_facts')} is null or (${sql.ref('rationale_facts')} / ${sql.lit(VERSION_UNIT)}) <> ${sql.lit(RATIONALE_FACTS_VERSION)} or (${sql.ref('rationale_facts')} & 3) = 3 or ((${sql.ref('rationale_facts')} & 3) = 1 and ${sql.ref('choice')} = 'right') or ((${sql.ref('rationale_facts')} & 3) = 2 and ${sql.ref('choice')} = 'left') then ${sql.ref('rationale')} end`.as(
							'rationale'
						)
					: c
			)
		)
		.where('campaign_id', '=', p.campaign_id)
		.orderBy('submitted_at')
);
/** How many votes the campaign has (the report reads them lean above inlineDuplicates). */
const CAMPAIGN_VOTE_COUNT = hotQuery('quality.campaign-vote-count', ['campaign_id'], (db, p: { campaign_id: string }) =>
	db
		.selectFrom('vote')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('campaign_id', '=', p.campaign_id)
);
/** Every vote's id, evaluator and text: the near-duplicate check of a large campaign reads them on its own thread. */
const CAMPAIGN_TEXTS = hotQuery('quality.campaign-texts', ['campaign_id'], (db, p: { campaign_id: string }) =>
	db.selectFrom('vote').select(['id', 'user_id', 'rationale']).where('campaign_id', '=', p.campaign_id).orderBy('submitted_at')
);
const GOLD_PAIRS = hotQuery('quality.gold-pairs', ['campaign_id'], (db, p: { campaign_id: string }) =>
	db.selectFrom('gold_pair').select(['left_image_id', 'right_image_id', 'expected_choice']).where('campaign_id', '=', p.campaign_id)
);
const OVERALL_PAIR_STATS = hotQuery('quality.overall-pair-stats', ['campaign_id'], (db, p: { campaign_id: string }) =>
	db.selectFrom('pair_stat').selectAll().where('campaign_id', '=', p.campaign_id).where('criterion', '=', 'overall')
);

interface QualityInput {
	votes: VoteColumns;
	gold: Awaited<ReturnType<typeof GOLD_PAIRS.all>>;
	stats: Awaited<ReturnType<typeof OVERALL_PAIR_STATS.all>>;
	/** every region mark of the campaign (the mark signals) */
	marks: MarkColumns;
}

/** VoteColumns straight from the rows, with the small enumerations already coded by the query. */
function toColumns(rows: Iterable<VoteRow>): VoteColumns {
	const b = new VoteColumnsBuilder();
	for (const v of rows) b.addCoded(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7] ?? '', v[8], v[9], v[10], v[11], v[12]);
	return b.build();
}

/**
 * The report's input from a SQLite connection, in one read snapshot. The votes are read one raw row at a
 * time into the columns: at 200,000 votes an array of all rows first took about as long again as the
 * read itself (mostly collecting it).
 */
function readInputSync(sqlite: SQLite.Database, campaignId: string, leanAbove = Infinity): QualityInput {
	const params = { campaign_id: campaignId };
	return sqlite.transaction(() => {
		// above `leanAbove` votes the texts are read only where the report needs them (CAMPAIGN_VOTES_LEAN)
		const lean = leanAbove !== Infinity && Number(CAMPAIGN_VOTE_COUNT.firstSync(sqlite, params)?.n ?? 0) > leanAbove;
		const votes = toColumns((lean ? CAMPAIGN_VOTES_LEAN : CAMPAIGN_VOTES).eachRowSync(sqlite, params) as IterableIterator<VoteRow>);
		return {
			votes,
			gold: GOLD_PAIRS.allSync(sqlite, params),
			stats: OVERALL_PAIR_STATS.allSync(sqlite, params),
			// the marks as columns straight from the rows (no object per mark)
			marks: markColumnsFromRows(votes.ids, CAMPAIGN_MARKS.eachRowSync(sqlite, params) as IterableIterator<MarkTuple>)
		};
	})();
}

/** The report's input through Kysely (PostgreSQL, or SQLite inside a transaction). */
async function readInput(db: Kysely<Database>, campaignId: string): Promise<QualityInput> {
	const params = { campaign_id: campaignId };
	const [votes, gold, stats, marks] = await Promise.all([
		CAMPAIGN_VOTES.all(db, params),
		GOLD_PAIRS.all(db, params),
		OVERALL_PAIR_STATS.all(db, params),
		CAMPAIGN_MARKS.all(db, params)
	]);
	const columns = toColumns(votes.map((v) => VOTE_KEYS.map((c) => v[c]) as VoteRow));
	return {
		votes: columns,
		gold,
		stats,
		marks: markColumnsFromRows(
			columns.ids,
			marks.map((m): MarkTuple => [m.vote_id, m.side, m.kind, m.x, m.y, m.w, m.h])
		)
	};
}

/**
 * The predicted winner's probability for a pair of systems, for the "agrees with the fit" signal: the
 * point Bradley–Terry fit on the campaign's overall pair counts (a small prior keeps it finite early on);
 * undefined while no fit exists. bench/quality-report.ts makes its prediction with it too.
 */
export function predictorFromPairStats(
	stats: readonly { system_a: string; system_b: string; a_wins: number; b_wins: number; ties: number; both_bad: number }[]
): ((a: string, b: string) => number) | undefined {
	try {
		const counts = countsFromPairStats(
			stats.map((s) => ({ systemA: s.system_a, systemB: s.system_b, aWins: s.a_wins, bWins: s.b_wins, ties: s.ties, bothBad: s.both_bad }))
		);
		const fit = fitBradleyTerry(counts, { prior: 0.5 });
		const rating = new Map(fit.systems.map((s, i) => [s, fit.ratings[i]]));
		return (a, b) => {
			const ra = rating.get(a);
			const rb = rating.get(b);
			return ra === undefined || rb === undefined ? 0.5 : 1 / (1 + 10 ** ((rb - ra) / 400));
		};
	} catch (e) {
		if (!(e instanceof RankingError)) throw e;
		return undefined;
	}
}

function computeReport(
	{ votes, gold, stats, marks }: QualityInput,
	duplicates?: DuplicateColumns,
	stanceSides?: Map<string, Side | null>
): ColumnarQuality {
	const predict = predictorFromPairStats(stats);
	const report = assessQualityColumns(votes, {
		gold: gold.map((g) => ({ leftImageId: g.left_image_id, rightImageId: g.right_image_id, expected: g.expected_choice })),
		predict,
		duplicates,
		stanceSides
	});
	// Per-evaluator signals beyond lib/quality's core ones are added to report.evaluators here, in this
	// one place: they then travel to the main thread with the evaluators (packReport).
	addMarkSignals(report.evaluators, votes, marks);
	return report;
}

/** The report in this thread (PostgreSQL, an in-memory database, a connection inside a transaction). */
export async function qualityHere(db: Kysely<Database>, campaignId: string): Promise<CampaignQuality> {
	const input = await readInput(db, campaignId);
	return unpack(packReport(computeReport(input), input.votes, COMPLETE));
}

/** Whether the report's near-duplicate signals cover every vote (see NearDuplicateStatus in the worker part). */
export interface NearDuplicateStatus {
	/** false while the join over the current votes is still running on its own thread */
	complete: boolean;
	/** votes the report has no near-duplicate result for yet (newer than the last finished join) */
	unchecked: number;
}

const COMPLETE: NearDuplicateStatus = { complete: true, unchecked: 0 };

/** The campaign's quality report as the server holds it: the evaluators and alpha, and every vote's risk packed. */
export interface CampaignQuality {
	evaluators: EvaluatorQuality[];
	agreement: AlphaResult;
	thresholds: QualityThresholds;
	risks: RiskIndex;
	nearDuplicates: NearDuplicateStatus;
}

/** The report as the worker sends it: per-vote values in typed arrays and concatenated strings. */
interface PackedReport {
	evaluators: EvaluatorQuality[];
	agreement: AlphaResult;
	thresholds: QualityThresholds;
	risks: PackedRisks;
	nearDuplicates: NearDuplicateStatus;
}

interface PackedRisks {
	/**
	 * the vote ids, highest risk first, as UTF-8 bytes end to end; voteIdEnds[r] is where the r-th ends.
	 * Bytes, not a string: a buffer is transferred, while a string is copied on receipt, and at
	 * 200,000 votes copying the ids and the reasons (50 MB) held the main thread for a second.
	 */
	voteIds: Uint8Array;
	voteIdEnds: Int32Array;
	users: string[];
	userOf: Int32Array;
	scores: Float64Array;
	/** each vote's reasons as JSON in UTF-8, end to end (empty for none) */
	reasons: Uint8Array;
	reasonEnds: Int32Array;
	/** open addressing over the vote ids (idHash): 1 + the vote's rank, 0 for an empty slot */
	slots: Int32Array;
}

/** FNV-1a over bytes: the same on both threads. */
function idHash(bytes: Uint8Array, start: number, end: number): number {
	let h = 0x811c9dc5;
	for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
	return h >>> 0;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** What finds a vote's rank and score by its id: the packed ids and their open-addressing slots. */
type PackedScores = Pick<PackedRisks, 'voteIds' | 'voteIdEnds' | 'scores' | 'slots'>;

/** Room for one vote id's UTF-8 bytes (ids are short; a longer one is encoded on its own). */
let idScratch = new Uint8Array(256);

/**
 * The rank (0 = highest risk) of a vote in packed scores, or -1 when they do not know it: one hash and
 * a byte comparison, no map of 200,000 strings (on the main thread, RiskIndex; on the query thread, the
 * risk order of the audit queue's matches).
 */
function rankIn(p: PackedScores, voteId: string): number {
	const { slots, voteIds, voteIdEnds } = p;
	if (voteId.length * 3 > idScratch.length) idScratch = new Uint8Array(voteId.length * 3);
	const length = encoder.encodeInto(voteId, idScratch).written;
	const key = idScratch;
	const mask = slots.length - 1;
	for (let slot = idHash(key, 0, length) & mask; slots[slot] !== 0; slot = (slot + 1) & mask) {
		const rank = slots[slot] - 1;
		const start = rank === 0 ? 0 : voteIdEnds[rank - 1];
		if (voteIdEnds[rank] - start !== length) continue;
		let same = true;
		for (let k = 0; same && k < length; k++) same = voteIds[start + k] === key[k];
		if (same) return rank;
	}
	return -1;
}

/** Strings appended as UTF-8 into one growing buffer. */
class ByteWriter {
	bytes = new Uint8Array(1 << 16);
	length = 0;
	write(s: string): void {
		// at most three bytes per UTF-16 code unit
		if (this.bytes.length - this.length < s.length * 3) {
			let size = this.bytes.length * 2;
			while (size - this.length < s.length * 3) size *= 2;
			const grown = new Uint8Array(size);
			grown.set(this.bytes.subarray(0, this.length));
			this.bytes = grown;
		}
		this.length += encoder.encodeInto(s, this.bytes.subarray(this.length)).written;
	}
}

function packReport(q: ColumnarQuality, c: VoteColumns, nearDuplicates: NearDuplicateStatus): PackedReport {
	const n = q.order.length;
	const voteIdEnds = new Int32Array(n);
	const reasonEnds = new Int32Array(n);
	const userOf = new Int32Array(n);
	const scores = new Float64Array(n);
	let size = 16;
	while (size < n * 2) size *= 2;
	const slots = new Int32Array(size);
	const ids = new ByteWriter();
	const reasons = new ByteWriter();
	for (let rank = 0; rank < n; rank++) {
		const i = q.order[rank];
		const start = ids.length;
		ids.write(c.ids[i]);
		voteIdEnds[rank] = ids.length;
		userOf[rank] = c.user[i];
		scores[rank] = q.score[i];
		if (q.signalled[i]) reasons.write(JSON.stringify(q.reasons(i)));
		reasonEnds[rank] = reasons.length;
		let slot = idHash(ids.bytes, start, ids.length) & (size - 1);
		while (slots[slot] !== 0) slot = (slot + 1) & (size - 1);
		slots[slot] = rank + 1;
	}
	const { evaluators, agreement, thresholds } = q;
	return {
		evaluators,
		agreement,
		thresholds,
		nearDuplicates,
		risks: { voteIds: ids.bytes, voteIdEnds, users: c.users, userOf, scores, reasons: reasons.bytes, reasonEnds, slots }
	};
}

const NO_REASONS: RiskReason[] = [];

/**
 * Every vote's risk, packed: looked up by vote id without a map of 200,000 entries on the main thread.
 * `get` makes the plain VoteRisk of one vote (its reasons parsed when first read); `scoreOf` only reads
 * a number.
 */
export class RiskIndex {
	constructor(private readonly p: PackedRisks) {}

	get size(): number {
		return this.p.scores.length;
	}

	/** The rank (0 = highest risk) of a vote, or -1 when the report does not know it. */
	rankOf(voteId: string): number {
		return rankIn(this.p, voteId);
	}

	/**
	 * The ids (UTF-8, rank order), scores and slots, for the query thread's risk order (riskPageInWorker):
	 * it looks votes up as this index does, so taking a new report's scores costs it a copy, not a string
	 * and a map entry per vote (0.3–0.6 s at 200,000 votes, during which the queue's pages waited).
	 */
	packedScores(): PackedScores {
		const { voteIds, voteIdEnds, scores, slots } = this.p;
		return { voteIds: voteIds.subarray(0, voteIdEnds.length ? voteIdEnds[voteIdEnds.length - 1] : 0), voteIdEnds, scores, slots };
	}

	/** The vote's score, or 0 when the report does not know it (a vote newer than the report). */
	scoreOf(voteId: string): number {
		const rank = this.rankOf(voteId);
		return rank === -1 ? 0 : this.p.scores[rank];
	}

	get(voteId: string): VoteRisk | undefined {
		const rank = this.rankOf(voteId);
		return rank === -1 ? undefined : this.at(rank);
	}

	/** The vote at a rank, highest risk first. */
	at(rank: number): VoteRisk {
		const p = this.p;
		const voteId = decoder.decode(p.voteIds.subarray(rank === 0 ? 0 : p.voteIdEnds[rank - 1], p.voteIdEnds[rank]));
		const userId = p.users[p.userOf[rank]];
		const score = p.scores[rank];
		const start = rank === 0 ? 0 : p.reasonEnds[rank - 1];
		const end = p.reasonEnds[rank];
		if (start === end) return { voteId, userId, score, reasons: NO_REASONS };
		let reasons: RiskReason[] | null = null;
		const text = p.reasons;
		return {
			voteId,
			userId,
			score,
			get reasons() {
				return (reasons ??= JSON.parse(decoder.decode(text.subarray(start, end))) as RiskReason[]);
			}
		};
	}

	*[Symbol.iterator](): IterableIterator<VoteRisk> {
		for (let rank = 0; rank < this.size; rank++) yield this.at(rank);
	}

	/** Every vote's risk, highest first (the record path's `votes`): for tests and small campaigns. */
	toJSON(): VoteRisk[] {
		return [...this].map((v) => ({ ...v }));
	}
}

function unpack(p: PackedReport): CampaignQuality {
	return {
		evaluators: p.evaluators,
		agreement: p.agreement,
		thresholds: p.thresholds,
		risks: new RiskIndex(p.risks),
		nearDuplicates: p.nearDuplicates
	};
}

// ---- the worker side -------------------------------------------------------------------------------

const MARKER = 'pickwise.quality-worker';
/**
 * Which code made a saved report: this module's file name, which in a build carries a hash of its
 * content and of everything it imports (lib/quality, the packing). Told with a saved report that is read
 * back (savedQuality's sameCode); whether it is read back at all is SAVED_FORMAT's.
 */
const REPORT_CODE = import.meta.url.split('/').pop() ?? '';
/**
 * The layout of a saved report (SavedReport, PackedReport, the evaluators' metrics and reasons, the
 * votes' risk reasons), bumped whenever it changes: tests/integration/quality-lanes.test.ts knows the
 * shape of each layout and fails until it is. A saved report of this layout is read back even when other
 * report code wrote it (a new build): it is served marked not current, as any saved report is, and
 * replaced by this code's own once computed; a lead after a deploy gets the last numbers at once
 * instead of waiting for the first report.
 */
export const SAVED_FORMAT = 1;
const DUPLICATES_MARKER = 'pickwise.near-duplicates-worker';

interface ReportJob {
	type: 'report';
	id: number;
	file: string;
	campaignId: string;
	/** up to this many votes the near-duplicate join runs inside the report; above, on its own thread */
	inlineDuplicates: number;
	/** a report of at least `least` votes is also written to `path` (for a restart: savedQuality) */
	save?: { path: string; key: string; least: number };
}

/** A page of the audit queue: the matching votes (SQL compiled on the main thread), ordered and sliced here. */
export interface RiskPageRequest {
	/** the match query, compiled for SQLite: selects `id` of the matching votes, newest (or oldest) first */
	sql: string;
	parameters: readonly unknown[];
	/** the same token again means the same rows (audit/queue.ts ties it to its VotesCache); null: run the query */
	token: string | null;
	/** the query's limit: as many rows as this means the matches were cut */
	limit: number;
	byRisk: boolean;
	riskyOnly: boolean;
	offset: number;
	count: number;
}
export interface RiskPage {
	total: number;
	truncated: boolean;
	/** the page's vote ids, in order */
	ids: string[];
}
interface PageJob extends RiskPageRequest {
	type: 'page';
	id: number;
	file: string;
	campaignId: string;
}
/**
 * The scores of the report the main thread holds, for the pages that follow (packed as in PackedRisks:
 * ids in rank order). Pages are ordered by that report's scores, which the main thread also serves.
 */
interface ScoresJob {
	type: 'scores';
	id: number;
	file: string;
	campaignId: string;
	voteIds: Uint8Array;
	voteIdEnds: Int32Array;
	scores: Float64Array;
	slots: Int32Array;
}
/** A read-only query compiled on the main thread (a count over a campaign's votes), run on the worker's connection. */
interface RowsJob {
	type: 'rows';
	id: number;
	file: string;
	sql: string;
	parameters: readonly unknown[];
}
/** A report saved by an earlier process (ReportJob.save), read back on the query thread. */
interface LoadJob {
	type: 'load';
	id: number;
	path: string;
	key: string;
}
/** What a saved report's file holds (v8 serialization). */
export interface SavedReport {
	/** the caller's key (another key's report is not read) */
	key: string;
	/** SAVED_FORMAT when written: another layout's report is not read */
	format: number;
	/** the report code that wrote it (REPORT_CODE) */
	code: string;
	campaignId: string;
	savedAt: number;
	/** the newest vote the report covers: a database older than the report (a restored backup) does not have it */
	newestVoteId: string | null;
	report: PackedReport;
}
/** Blocks the thread until `signal[0]` turns non-zero (after setting `signal[1]`): tests stand in for a long report with it (holdReportThread). */
interface HoldJob {
	type: 'hold';
	id: number;
	signal: SharedArrayBuffer;
}
type Job = ReportJob | PageJob | RowsJob | ScoresJob | HoldJob | LoadJob;
/** a job before send numbers it */
type Unsent<J> = J extends unknown ? Omit<J, 'id'> : never;
type Answer =
	| { id: number; ok: true; report: PackedReport }
	| { id: number; ok: true; page: RiskPage }
	| { id: number; ok: true; rows: unknown[] }
	| { id: number; ok: true; scores: number }
	| { id: number; ok: true; held: true }
	| { id: number; ok: true; saved: Omit<SavedReport, 'key'> | null }
	| { id: number; ok: false; error: string }
	| { id: -1; duplicatesReady: { file: string; campaignId: string } };

/**
 * The near-duplicate join of a large campaign, on a thread of its own. At 200,000 votes of templated
 * text the exact join takes minutes, where the rest of the report takes seconds: the report does not
 * wait for it. It uses the last finished join for the votes that join saw (their partners among the
 * votes still there) and says how many votes it has not checked yet; when a join finishes, the main
 * thread drops its cached report (onNearDuplicatesReady), and the next request gets the new result.
 */
interface DuplicateRun {
	ids: string[];
	own: Int32Array;
	others: Int32Array;
	index?: Map<string, number>;
}
interface DuplicateState {
	done: DuplicateRun | null;
	running: boolean;
}

/** The near-duplicate join of a campaign's texts, which the near-duplicate thread reads itself (CAMPAIGN_TEXTS). */
interface DuplicatesJob {
	id: number;
	file: string;
	campaignId: string;
	threshold: number;
	shingleSize: number;
}
interface DuplicatesAnswer {
	id: number;
	/** the votes the join covered, in the order of `own` and `others` */
	ids: string[];
	own: Int32Array;
	others: Int32Array;
	error?: string;
}

/**
 * A thread that computes in the background (reports, the near-duplicate join) yields the cores to the
 * threads that answer requests: on Linux a thread's nice value is its own (setpriority on its thread
 * id, read from /proc/thread-self); elsewhere nothing changes. Lowering one's priority needs no rights.
 */
function runInBackground(): void {
	try {
		const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
		if (Number.isInteger(tid) && tid > 0) setPriority(tid, 10);
	} catch {
		// not Linux, or not allowed: the same priority as the rest
	}
}

if (!isMainThread && (workerData as Record<string, unknown> | null)?.background) runInBackground();

if (!isMainThread && (workerData as Record<string, unknown> | null)?.[DUPLICATES_MARKER]) {
	// one read-only connection per database file, kept for the next join
	const connections = new Map<string, SQLite.Database>();
	parentPort!.on('message', (job: DuplicatesJob) => {
		let answer: DuplicatesAnswer;
		try {
			let sqlite = connections.get(job.file);
			if (!sqlite) connections.set(job.file, (sqlite = new SQLite(job.file, { readonly: true, fileMustExist: true })));
			const ids: string[] = [];
			const texts: { text: string; owner: string }[] = [];
			for (const [id, owner, text] of CAMPAIGN_TEXTS.eachRowSync(sqlite, { campaign_id: job.campaignId }) as IterableIterator<
				[string, string, string]
			>) {
				ids.push(id);
				texts.push({ text, owner });
			}
			const found = findNearDuplicates(texts, { threshold: job.threshold, shingleSize: job.shingleSize });
			answer = { id: job.id, ids, own: Int32Array.from(found, (d) => d.sameOwner), others: Int32Array.from(found, (d) => d.otherOwner) };
		} catch (error) {
			answer = { id: job.id, ids: [], own: new Int32Array(0), others: new Int32Array(0), error: String((error as Error)?.stack ?? error) };
		}
		parentPort!.postMessage(answer, [answer.own.buffer, answer.others.buffer] as ArrayBuffer[]);
	});
}

if (!isMainThread && (workerData as Record<string, unknown> | null)?.[MARKER]) {
	// one read-only connection per database file, kept for the next job
	const connections = new Map<string, SQLite.Database>();
	const states = new Map<string, DuplicateState>();
	let duplicatesWorker: Worker | null = null;
	let nextDuplicatesId = 0;
	const duplicatesDone = new Map<number, (a: DuplicatesAnswer) => void>();

	const startDuplicates = (job: ReportJob, state: DuplicateState) => {
		if (!duplicatesWorker) {
			const w = (duplicatesWorker = spawn(DUPLICATES_MARKER, true));
			w.on('message', (a: DuplicatesAnswer) => {
				const done = duplicatesDone.get(a.id);
				duplicatesDone.delete(a.id);
				done?.(a);
			});
			const fail = (error: unknown) => {
				if (duplicatesWorker === w) duplicatesWorker = null;
				for (const done of duplicatesDone.values())
					done({ id: -1, ids: [], own: new Int32Array(0), others: new Int32Array(0), error: String(error) });
				duplicatesDone.clear();
			};
			w.on('error', fail);
			w.on('exit', (code) => fail(new Error(`near-duplicate worker exited (code ${code})`)));
		}
		const t = resolveThresholds();
		const id = nextDuplicatesId++;
		state.running = true;
		duplicatesDone.set(id, (a) => {
			state.running = false;
			if (a.error) {
				console.error(`near-duplicates of campaign ${job.campaignId}: ${a.error}`);
				return;
			}
			state.done = { ids: a.ids, own: a.own, others: a.others };
			const ready: Answer = { id: -1, duplicatesReady: { file: job.file, campaignId: job.campaignId } };
			parentPort!.postMessage(ready);
		});
		duplicatesWorker.postMessage({
			id,
			file: job.file,
			campaignId: job.campaignId,
			threshold: t.duplicateJaccard,
			shingleSize: t.shingleSize
		} satisfies DuplicatesJob);
	};

	/** The partners the last finished join found, for the current votes; the votes it did not see count as unchecked. */
	const knownDuplicates = (run: DuplicateRun | null, votes: VoteColumns): { duplicates: DuplicateColumns; unchecked: number } => {
		const n = votes.ids.length;
		if (run && sameIds(run.ids, votes.ids)) return { duplicates: run, unchecked: 0 };
		const own = new Int32Array(n).fill(-1);
		const others = new Int32Array(n).fill(-1);
		if (!run) return { duplicates: { own, others }, unchecked: n };
		const before = (run.index ??= new Map(run.ids.map((id, i) => [id, i])));
		const now = new Map(votes.ids.map((id, i) => [id, i]));
		const partner = (r: number) => (r === -1 ? -1 : (now.get(run.ids[r]) ?? -1));
		let unchecked = 0;
		for (let i = 0; i < n; i++) {
			const r = before.get(votes.ids[i]);
			if (r === undefined) {
				unchecked++;
				continue;
			}
			own[i] = partner(run.own[r]);
			others[i] = partner(run.others[r]);
		}
		return { duplicates: { own, others }, unchecked };
	};

	/** Per campaign, each distinct rationale's side: a pure function of the text, read once per process. */
	const stanceSides = new Map<string, Map<string, Side | null>>();
	/** Per campaign, the last report's score of each vote: what the audit queue's risk order reads. */
	const scores = new Map<string, PackedScores>();
	/** The audit queue's recent match sets by token (the newest kept, oldest dropped first). */
	const matchSets = new Map<string, string[]>();
	const readers = new Map<string, Kysely<Database>>();

	const connection = (file: string) => {
		let sqlite = connections.get(file);
		if (!sqlite) connections.set(file, (sqlite = new SQLite(file, { readonly: true, fileMustExist: true })));
		return sqlite;
	};

	const report = (job: ReportJob): PackedReport => {
		const sqlite = connection(job.file);
		const key = `${job.file}\0${job.campaignId}`;
		const t0 = performance.now();
		// a campaign whose near-duplicate join runs on its own thread is read lean (its texts only where needed)
		const input = readInputSync(sqlite, job.campaignId, job.inlineDuplicates);
		const t1 = performance.now();
		let duplicates: DuplicateColumns | undefined;
		let status = COMPLETE;
		if (input.votes.ids.length > job.inlineDuplicates) {
			let state = states.get(key);
			if (!state) states.set(key, (state = { done: null, running: false }));
			const known = knownDuplicates(state.done, input.votes);
			duplicates = known.duplicates;
			const complete = known.unchecked === 0 && state.done !== null;
			if (!complete && !state.running) startDuplicates(job, state);
			status = { complete, unchecked: known.unchecked };
		}
		let sides = stanceSides.get(key);
		// bounded: a campaign's texts are kept, not every text the process has ever seen
		if (!sides || sides.size > 2 * input.votes.ids.length + 100_000) stanceSides.set(key, (sides = new Map()));
		const computed = computeReport(input, duplicates, sides);
		const t2 = performance.now();
		const packed = packReport(computed, input.votes, status);
		const t3 = performance.now();
		const n = input.votes.ids.length;
		if (job.save && n >= job.save.least) {
			// before the buffers are transferred; written aside and renamed, so a reader never sees half a file
			const saved: SavedReport = {
				key: job.save.key,
				format: SAVED_FORMAT,
				code: REPORT_CODE,
				campaignId: job.campaignId,
				savedAt: Date.now(),
				newestVoteId: n ? input.votes.ids[n - 1] : null,
				report: packed
			};
			try {
				writeSaved(job.save.path, saved);
			} catch (error) {
				// a head start for the next process only
				console.error(`saving the quality report of campaign ${job.campaignId}: ${String(error)}`);
			}
		}
		// the phases of a large report, for the benchmarks (bench/audit.ts prints them)
		if (n >= 20_000) {
			const ms = (a: number, b: number) => Math.round(b - a);
			console.log(
				`quality report of campaign ${job.campaignId}: ${n} votes read ${ms(t0, t1)} ms, computed ${ms(t1, t2)} ms, packed ${ms(t2, t3)} ms, saved ${ms(t3, performance.now())} ms`
			);
		}
		return packed;
	};

	const read = async <R>(file: string, sql: string, parameters: readonly unknown[]): Promise<R[]> => {
		let reader = readers.get(file);
		if (!reader) readers.set(file, (reader = new Kysely<Database>({ dialect: new SqliteDialect({ database: connection(file) }) })));
		return (await reader.executeQuery<R>(CompiledQuery.raw(sql, [...parameters]))).rows;
	};

	/** A saved report of this report code, or null (none, other code's, unreadable). */
	const load = (job: LoadJob): Omit<SavedReport, 'key'> | null => {
		let saved: SavedReport;
		try {
			saved = readSaved(job.path);
		} catch {
			return null;
		}
		if (saved?.key !== job.key || saved.format !== SAVED_FORMAT || !saved.report?.risks) return null;
		const { key: _key, ...rest } = saved;
		return rest;
	};

	/** The scores of the report the main thread serves (riskPageInWorker sends them before the first page it orders by them). */
	const takeScores = (job: ScoresJob): number => {
		scores.set(`${job.file}\0${job.campaignId}`, {
			voteIds: job.voteIds,
			voteIdEnds: job.voteIdEnds,
			scores: job.scores,
			slots: job.slots
		});
		return job.scores.length;
	};

	/** A page of matches in risk order (or time order), from the scores of the report the main thread serves. */
	const page = async (job: PageJob): Promise<RiskPage> => {
		const key = `${job.file}\0${job.campaignId}`;
		if (!scores.has(key) && (job.byRisk || job.riskyOnly)) throw new Error(`no scores for campaign ${job.campaignId}`);
		let ids = job.token === null ? undefined : matchSets.get(job.token);
		if (!ids) {
			ids = (await read<{ id: string }>(job.file, job.sql, job.parameters)).map((r) => r.id);
			if (job.token !== null) {
				if (matchSets.size >= 50) matchSets.delete(matchSets.keys().next().value!);
				matchSets.set(job.token, ids);
			}
		}
		const truncated = ids.length >= job.limit;
		if (!job.byRisk && !job.riskyOnly) return { total: ids.length, truncated, ids: ids.slice(job.offset, job.offset + job.count) };
		const known = scores.get(key)!;
		// a vote newer than the report has no risk yet
		const score = Float64Array.from(ids, (id) => {
			const rank = rankIn(known, id);
			return rank === -1 ? 0 : known.scores[rank];
		});
		const order = riskOrder(score, job.byRisk, job.riskyOnly);
		return { total: order.length, truncated, ids: order.slice(job.offset, job.offset + job.count).map((k) => ids[k]) };
	};

	parentPort!.on('message', async (job: Job) => {
		let answer: Answer;
		let r: PackedRisks | null = null;
		try {
			if (job.type === 'page') answer = { id: job.id, ok: true, page: await page(job) };
			else if (job.type === 'scores') answer = { id: job.id, ok: true, scores: takeScores(job) };
			else if (job.type === 'load') {
				const saved = load(job);
				answer = { id: job.id, ok: true, saved };
				r = saved?.report.risks ?? null;
			} else if (job.type === 'hold') {
				const signal = new Int32Array(job.signal);
				Atomics.store(signal, 1, 1);
				Atomics.wait(signal, 0, 0);
				answer = { id: job.id, ok: true, held: true };
			} else if (job.type === 'rows') answer = { id: job.id, ok: true, rows: await read(job.file, job.sql, job.parameters) };
			else {
				answer = { id: job.id, ok: true, report: report(job) };
				r = answer.report.risks;
			}
		} catch (error) {
			answer = { id: job.id, ok: false, error: String((error as Error)?.stack ?? error) };
		}
		const transfer = r ? [r.voteIds, r.voteIdEnds, r.userOf, r.scores, r.reasons, r.reasonEnds, r.slots].map((a) => a.buffer) : [];
		parentPort!.postMessage(answer, transfer as ArrayBuffer[]);
	});
}

/**
 * A saved report's file: a 4-byte length, the report without its typed arrays (v8 serialization, a few
 * kB), then each typed array's bytes. Written straight from the arrays' memory (v8.serialize of the
 * whole report took a quarter of a second at 200,000 votes, on the report thread), aside and renamed,
 * so that a reader never sees half a file.
 */
export function writeSaved(path: string, saved: SavedReport): void {
	const risks = saved.report.risks as unknown as Record<string, unknown>;
	const arrays = Object.entries(risks).filter((e): e is [string, Uint8Array | Int32Array | Float64Array] => ArrayBuffer.isView(e[1]));
	const rest = Object.fromEntries(Object.entries(risks).filter(([, v]) => !ArrayBuffer.isView(v)));
	const head = serialize({
		...saved,
		report: { ...saved.report, risks: rest },
		arrays: arrays.map(([name, a]) => [name, a.constructor.name, a.length])
	});
	const size = Buffer.alloc(4);
	size.writeUInt32LE(head.length);
	mkdirSync(dirname(path), { recursive: true });
	const fd = openSync(`${path}.tmp`, 'w');
	try {
		writevSync(fd, [size, head, ...arrays.map(([, a]) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength))]);
	} finally {
		closeSync(fd);
	}
	renameSync(`${path}.tmp`, path);
}

const ARRAY_TYPES = { Uint8Array, Int32Array, Float64Array } as const;

export function readSaved(path: string): SavedReport {
	const bytes = readFileSync(path);
	const headSize = bytes.readUInt32LE(0);
	const head = deserialize(bytes.subarray(4, 4 + headSize)) as SavedReport & {
		arrays: [keyof typeof ARRAY_TYPES, keyof typeof ARRAY_TYPES, number][];
	};
	let at = 4 + headSize;
	const risks = head.report.risks as unknown as Record<string, unknown>;
	for (const [name, type, length] of head.arrays) {
		const Type = ARRAY_TYPES[type];
		if (!Type) throw new Error(`saved report ${path}: unknown array type ${type}`);
		const size = length * Type.BYTES_PER_ELEMENT;
		if (at + size > bytes.length) throw new Error(`saved report ${path} is cut short`);
		// a copy in a buffer of its own (to be transferred), aligned for its type
		risks[name] = new Type(bytes.buffer.slice(bytes.byteOffset + at, bytes.byteOffset + at + size));
		at += size;
	}
	const { arrays: _arrays, ...saved } = head;
	return saved;
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
	if (a === b) return true;
	if (a.length !== b.length) return false;
	for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
	return true;
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

/**
 * Two threads run this module's jobs: one computes reports (seconds at 200,000 votes), the other answers
 * the audit queue's pages and the off-thread reads (milliseconds), so that a page never waits behind a
 * report being computed — which, with a campaign voted on all day, is most of the time.
 */
interface Lane {
	name: string;
	worker: Worker | null;
	pending: Map<number, { resolve: (r: Answer & { ok: true }) => void; reject: (e: unknown) => void }>;
	/** per campaign (file and id), the report whose scores the query thread holds (RiskIndex identity) */
	scores: Map<string, RiskIndex>;
}
const reportLane: Lane = { name: 'quality worker', worker: null, pending: new Map(), scores: new Map() };
const queryLane: Lane = { name: 'quality query worker', worker: null, pending: new Map(), scores: new Map() };
let nextId = 0;
let reportJobs = 0;

/** A thread running this module with `marker` set (the quality worker, or its near-duplicate worker); `background`: niced (runInBackground). */
function spawn(marker: string, background: boolean): Worker {
	const url = import.meta.url;
	const options = {
		workerData: { [marker]: true, background },
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
	return w;
}

const readyListeners: ((campaignId: string) => void)[] = [];

/** Called when a campaign's near-duplicate join finished on its thread: a cached report is then out of date. */
export function onNearDuplicatesReady(listener: (campaignId: string) => void): void {
	readyListeners.push(listener);
}

/**
 * Up to this many votes the near-duplicate join runs inside the report (milliseconds to a second);
 * above, on its own thread without the report waiting. PICKWISE_QUALITY_INLINE_DUPLICATES overrides it
 * (tests use a small value to take the large-campaign path).
 */
function inlineDuplicates(): number {
	const v = Number(process.env.PICKWISE_QUALITY_INLINE_DUPLICATES);
	return Number.isInteger(v) && v >= 0 ? v : 20_000;
}

function startWorker(lane: Lane): Worker {
	// the report thread computes in the background; the query thread answers requests
	const w = spawn(MARKER, lane === reportLane);
	// a new thread holds no scores
	lane.scores.clear();
	const fail = (error: unknown) => {
		if (lane.worker === w) lane.worker = null;
		for (const job of lane.pending.values()) job.reject(error);
		lane.pending.clear();
	};
	w.on('message', (answer: Answer) => {
		if ('duplicatesReady' in answer) {
			for (const listener of readyListeners) listener(answer.duplicatesReady.campaignId);
			return;
		}
		const job = lane.pending.get(answer.id);
		lane.pending.delete(answer.id);
		// idle: let a process with nothing else to do exit
		if (lane.pending.size === 0) w.unref();
		if (!job) return;
		if (answer.ok) job.resolve(answer);
		else job.reject(new Error(`${lane.name}: ${answer.error}`));
	});
	w.on('error', fail);
	w.on('exit', (code) => fail(new Error(`${lane.name} exited (code ${code}) before answering`)));
	return w;
}

/**
 * Starts the report thread before its first job: a thread takes a few hundred ms to start (loading its
 * modules), which a large campaign's first report at start then does not wait for.
 */
export function startReportThread(): void {
	reportLane.worker ??= startWorker(reportLane);
}

/** Sends a job to a lane's thread (started on first use); its jobs start in arrival order. */
function send(lane: Lane, job: Unsent<Job>): Promise<Answer & { ok: true }> {
	lane.worker ??= startWorker(lane);
	const w = lane.worker;
	const id = nextId++;
	return new Promise((resolve, reject) => {
		lane.pending.set(id, { resolve, reject });
		// busy: keep the process alive until the answer is in
		w.ref();
		w.postMessage({ ...job, id } as Job);
	});
}

/**
 * The report computed by the worker thread from its own read-only connection to `file`. Jobs run one
 * at a time in arrival order (callers share one job per campaign and change: votes-cache.ts).
 */
export async function qualityInWorker(file: string, campaignId: string, save?: ReportJob['save']): Promise<CampaignQuality> {
	reportJobs++;
	const answer = await send(reportLane, { type: 'report', file, campaignId, inlineDuplicates: inlineDuplicates(), save });
	return unpack((answer as { report: PackedReport }).report);
}

/** A report an earlier process with the same report code saved (qualityInWorker's `save`), read on the query thread; null if none. */
export async function savedQuality(
	path: string,
	key: string
): Promise<{ quality: CampaignQuality; campaignId: string; savedAt: number; newestVoteId: string | null; sameCode: boolean } | null> {
	const answer = await send(queryLane, { type: 'load', path, key });
	const saved = (answer as { saved: Omit<SavedReport, 'key'> | null }).saved;
	return (
		saved && {
			quality: unpack(saved.report),
			campaignId: saved.campaignId,
			savedAt: saved.savedAt,
			newestVoteId: saved.newestVoteId,
			/** written by this report code (else by another build's, of the same layout) */
			sameCode: saved.code === REPORT_CODE
		}
	);
}

/**
 * A page of the audit queue, matched, scored and ordered on the query thread (audit/queue.ts): the match
 * query runs on that thread's connection and the order reads the scores of `risks` — the report the
 * caller serves, sent to the thread before its first page — so the event loop neither runs the search
 * nor sorts thousands of votes, and the page does not wait for a report being computed.
 */
export async function riskPageInWorker(file: string, campaignId: string, request: RiskPageRequest, risks: RiskIndex): Promise<RiskPage> {
	const key = `${file}\0${campaignId}`;
	if (queryLane.scores.get(key) !== risks) {
		// copied, not transferred: the main thread keeps its report (about 10 MB at 200,000 votes, a memcpy)
		void send(queryLane, { type: 'scores', file, campaignId, ...risks.packedScores() }).catch(() => queryLane.scores.delete(key));
		queryLane.scores.set(key, risks);
	}
	const answer = await send(queryLane, { type: 'page', file, campaignId, ...request });
	return (answer as { page: RiskPage }).page;
}

/** The rows of a read-only query compiled on the main thread, read on the query thread's connection to `file`. */
export async function rowsInWorker<R>(file: string, query: { sql: string; parameters: readonly unknown[] }): Promise<R[]> {
	const answer = await send(queryLane, { type: 'rows', file, sql: query.sql, parameters: query.parameters });
	return (answer as { rows: R[] }).rows;
}

/**
 * Keeps the report thread busy until the returned function is called, as a report of a large campaign
 * does for seconds (for tests: pages and reads must not wait for it). Resolves once the thread is held.
 */
export function holdReportThread(): { held: Promise<void>; release: () => void } {
	const signal = new Int32Array(new SharedArrayBuffer(8));
	void send(reportLane, { type: 'hold', signal: signal.buffer as SharedArrayBuffer }).catch(() => {});
	const held = (async () => {
		// the thread says so in signal[1] before it blocks
		while (Atomics.load(signal, 1) === 0) await new Promise((r) => setTimeout(r, 10));
	})();
	return {
		held,
		release: () => {
			Atomics.store(signal, 0, 1);
			Atomics.notify(signal, 0);
		}
	};
}

/** Reports computed by the worker since the process started (for tests). */
export function workerJobs(): number {
	return reportJobs;
}
