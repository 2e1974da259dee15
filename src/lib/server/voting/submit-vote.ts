// The one vote service: form action, JSON API, demo seeding and tests all submit through here.
// A vote, its criterion choices, the assignment's answer and pair_stat commit in one transaction;
// the client's vote_id makes retries idempotent.
import type { Kysely, Transaction } from 'kysely';
import type SQLite from 'better-sqlite3';
import type { Assignment, Campaign, Choice, Database, Vote } from '../db/schema.ts';
import { isUniqueViolation, syncSqlite } from '../db/index.ts';
import { batchedWrite } from '../db/write-batch.ts';
import { AppError, invalid } from '../errors.ts';
import { countsInRankings, pairStatChange, upsertPairStat, type PairStatChange, type PairStatColumn } from './pair-stat.ts';

export const CHOICES = ['left', 'right', 'tie', 'both_bad'] as const;
export const RATIONALE_MAX = 2000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface VoteInput {
	voteId: unknown;
	assignmentId: unknown;
	choice: unknown;
	rationale: unknown;
	/** Per-image problem flags: { left: [keys], right: [keys] }. */
	flags?: unknown;
	/** Per-criterion choices: { criterionKey: choice }. */
	criteria?: unknown;
	activeMs?: unknown;
	simulated?: boolean;
}

export interface SubmitResult {
	/** false when this vote_id was already stored: the stored vote is returned, nothing is counted twice. */
	created: boolean;
	vote: Vote;
}

/**
 * Stores one vote. `campaign` is the row loaded when the request was authorized; its rules (ties,
 * rationale length) apply as they were then.
 */
export async function submitVote(db: Kysely<Database>, userId: string, campaign: Campaign, input: VoteInput, now = Date.now()): Promise<SubmitResult> {
	const campaignId = campaign.id;
	const voteId = typeof input.voteId === 'string' && UUID.test(input.voteId) ? input.voteId.toLowerCase() : null;
	if (!voteId) throw invalid('vote_id', 'vote_id must be a UUID made by the client');
	if (typeof input.assignmentId !== 'string' || input.assignmentId.length === 0 || input.assignmentId.length > 64) {
		throw invalid('assignment_id', 'assignment_id is required');
	}
	const assignmentId = input.assignmentId;
	const choice = input.choice;
	if (typeof choice !== 'string' || !(CHOICES as readonly string[]).includes(choice)) {
		throw invalid('choice', `choice must be one of ${CHOICES.join(', ')}`);
	}
	if (typeof input.rationale !== 'string') throw invalid('rationale', 'rationale is required');
	const rationale = input.rationale.trim();
	const activeMs = input.activeMs === undefined || input.activeMs === null ? null : Number(input.activeMs);
	if (activeMs !== null && (!Number.isFinite(activeMs) || activeMs < 0 || activeMs > 86_400_000)) {
		throw invalid('active_ms', 'active_ms must be a number of milliseconds between 0 and one day');
	}

	const parsed = { voteId, assignmentId, choice: choice as Choice, rationale, activeMs };
	try {
		// SQLite: synchronous prepared statements (no query builder, no await inside, so no other
		// request can interleave), committed with the other writes of this turn (db/write-batch.ts);
		// PostgreSQL: a Kysely transaction.
		const sqlite = syncSqlite(db);
		if (sqlite) return await batchedWrite(sqlite, () => runSync(voteSteps(sqliteVoteStore(sqlite), userId, campaign, parsed, input, now)));
		return await db.transaction().execute((trx) => runAsync(voteSteps(kyselyVoteStore(trx), userId, campaign, parsed, input, now)));
	} catch (e) {
		// the vote_id is the primary key: taken by a vote for another pair
		if (isUniqueViolation(e)) throw new AppError(409, 'conflict', 'this vote_id was already used for another vote', 'vote_id');
		throw e;
	}
}

type AssignmentForVote = Assignment & { left_system_id: string; right_system_id: string; prompt_id: string };

/** What storing a vote reads and writes; a synchronous (SQLite) and an asynchronous (Kysely) version. */
interface VoteStore<W> {
	assignment(id: string): W | AssignmentForVote | undefined;
	vote(id: string): W | Vote | undefined;
	flagKinds(campaignId: string): W | string[];
	criteria(campaignId: string): W | { id: string; key: string }[];
	insertVote(vote: Vote): W | void;
	insertCriteria(rows: { vote_id: string; criterion_id: string; choice: Choice }[]): W | void;
	markAnswered(assignmentId: string, at: number): W | void;
	addToPairStat(change: PairStatChange): W | void;
}

type Steps<T> = Generator<unknown, T, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function runSync<T>(steps: Steps<T>): T {
	let step = steps.next();
	while (!step.done) {
		if (step.value instanceof Promise) throw new Error('a synchronous vote store returned a promise');
		step = steps.next(step.value);
	}
	return step.value;
}

async function runAsync<T>(steps: Steps<T>): Promise<T> {
	let step = steps.next();
	while (!step.done) step = steps.next(await step.value);
	return step.value;
}

/** The rules of storing one vote, written once: each `yield` is a read or write of the store. */
function* voteSteps(
	store: VoteStore<unknown>,
	userId: string,
	campaign: Campaign,
	{ voteId, assignmentId, choice, rationale, activeMs }: { voteId: string; assignmentId: string; choice: Choice; rationale: string; activeMs: number | null },
	input: VoteInput,
	now: number
): Steps<SubmitResult> {
	const campaignId = campaign.id;
	// the assignment with both images' systems and prompt, in one query
	const assignment: AssignmentForVote | undefined = yield store.assignment(assignmentId);
	if (!assignment || assignment.campaign_id !== campaignId) throw new AppError(404, 'not_found', 'assignment not found', 'assignment_id');
	if (assignment.user_id !== userId) throw new AppError(403, 'forbidden', 'this assignment belongs to another evaluator', 'assignment_id');
	if (assignment.answered_at !== null) {
		// a retry of the vote that answered it gets that vote back; anything else is a conflict
		const existing: Vote | undefined = yield store.vote(voteId);
		if (existing && existing.user_id === userId && existing.assignment_id === assignmentId) return { created: false, vote: existing };
		throw new AppError(409, 'conflict', 'this pair was already answered', 'assignment_id');
	}
	if (assignment.skipped_at !== null) throw new AppError(409, 'conflict', 'this pair was skipped', 'assignment_id');
	if (assignment.expires_at <= now) throw new AppError(410, 'expired', 'this pair expired; load the next one', 'assignment_id');
	if (campaign.status !== 'active') throw new AppError(409, 'campaign_not_active', `the campaign is ${campaign.status}`);
	if (choice === 'tie' && !campaign.allow_tie) throw invalid('choice', 'this campaign does not allow ties');
	if (choice === 'both_bad' && !campaign.allow_both_bad) throw invalid('choice', 'this campaign does not allow "both bad"');
	if (rationale.length < campaign.rationale_min_chars) {
		throw invalid('rationale', `Write at least ${campaign.rationale_min_chars} characters on why (you wrote ${rationale.length}).`);
	}
	if (rationale.length > RATIONALE_MAX) throw invalid('rationale', `The rationale can be at most ${RATIONALE_MAX} characters.`);
	const flags = hasFlags(input.flags) ? validateFlags(yield store.flagKinds(campaignId), input.flags) : { left: [], right: [] };
	const criteria = hasCriteria(input.criteria) ? validateCriteria(yield store.criteria(campaignId), campaign, input.criteria) : [];

	const vote: Vote = {
		id: voteId,
		assignment_id: assignment.id,
		campaign_id: campaignId,
		user_id: userId,
		prompt_id: assignment.prompt_id,
		left_image_id: assignment.left_image_id,
		right_image_id: assignment.right_image_id,
		left_system_id: assignment.left_system_id,
		right_system_id: assignment.right_system_id,
		kind: assignment.kind,
		choice,
		rationale,
		flags: JSON.stringify(flags),
		guidelines_version: campaign.guidelines_version,
		shown_at: assignment.issued_at,
		submitted_at: now,
		active_ms: activeMs === null ? null : Math.round(activeMs),
		status: 'counted',
		simulated: input.simulated ? 1 : 0
	};
	yield store.insertVote(vote);
	if (criteria.length) yield store.insertCriteria(criteria.map((c) => ({ vote_id: voteId, criterion_id: c.id, choice: c.choice })));
	yield store.markAnswered(assignment.id, now);
	if (countsInRankings(vote.kind)) {
		for (const change of [pairStatChange(vote, 'overall', vote.choice, +1), ...criteria.map((c) => pairStatChange(vote, c.key, c.choice, +1))]) {
			if (change) yield store.addToPairStat(change);
		}
	}
	return { created: true, vote };
}

const VOTE_COLUMNS = [
	'id', 'assignment_id', 'campaign_id', 'user_id', 'prompt_id', 'left_image_id', 'right_image_id', 'left_system_id', 'right_system_id',
	'kind', 'choice', 'rationale', 'flags', 'guidelines_version', 'shown_at', 'submitted_at', 'active_ms', 'status', 'simulated'
] as const;

const VOTE_SQL = {
	assignment: `select assignment.*, l.system_id as left_system_id, r.system_id as right_system_id, l.prompt_id as prompt_id
		from assignment join image l on l.id = assignment.left_image_id join image r on r.id = assignment.right_image_id where assignment.id = ?`,
	vote: 'select * from vote where id = ?',
	flagKinds: 'select key from flag_kind where campaign_id = ?',
	criteria: 'select id, key from criterion where campaign_id = ?',
	insertVote: `insert into vote (${VOTE_COLUMNS.join(', ')}) values (${VOTE_COLUMNS.map((c) => '@' + c).join(', ')})`,
	insertCriterion: 'insert into vote_criterion (vote_id, criterion_id, choice) values (@vote_id, @criterion_id, @choice)',
	markAnswered: 'update assignment set answered_at = ? where id = ?',
	// the column is one of four fixed names, never input
	upsert: Object.fromEntries(
		(['a_wins', 'b_wins', 'ties', 'both_bad'] as const).map((column) => [
			column,
			`insert into pair_stat (campaign_id, criterion, system_a, system_b, a_wins, b_wins, ties, both_bad)
			 values (@campaign_id, @criterion, @system_a, @system_b, @a_wins, @b_wins, @ties, @both_bad)
			 on conflict (campaign_id, criterion, system_a, system_b) do update set ${column} = ${column} + @delta`
		])
	) as Record<PairStatColumn, string>
};

/** Prepared statements, run synchronously (db/index.ts caches them by their text). */
function sqliteVoteStore(sqlite: SQLite.Database): VoteStore<never> {
	return {
		assignment: (id) => sqlite.prepare(VOTE_SQL.assignment).get(id) as AssignmentForVote | undefined,
		vote: (id) => sqlite.prepare(VOTE_SQL.vote).get(id) as Vote | undefined,
		flagKinds: (campaignId) => (sqlite.prepare(VOTE_SQL.flagKinds).all(campaignId) as { key: string }[]).map((k) => k.key),
		criteria: (campaignId) => sqlite.prepare(VOTE_SQL.criteria).all(campaignId) as { id: string; key: string }[],
		insertVote: (vote) => void sqlite.prepare(VOTE_SQL.insertVote).run(vote),
		insertCriteria: (rows) => rows.forEach((row) => sqlite.prepare(VOTE_SQL.insertCriterion).run(row)),
		markAnswered: (id, at) => void sqlite.prepare(VOTE_SQL.markAnswered).run(at, id),
		addToPairStat: (c) => void sqlite.prepare(VOTE_SQL.upsert[c.column]).run({ ...c.row, delta: c.delta })
	};
}

function kyselyVoteStore(trx: Transaction<Database>): VoteStore<Promise<unknown>> {
	return {
		assignment: (id) =>
			trx
				.selectFrom('assignment')
				.innerJoin('image as l', 'l.id', 'assignment.left_image_id')
				.innerJoin('image as r', 'r.id', 'assignment.right_image_id')
				.selectAll('assignment')
				.select(['l.system_id as left_system_id', 'r.system_id as right_system_id', 'l.prompt_id as prompt_id'])
				.where('assignment.id', '=', id)
				.executeTakeFirst(),
		vote: (id) => trx.selectFrom('vote').selectAll().where('id', '=', id).executeTakeFirst(),
		flagKinds: async (campaignId) => (await trx.selectFrom('flag_kind').select('key').where('campaign_id', '=', campaignId).execute()).map((k) => k.key),
		criteria: (campaignId) => trx.selectFrom('criterion').select(['id', 'key']).where('campaign_id', '=', campaignId).execute(),
		insertVote: (vote) => trx.insertInto('vote').values(vote).execute(),
		insertCriteria: (rows) => trx.insertInto('vote_criterion').values(rows).execute(),
		markAnswered: (id, at) => trx.updateTable('assignment').set({ answered_at: at }).where('id', '=', id).execute(),
		addToPairStat: (c) => upsertPairStat(trx, c)
	};
}

function hasFlags(raw: unknown): boolean {
	if (raw === undefined || raw === null) return false;
	if (typeof raw !== 'object' || Array.isArray(raw)) return true; // validateFlags says what is wrong
	return !(Object.values(raw).every((keys) => Array.isArray(keys) && keys.length === 0) && Object.keys(raw).every((k) => k === 'left' || k === 'right'));
}

function validateFlags(known: string[], raw: unknown): { left: string[]; right: string[] } {
	if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid('flags', 'flags must be an object {"left":[…],"right":[…]}');
	const kinds = new Set(known);
	const result = { left: [] as string[], right: [] as string[] };
	for (const [side, keys] of Object.entries(raw as Record<string, unknown>)) {
		if (side !== 'left' && side !== 'right') throw invalid('flags', `flags has an unknown side '${side}' (use left and right)`);
		if (!Array.isArray(keys)) throw invalid('flags', `flags.${side} must be a list of flag keys`);
		for (const key of keys) {
			if (typeof key !== 'string' || !kinds.has(key)) throw invalid('flags', `unknown flag '${String(key)}' (known: ${[...kinds].join(', ')})`);
			if (!result[side].includes(key)) result[side].push(key);
		}
	}
	return result;
}

function hasCriteria(raw: unknown): boolean {
	if (raw === undefined || raw === null) return false;
	return !(typeof raw === 'object' && !Array.isArray(raw) && Object.keys(raw).length === 0);
}

function validateCriteria(
	known: { id: string; key: string }[],
	campaign: { allow_tie: number; allow_both_bad: number },
	raw: unknown
): { id: string; key: string; choice: Choice }[] {
	if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid('criteria', 'criteria must be an object {"key":"left|right|tie|both_bad"}');
	const out: { id: string; key: string; choice: Choice }[] = [];
	for (const [key, choice] of Object.entries(raw as Record<string, unknown>)) {
		const criterion = known.find((c) => c.key === key);
		if (!criterion) throw invalid('criteria', `unknown criterion '${key}'`);
		if (choice === '' || choice === null || choice === undefined) continue;
		if (typeof choice !== 'string' || !(CHOICES as readonly string[]).includes(choice)) {
			throw invalid('criteria', `criterion '${key}' must be one of ${CHOICES.join(', ')}`);
		}
		if ((choice === 'tie' && !campaign.allow_tie) || (choice === 'both_bad' && !campaign.allow_both_bad)) {
			throw invalid('criteria', `criterion '${key}': ${choice} is not allowed in this campaign`);
		}
		out.push({ id: criterion.id, key, choice: choice as Choice });
	}
	return out;
}
