// The one vote service: form action, JSON API, demo seeding and tests all submit through here.
// A vote, its criterion choices, the assignment's answer and pair_stat commit in one transaction;
// the client's vote_id makes retries idempotent.
import { rationaleFacts } from '../../quality/rationale-facts.ts';
import { sql, type Insertable, type Kysely, type Transaction } from 'kysely';
import type SQLite from 'better-sqlite3';
import type { Campaign, Choice, Database, Vote, VoteMarkTable, VoteMissingTable, VoteTagTable } from '../db/schema.ts';
import { isPostgres, isUniqueViolation, syncSqlite } from '../db/index.ts';
import { hotQuery } from '../db/hot-query.ts';
import { batchedWrite } from '../db/write-batch.ts';
import { AppError, invalid } from '../errors.ts';
import { countsInRankings, pairStatChange, upsertPairStat, upsertPairStatSync, type PairStatChange } from './pair-stat.ts';
import { campaignSettings } from '../campaigns/campaigns.ts';
import { parseMarks, parseMissing, parseTags, promptElements, tagCredit, type Parsed } from '../../marks.ts';

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
	/** Region marks, missing prompt elements and reason tags (src/lib/marks.ts has the shape). */
	marks?: unknown;
	missing?: unknown;
	tags?: unknown;
	activeMs?: unknown;
	/**
	 * The guidelines version the evaluator had on screen (the page sends it): the vote records what
	 * was read, not what a lead saved meanwhile. Absent (API scripts, seeding): the current version.
	 */
	guidelinesVersion?: unknown;
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
export async function submitVote(
	db: Kysely<Database>,
	userId: string,
	campaign: Campaign,
	input: VoteInput,
	now = Date.now(),
	/** PostgreSQL: the assignment as the scheduler knows it open (leases.ts openLeaseForVote), not read again */
	known?: AssignmentForVote
): Promise<SubmitResult> {
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

	const guidelinesVersion = readGuidelinesVersion(input.guidelinesVersion);

	const request: VoteRequest = {
		voteId,
		guidelinesVersion,
		assignmentId,
		choice: choice as Choice,
		rationale,
		activeMs,
		flags: input.flags,
		criteria: input.criteria,
		marks: input.marks,
		missing: input.missing,
		tags: input.tags,
		simulated: Boolean(input.simulated)
	};
	try {
		// SQLite: prepared statements run synchronously (no await inside, so no other request can
		// interleave), committed with the other writes of this turn (db/write-batch.ts);
		// PostgreSQL: the same queries in a Kysely transaction.
		const sqlite = syncSqlite(db);
		if (sqlite) {
			return await batchedWrite(sqlite, () => {
				const plan = planVote(readVoteContextSync(sqlite, campaignId, request), campaign, userId, request, now);
				if ('replay' in plan) return { created: false, vote: plan.replay };
				applyVoteSync(sqlite, plan);
				return { created: true, vote: plan.vote };
			});
		}
		if (isPostgres(db)) {
			// the reads outside a transaction, then every write in one statement that stores nothing
			// unless the pair is still open: two round trips instead of eight (docs/multi-instance.md)
			const plan = planVote(await readVoteContext(db, campaignId, request, known), campaign, userId, request, now);
			if ('replay' in plan) return { created: false, vote: plan.replay };
			if (await applyVoteAtOnce(db, plan)) return { created: true, vote: plan.vote };
			// answered or skipped between the read and the write (a retry racing its first try, another
			// tab): judged again below, which finds the stored vote or says why not
		}
		return await db.transaction().execute(async (trx) => {
			const plan = planVote(await readVoteContext(trx, campaignId, request), campaign, userId, request, now);
			if ('replay' in plan) return { created: false, vote: plan.replay };
			await applyVote(trx, plan);
			return { created: true, vote: plan.vote };
		});
	} catch (e) {
		// the vote_id is the primary key: taken by a vote for another pair
		if (isUniqueViolation(e)) throw new AppError(409, 'conflict', 'this vote_id was already used for another vote', 'vote_id');
		throw e;
	}
}

/** A vote request whose fields have their types (flags and criteria are checked against the campaign). */
interface VoteRequest {
	voteId: string;
	guidelinesVersion: number | null;
	assignmentId: string;
	choice: Choice;
	rationale: string;
	activeMs: number | null;
	flags: unknown;
	criteria: unknown;
	marks: unknown;
	missing: unknown;
	tags: unknown;
	simulated: boolean;
}

// The queries of a vote, written once: run as prepared statements on SQLite, by Kysely on PostgreSQL.

/** The assignment with both images' systems and the prompt, in one query. */
const ASSIGNMENT_FOR_VOTE = hotQuery('vote.assignment', ['id'], (db, { id }: { id: string }) =>
	db
		.selectFrom('assignment')
		.innerJoin('image as l', 'l.id', 'assignment.left_image_id')
		.innerJoin('image as r', 'r.id', 'assignment.right_image_id')
		.selectAll('assignment')
		.select(['l.system_id as left_system_id', 'r.system_id as right_system_id', 'l.prompt_id as prompt_id'])
		.where('assignment.id', '=', id)
);
const VOTE_BY_ID = hotQuery('vote.by-id', ['id'], (db, { id }: { id: string }) => db.selectFrom('vote').selectAll().where('id', '=', id));
const FLAG_KINDS = hotQuery('vote.flag-kinds', ['campaign_id'], (db, { campaign_id }: { campaign_id: string }) =>
	db.selectFrom('flag_kind').select('key').where('campaign_id', '=', campaign_id)
);
const CRITERIA = hotQuery('vote.criteria', ['campaign_id'], (db, { campaign_id }: { campaign_id: string }) =>
	db.selectFrom('criterion').select(['id', 'key']).where('campaign_id', '=', campaign_id)
);
const VOTE_COLUMNS = [
	'id',
	'assignment_id',
	'campaign_id',
	'user_id',
	'prompt_id',
	'left_image_id',
	'right_image_id',
	'left_system_id',
	'right_system_id',
	'kind',
	'choice',
	'rationale',
	'flags',
	'guidelines_version',
	'shown_at',
	'submitted_at',
	'active_ms',
	'status',
	'simulated',
	'probability',
	'rationale_facts'
] as const;
const INSERT_VOTE = hotQuery('vote.insert', VOTE_COLUMNS, (db, vote: Vote) => db.insertInto('vote').values(vote));
const INSERT_CRITERION = hotQuery('vote.insert-criterion', ['vote_id', 'criterion_id', 'choice'], (db, row: VoteCriterionRow) =>
	db.insertInto('vote_criterion').values(row)
);
const MARK_ANSWERED = hotQuery(
	'vote.mark-answered',
	['id', 'answered_at'],
	(db, { id, answered_at }: { id: string; answered_at: number }) => db.updateTable('assignment').set({ answered_at }).where('id', '=', id)
);

const PROMPT_TEXT = hotQuery('vote.prompt-text', ['id'], (db, { id }: { id: string }) =>
	db.selectFrom('prompt').select('text').where('id', '=', id)
);
const INSERT_MARK = hotQuery(
	'vote.insert-mark',
	['vote_id', 'campaign_id', 'side', 'position', 'kind', 'x', 'y', 'w', 'h'],
	(db, row: VoteMarkRow) => db.insertInto('vote_mark').values(row)
);
const INSERT_MISSING = hotQuery('vote.insert-missing', ['vote_id', 'campaign_id', 'side', 'element'], (db, row: VoteMissingRow) =>
	db.insertInto('vote_missing').values(row)
);
const INSERT_TAG = hotQuery('vote.insert-tag', ['vote_id', 'campaign_id', 'tag'], (db, row: VoteTagRow) =>
	db.insertInto('vote_tag').values(row)
);

type VoteMarkRow = Insertable<VoteMarkTable> & { w: number; h: number };
type VoteMissingRow = Insertable<VoteMissingTable>;
type VoteTagRow = Insertable<VoteTagTable>;
export type AssignmentForVote = NonNullable<Awaited<ReturnType<typeof ASSIGNMENT_FOR_VOTE.first>>>;
type Criterion = { id: string; key: string };
type VoteCriterionRow = { vote_id: string; criterion_id: string; choice: Choice };

/** What deciding a vote needs from the database. */
interface VoteContext {
	assignment: AssignmentForVote | undefined;
	/** The vote stored under this vote_id; read only when the assignment was already answered. */
	existing: Vote | undefined;
	/** The campaign's flag kinds and criteria; read only when the request names some. */
	flagKinds: string[];
	criteria: Criterion[];
	/** The pair's prompt text; read only when the request names missing elements. */
	promptText: string;
}

/** Which reads beyond the assignment the request needs (the same for both databases). */
function contextReads(assignment: AssignmentForVote | undefined, request: VoteRequest) {
	const open = assignment !== undefined && assignment.answered_at === null;
	return {
		existing: assignment !== undefined && assignment.answered_at !== null,
		flagKinds: open && (hasFlags(request.flags) || hasList(request.marks)),
		criteria: open && hasCriteria(request.criteria),
		promptText: open && hasMissing(request.missing)
	};
}

function readVoteContextSync(sqlite: SQLite.Database, campaignId: string, request: VoteRequest): VoteContext {
	const assignment = ASSIGNMENT_FOR_VOTE.firstSync(sqlite, { id: request.assignmentId });
	const reads = contextReads(assignment, request);
	return {
		assignment,
		existing: reads.existing ? VOTE_BY_ID.firstSync(sqlite, { id: request.voteId }) : undefined,
		flagKinds: reads.flagKinds ? FLAG_KINDS.allSync(sqlite, { campaign_id: campaignId }).map((k) => k.key) : [],
		criteria: reads.criteria ? CRITERIA.allSync(sqlite, { campaign_id: campaignId }) : [],
		promptText: reads.promptText ? (PROMPT_TEXT.firstSync(sqlite, { id: assignment!.prompt_id })?.text ?? '') : ''
	};
}

async function readVoteContext(
	trx: Kysely<Database>,
	campaignId: string,
	request: VoteRequest,
	known?: AssignmentForVote
): Promise<VoteContext> {
	const assignment = known?.id === request.assignmentId ? known : await ASSIGNMENT_FOR_VOTE.first(trx, { id: request.assignmentId });
	const reads = contextReads(assignment, request);
	return {
		assignment,
		existing: reads.existing ? await VOTE_BY_ID.first(trx, { id: request.voteId }) : undefined,
		flagKinds: reads.flagKinds ? (await FLAG_KINDS.all(trx, { campaign_id: campaignId })).map((k) => k.key) : [],
		criteria: reads.criteria ? await CRITERIA.all(trx, { campaign_id: campaignId }) : [],
		promptText: reads.promptText ? ((await PROMPT_TEXT.first(trx, { id: assignment!.prompt_id }))?.text ?? '') : ''
	};
}

/** What storing a vote writes. */
interface VoteWrites {
	vote: Vote;
	criteria: VoteCriterionRow[];
	answered: { id: string; answered_at: number };
	pairStat: PairStatChange[];
	marks: VoteMarkRow[];
	missing: VoteMissingRow[];
	tags: VoteTagRow[];
}

/**
 * The rules of storing one vote, written once and pure: from what was read, the writes (or the
 * stored vote, for a retry of the vote that answered the assignment); an AppError when the vote is refused.
 */
function planVote(
	context: VoteContext,
	campaign: Campaign,
	userId: string,
	request: VoteRequest,
	now: number
): VoteWrites | { replay: Vote } {
	const campaignId = campaign.id;
	const { voteId, assignmentId, choice, rationale, activeMs } = request;
	const { assignment } = context;
	if (!assignment || assignment.campaign_id !== campaignId) throw new AppError(404, 'not_found', 'assignment not found', 'assignment_id');
	if (assignment.user_id !== userId) throw new AppError(403, 'forbidden', 'this assignment belongs to another evaluator', 'assignment_id');
	if (assignment.answered_at !== null) {
		// a retry of the vote that answered it gets that vote back; anything else is a conflict
		const { existing } = context;
		if (existing && existing.user_id === userId && existing.assignment_id === assignmentId) return { replay: existing };
		throw new AppError(409, 'conflict', 'this pair was already answered', 'assignment_id');
	}
	if (assignment.skipped_at !== null) throw new AppError(409, 'conflict', 'this pair was skipped', 'assignment_id');
	if (assignment.expires_at <= now) throw new AppError(410, 'expired', 'this pair expired; load the next one', 'assignment_id');
	if (campaign.status !== 'active') throw new AppError(409, 'campaign_not_active', `the campaign is ${campaign.status}`);
	if (choice === 'tie' && !campaign.allow_tie) throw invalid('choice', 'this campaign does not allow ties');
	if (choice === 'both_bad' && !campaign.allow_both_bad) throw invalid('choice', 'this campaign does not allow "both bad"');
	// reason tags first: when the campaign lets them count toward the rationale, the minimum below needs them
	const settings = hasList(request.tags) ? campaignSettings(campaign) : null;
	const tags = settings ? accept(parseTags(request.tags, settings.reasonTags)) : [];
	const credit = settings?.tagsCountTowardRationale ? tagCredit(tags, settings.reasonTags) : 0;
	// the rule as it is now, even if the page was opened under a lower minimum: the page takes the
	// minimum from this refusal (cast-vote.ts adds the rules to it), so counter and message agree
	if (rationale.length + credit < campaign.rationale_min_chars) {
		const tagged = credit ? ` and your tags count for ${credit}` : '';
		throw invalid(
			'rationale',
			`Write at least ${campaign.rationale_min_chars} characters on why (you wrote ${rationale.length}${tagged}).`
		);
	}
	// versions are numbered 1, 2, … as they are saved: anything else was never on anyone's screen
	if (request.guidelinesVersion !== null && request.guidelinesVersion > campaign.guidelines_version) {
		throw invalid(
			'guidelines_version',
			`guidelines_version must be a version of this campaign's guidelines (1 to ${campaign.guidelines_version})`
		);
	}
	if (rationale.length > RATIONALE_MAX) throw invalid('rationale', `The rationale can be at most ${RATIONALE_MAX} characters.`);
	const flags = hasFlags(request.flags) ? validateFlags(context.flagKinds, request.flags) : { left: [], right: [] };
	const criteria = hasCriteria(request.criteria) ? validateCriteria(context.criteria, campaign, request.criteria) : [];
	const marks = hasList(request.marks) ? accept(parseMarks(request.marks, context.flagKinds)) : [];
	const missing = hasMissing(request.missing)
		? accept(parseMissing(request.missing, promptElements(context.promptText, campaignSettings(campaign).promptPhrases)))
		: { left: [], right: [] };

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
		// what the quality report reads of the text, read once now (lib/quality rationale-facts.ts)
		rationale_facts: rationaleFacts(rationale),
		flags: JSON.stringify(flags),
		guidelines_version: request.guidelinesVersion ?? campaign.guidelines_version,
		shown_at: assignment.issued_at,
		submitted_at: now,
		active_ms: activeMs === null ? null : Math.round(activeMs),
		status: 'counted',
		simulated: request.simulated ? 1 : 0,
		probability: assignment.probability
	};
	const pairStat = countsInRankings(vote.kind)
		? [pairStatChange(vote, 'overall', vote.choice, +1), ...criteria.map((c) => pairStatChange(vote, c.key, c.choice, +1))].filter(
				(c) => c !== null
			)
		: [];
	return {
		vote,
		criteria: criteria.map((c) => ({ vote_id: voteId, criterion_id: c.id, choice: c.choice })),
		answered: { id: assignment.id, answered_at: now },
		pairStat,
		// position = order of placement on that image, 1, 2, …
		marks: marks.map((m, i) => ({
			vote_id: voteId,
			campaign_id: campaignId,
			position: marks.slice(0, i + 1).filter((o) => o.side === m.side).length,
			...m
		})),
		missing: (['left', 'right'] as const).flatMap((side) =>
			missing[side].map((element) => ({ vote_id: voteId, campaign_id: campaignId, side, element }))
		),
		tags: tags.map((tag) => ({ vote_id: voteId, campaign_id: campaignId, tag }))
	};
}

/** SQLite, inside the batchedWrite job. */
function applyVoteSync(sqlite: SQLite.Database, writes: VoteWrites): void {
	INSERT_VOTE.runSync(sqlite, writes.vote);
	for (const row of writes.criteria) INSERT_CRITERION.runSync(sqlite, row);
	for (const row of writes.marks) INSERT_MARK.runSync(sqlite, row);
	for (const row of writes.missing) INSERT_MISSING.runSync(sqlite, row);
	for (const row of writes.tags) INSERT_TAG.runSync(sqlite, row);
	MARK_ANSWERED.runSync(sqlite, writes.answered);
	for (const change of writes.pairStat) upsertPairStatSync(sqlite, change);
}

/** PostgreSQL (or SQLite inside a Kysely transaction). */
async function applyVote(trx: Transaction<Database>, writes: VoteWrites): Promise<void> {
	await INSERT_VOTE.run(trx, writes.vote);
	for (const row of writes.criteria) await INSERT_CRITERION.run(trx, row);
	for (const row of writes.marks) await INSERT_MARK.run(trx, row);
	for (const row of writes.missing) await INSERT_MISSING.run(trx, row);
	for (const row of writes.tags) await INSERT_TAG.run(trx, row);
	await MARK_ANSWERED.run(trx, writes.answered);
	for (const change of writes.pairStat) await upsertPairStat(trx, change);
}

/**
 * PostgreSQL: the writes of a vote as one statement (data-modifying CTEs, atomic as any statement):
 * the assignment is marked answered only if it is still open, and the vote, its criteria, marks,
 * missing elements, tags and pair_stat counts are written only if it was. False when the pair was
 * not open any more (nothing written). The rows travel as JSON, typed by the tables' own row types
 * (jsonb_populate_record), so one statement text serves every vote whatever it carries.
 */
async function applyVoteAtOnce(db: Kysely<Database>, writes: VoteWrites): Promise<boolean> {
	const columns = (names: readonly string[], from?: string) => sql.join(names.map((n) => (from ? sql.ref(`${from}.${n}`) : sql.ref(n))));
	/** `insert into table (columns) select columns from the JSON rows`, only when the vote is stored. */
	const rows = (name: string, table: keyof Database, names: readonly string[], list: object[]) =>
		list.length === 0
			? sql``
			: sql`, ${sql.ref(name)} as (insert into ${sql.table(table)} (${columns(names)}) select ${columns(names, 'r')} from jsonb_populate_recordset(null::${sql.table(table)}, ${JSON.stringify(list)}::jsonb) as r where exists (select 1 from stored))`;
	const pairStat = writes.pairStat.map((c) => c.row);
	const result = await sql<{ stored: number }>`with answered as (
		update assignment set answered_at = ${writes.answered.answered_at}
		where id = ${writes.answered.id} and answered_at is null and skipped_at is null returning id
	), stored as (
		insert into vote (${columns(VOTE_COLUMNS)})
		select ${columns(VOTE_COLUMNS, 'r')} from jsonb_populate_record(null::vote, ${JSON.stringify(writes.vote)}::jsonb) as r
		where exists (select 1 from answered) returning id
	)${rows('criteria', 'vote_criterion', ['vote_id', 'criterion_id', 'choice'], writes.criteria)}${rows('marks', 'vote_mark', INSERT_MARK.keys, writes.marks)}${rows('missing', 'vote_missing', INSERT_MISSING.keys, writes.missing)}${rows('tags', 'vote_tag', INSERT_TAG.keys, writes.tags)}${
		pairStat.length === 0
			? sql``
			: sql`, counts as (insert into pair_stat (${columns(PAIR_STAT_COLUMNS)})
		select ${columns(PAIR_STAT_COLUMNS, 'r')} from jsonb_populate_recordset(null::pair_stat, ${JSON.stringify(pairStat)}::jsonb) as r
		where exists (select 1 from stored)
		on conflict (campaign_id, criterion, system_a, system_b) do update set
		a_wins = pair_stat.a_wins + excluded.a_wins, b_wins = pair_stat.b_wins + excluded.b_wins,
		ties = pair_stat.ties + excluded.ties, both_bad = pair_stat.both_bad + excluded.both_bad)`
	}
	select count(*)::int as stored from stored`.execute(db);
	return Number(result.rows[0]?.stored) === 1;
}

const PAIR_STAT_COLUMNS = ['campaign_id', 'criterion', 'system_a', 'system_b', 'a_wins', 'b_wins', 'ties', 'both_bad'] as const;

function readGuidelinesVersion(raw: unknown): number | null {
	if (raw === undefined || raw === null) return null;
	const version = typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : raw;
	if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
		throw invalid('guidelines_version', 'guidelines_version must be the whole number of a guidelines version (1, 2, …)');
	}
	return version;
}

function hasFlags(raw: unknown): boolean {
	if (raw === undefined || raw === null) return false;
	if (typeof raw !== 'object' || Array.isArray(raw)) return true; // validateFlags says what is wrong
	return !(
		Object.values(raw).every((keys) => Array.isArray(keys) && keys.length === 0) &&
		Object.keys(raw).every((k) => k === 'left' || k === 'right')
	);
}

function validateFlags(known: string[], raw: unknown): { left: string[]; right: string[] } {
	if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
		throw invalid('flags', 'flags must be an object {"left":[…],"right":[…]}');
	const kinds = new Set(known);
	const result = { left: [] as string[], right: [] as string[] };
	for (const [side, keys] of Object.entries(raw as Record<string, unknown>)) {
		if (side !== 'left' && side !== 'right') throw invalid('flags', `flags has an unknown side '${side}' (use left and right)`);
		if (!Array.isArray(keys)) throw invalid('flags', `flags.${side} must be a list of flag keys`);
		for (const key of keys) {
			if (typeof key !== 'string' || !kinds.has(key))
				throw invalid('flags', `unknown flag '${String(key)}' (known: ${[...kinds].join(', ')})`);
			if (!result[side].includes(key)) result[side].push(key);
		}
	}
	return result;
}

/** An empty list (or none) needs no reads: `[]` is what a page with nothing marked sends. */
function hasList(raw: unknown): boolean {
	return raw !== undefined && raw !== null && !(Array.isArray(raw) && raw.length === 0);
}

function hasMissing(raw: unknown): boolean {
	if (raw === undefined || raw === null) return false;
	if (typeof raw !== 'object' || Array.isArray(raw)) return true; // parseMissing says what is wrong
	return !Object.entries(raw).every(([side, list]) => (side === 'left' || side === 'right') && Array.isArray(list) && list.length === 0);
}

/** A parse of src/lib/marks.ts: its value, or the 400 naming its field. */
function accept<T>(parsed: Parsed<T>): T {
	if (!parsed.ok) throw invalid(parsed.field, parsed.message);
	return parsed.value;
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
	if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
		throw invalid('criteria', 'criteria must be an object {"key":"left|right|tie|both_bad"}');
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
