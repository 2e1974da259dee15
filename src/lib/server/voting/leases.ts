// Leases of image pairs to evaluators, chosen by the campaign's in-memory PairScheduler. One
// scheduler per campaign per process: rebuilt from the database when images change or a vote is undone.
//
// Several instances on one PostgreSQL (docs/multi-instance.md): a lease is issued while the instance
// holds the campaign's advisory lock (pg_advisory_xact_lock), after its scheduler caught up on the
// leases the others issued (each numbered by `issue_seq` under that lock) and on the votes and skips
// they stored for leases it knows. So one campaign has one order of issues across instances; the
// in-memory scheduler stays the one that chooses. SQLite (one instance) takes none of these steps.
import { sql, type Kysely } from 'kysely';
import type { Assignment, AssignmentKind, Campaign, Choice, Database } from '../db/schema.ts';
import { DEFAULT_LEASE_MS, type Lease } from '../../scheduling/index.ts';
import { AppError } from '../errors.ts';
import { randomId } from '../ids.ts';
import { ADVISORY_LOCK, isPostgres, syncSqlite } from '../db/index.ts';
import { batchedWrite } from '../db/write-batch.ts';
import { hotQuery } from '../db/hot-query.ts';
import type { ApiAssignment, ApiImage } from '../../api-types.ts';
import { onVotesChanged } from '../votes-changed.ts';
import { heldSpecialAssignment, issueSpecialAssignment } from './gold-and-repeats.ts';
import { countsInRankings } from './pair-stat.ts';
import { SharedScheduler, type ForeignLease } from './shared-scheduler.ts';
import type { AssignmentForVote } from './submit-vote.ts';

interface Cached {
	scheduler: SharedScheduler;
	imageCount: number;
	checkedAt: number;
	/** the strategy and settings it was built with: a lead's change on the manage page rebuilds it */
	strategyKey: string;
	/** PostgreSQL: the highest lease number (issue_seq) taken in */
	seq: number;
	/** PostgreSQL: when the open leases' votes and skips were last read */
	polledAt: number;
}

const strategyKey = (campaign: Campaign) => `${campaign.strategy}\n${campaign.settings}`;

const schedulers = new Map<string, Promise<Cached>>();
/** The built schedulers of `schedulers`, for what needs one without waiting (openLeaseForVote). */
const ready = new Map<string, Cached>();
/** Leases the scheduler has issued whose row is not committed yet (by lease id). */
const pendingLeases = new Map<string, Promise<unknown>>();
/** How often a cached scheduler checks for images imported by another process (the CLI). */
const IMAGE_RECHECK_MS = 5000;
/**
 * PostgreSQL: how often (at most) an issue reads the votes and skips other instances stored for the
 * leases this one knows open. They only move the balance a little until read (the pair stays
 * counted as leased), so not at every issue.
 */
const POLL_MS = 250;
/** A lease may be answered until its expiry by an instance whose clock runs a little behind. */
const EXPIRY_GRACE_MS = 60_000;

/**
 * How long a lease lasts: `LEASE_SECONDS` (default 600). Short only in tests of expiry (the
 * multi-instance test kills an instance and waits for its leases to lapse).
 */
export function leaseMs(env: NodeJS.ProcessEnv = process.env): number {
	const seconds = Number(env.LEASE_SECONDS);
	return env.LEASE_SECONDS && Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds * 1000) : DEFAULT_LEASE_MS;
}

async function imageCount(db: Kysely<Database>, campaignId: string): Promise<number> {
	const row = await db
		.selectFrom('image')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('campaign_id', '=', campaignId)
		.where('format', '!=', 'none')
		.where('system_id', 'not in', (eb) =>
			eb.selectFrom('system').select('id').where('campaign_id', '=', campaignId).where('retired_at', 'is not', null)
		)
		.executeTakeFirstOrThrow();
	return Number(row.n);
}

async function buildScheduler(db: Kysely<Database>, campaign: Campaign): Promise<Cached> {
	// PostgreSQL: one snapshot, so the highest lease number matches the rows read
	if (isPostgres(db))
		return db
			.transaction()
			.setIsolationLevel('repeatable read')
			.execute((trx) => readScheduler(trx, campaign, true));
	return readScheduler(db, campaign, false);
}

async function readScheduler(db: Kysely<Database>, campaign: Campaign, shared: boolean): Promise<Cached> {
	const now = Date.now();
	const [images, stats, assignments] = await Promise.all([
		// placeholders of imported battles are never shown
		db
			.selectFrom('image')
			.select(['id', 'prompt_id', 'system_id'])
			.where('campaign_id', '=', campaign.id)
			.where('format', '!=', 'none')
			// retired systems get no new pairs (their votes stay in the results)
			.where('system_id', 'not in', (eb) =>
				eb.selectFrom('system').select('id').where('campaign_id', '=', campaign.id).where('retired_at', 'is not', null)
			)
			.execute(),
		db.selectFrom('pair_stat').selectAll().where('campaign_id', '=', campaign.id).where('criterion', '=', 'overall').execute(),
		db
			.selectFrom('assignment')
			.select([
				'id',
				'user_id',
				'left_image_id',
				'right_image_id',
				'kind',
				'issued_at',
				'expires_at',
				'answered_at',
				'skipped_at',
				'probability',
				'issue_seq'
			])
			.where('campaign_id', '=', campaign.id)
			.execute()
	]);
	let settings: Record<string, unknown> = {};
	try {
		settings = JSON.parse(campaign.settings);
	} catch {
		/* a broken settings json falls back to defaults */
	}
	const shown = new Set(images.map((i) => i.id));
	const known = assignments.filter((a) => shown.has(a.left_image_id) && shown.has(a.right_image_id));
	const scheduler = new SharedScheduler(
		{
			images: images.map((i) => ({ id: i.id, promptId: i.prompt_id, systemId: i.system_id })),
			comparisons: stats.map((s) => ({
				systemA: s.system_a,
				systemB: s.system_b,
				count: s.a_wins + s.b_wins + s.ties + s.both_bad,
				aWins: s.a_wins,
				bWins: s.b_wins,
				ties: s.ties,
				bothBad: s.both_bad
			})),
			assignments: known.map((a) => ({
				id: a.id,
				userId: a.user_id,
				leftImageId: a.left_image_id,
				rightImageId: a.right_image_id,
				kind: a.kind,
				issuedAt: a.issued_at,
				expiresAt: a.expires_at,
				// a skipped pair is no open lease, but stays seen by its evaluator
				answered: a.answered_at !== null || a.skipped_at !== null,
				probability: a.probability
			})),
			now,
			leaseMs: leaseMs(),
			strategy: campaign.strategy,
			strategySettings: settings
		},
		shared
	);
	let seq = 0;
	for (const a of assignments) {
		if (a.issue_seq !== null) seq = Math.max(seq, Number(a.issue_seq));
		if (shared && a.answered_at === null && a.skipped_at === null && a.expires_at > now - EXPIRY_GRACE_MS)
			scheduler.track(a.id, a.expires_at);
	}
	return { scheduler, imageCount: images.length, checkedAt: Date.now(), strategyKey: strategyKey(campaign), seq, polledAt: now };
}

async function cachedFor(db: Kysely<Database>, campaign: Campaign): Promise<Cached> {
	let pending = schedulers.get(campaign.id);
	if (!pending) {
		pending = buildScheduler(db, campaign);
		schedulers.set(campaign.id, pending);
		pending.catch(() => schedulers.get(campaign.id) === pending && schedulers.delete(campaign.id));
	}
	const cached = await pending;
	if (schedulers.get(campaign.id) === pending) ready.set(campaign.id, cached);
	if (cached.strategyKey !== strategyKey(campaign)) {
		if (schedulers.get(campaign.id) === pending) forgetScheduler(campaign.id);
		return cachedFor(db, campaign);
	}
	if (Date.now() - cached.checkedAt > IMAGE_RECHECK_MS) {
		cached.checkedAt = Date.now();
		if ((await imageCount(db, campaign.id)) !== cached.imageCount) {
			if (schedulers.get(campaign.id) === pending) forgetScheduler(campaign.id);
			return cachedFor(db, campaign);
		}
	}
	return cached;
}

export async function schedulerFor(db: Kysely<Database>, campaign: Campaign): Promise<SharedScheduler> {
	return (await cachedFor(db, campaign)).scheduler;
}

export function forgetScheduler(campaignId: string): void {
	schedulers.delete(campaignId);
	ready.delete(campaignId);
}

/** The assignment row of a lease the scheduler just issued or still holds open. */
function openAssignment(campaignId: string, lease: Lease): Assignment {
	return {
		id: String(lease.id),
		campaign_id: campaignId,
		user_id: lease.userId,
		left_image_id: lease.leftImageId,
		right_image_id: lease.rightImageId,
		kind: lease.kind,
		issued_at: lease.issuedAt,
		expires_at: lease.expiresAt,
		answered_at: null,
		skipped_at: null,
		skip_reason: null,
		// the chance the scheduler drew this system pair (adaptive): the vote weighs 1/P in the rankings
		probability: lease.probability
	};
}

/**
 * PostgreSQL: an open lease as this instance's scheduler knows it (issued here or taken in from
 * another instance), in the shape the vote service reads from the database, so a vote for it needs
 * no read before its write. What it gives never changes while the lease is open (evaluator, images,
 * systems, prompt, kind, times); whether it is still open, the vote's one statement checks as it
 * writes (submit-vote.ts). Undefined when this instance does not know it open: the vote reads it.
 */
export function openLeaseForVote(campaignId: string, assignmentId: string): AssignmentForVote | undefined {
	const scheduler = ready.get(campaignId)?.scheduler;
	const lease = scheduler?.lease(assignmentId);
	if (!scheduler || !lease) return undefined;
	const { index } = scheduler;
	const system = (imageId: string) => {
		const i = index.imageOf(imageId);
		return i < 0 ? undefined : index.systemIds[index.imageSystem[i]];
	};
	const left = system(lease.leftImageId);
	const right = system(lease.rightImageId);
	if (left === undefined || right === undefined) return undefined;
	return {
		...openAssignment(campaignId, lease),
		// not read by the vote
		issue_seq: null,
		left_system_id: left,
		right_system_id: right,
		prompt_id: lease.promptId
	};
}

// votes removed or restored (an undo, a review, an import), here or on another instance (the change
// feed, db/change-feed.ts): the scheduler's counts are rebuilt from the database; appended votes it
// learns itself (castVote calls recordVote; other instances' votes: the catch-up below)
onVotesChanged(({ campaignId, kind }) => {
	if (kind !== 'history') return;
	if (campaignId === '*') {
		schedulers.clear();
		ready.clear();
	} else forgetScheduler(campaignId);
});

// ---- several instances on PostgreSQL ----

/** Waits for (and holds until the transaction ends) the campaign's lease lock. */
async function lockCampaignLeases(trx: Kysely<Database>, campaignId: string): Promise<void> {
	await sql`select pg_advisory_xact_lock(${ADVISORY_LOCK.campaignLeases}, hashtext(${campaignId}))`.execute(trx);
}

/** What catching up reads of a lease (assignment a, its vote v): one list for both reads. */
const LEASE_STATE_COLUMNS = [
	'a.id',
	'a.user_id',
	'a.left_image_id',
	'a.right_image_id',
	'a.kind',
	'a.issued_at',
	'a.expires_at',
	'a.answered_at',
	'a.skipped_at',
	'a.probability',
	'v.choice'
] as const;

/**
 * Under the campaign's lease lock: takes in every lease issued since the highest number known (by
 * any instance, in the order they were issued), and, at most every POLL_MS, the votes and skips
 * stored by other instances for the leases known open.
 */
async function catchUp(trx: Kysely<Database>, cached: Cached, campaignId: string, now: number): Promise<void> {
	const { scheduler } = cached;
	const rows = await trx
		.selectFrom('assignment as a')
		.leftJoin('vote as v', 'v.assignment_id', 'a.id')
		.select([...LEASE_STATE_COLUMNS, 'a.issue_seq'])
		.where('a.campaign_id', '=', campaignId)
		.where('a.issue_seq', '>', cached.seq)
		.orderBy('a.issue_seq')
		.execute();
	for (const row of rows) {
		cached.seq = Math.max(cached.seq, Number(row.issue_seq));
		if (!scheduler.adopt(row)) {
			// an image this scheduler does not have (imported meanwhile): start again from the database
			cached.checkedAt = 0;
			continue;
		}
		settle(scheduler, row);
	}
	if (now - cached.polledAt >= POLL_MS) {
		cached.polledAt = now;
		const ids: string[] = [];
		for (const [id, expiresAt] of scheduler.watch) {
			if (expiresAt < now - EXPIRY_GRACE_MS) scheduler.watch.delete(id);
			else ids.push(id);
		}
		await refreshLeases(trx, scheduler, ids);
	}
}

type LeaseState = ForeignLease & { answered_at: number | null; skipped_at: number | null; choice: Choice | null };

/** Applies a vote or skip stored for a known lease (once: the scheduler ignores a second report). */
function settle(scheduler: SharedScheduler, row: LeaseState): void {
	if (scheduler.isSettled(row.id)) return;
	if (row.answered_at !== null && row.choice !== null) {
		scheduler.recordVote({
			assignmentId: row.id,
			userId: row.user_id,
			leftImageId: row.left_image_id,
			rightImageId: row.right_image_id,
			counted: countsInRankings(row.kind as AssignmentKind),
			choice: row.choice
		});
	} else if (row.skipped_at !== null) {
		scheduler.release(row.id);
	}
}

/** Reads the votes and skips stored (by any instance) for these leases and applies them. */
async function refreshLeases(db: Kysely<Database>, scheduler: SharedScheduler, ids: string[]): Promise<void> {
	for (let i = 0; i < ids.length; i += 500) {
		const rows = await db
			.selectFrom('assignment as a')
			.leftJoin('vote as v', 'v.assignment_id', 'a.id')
			.select(LEASE_STATE_COLUMNS)
			.where('a.id', 'in', ids.slice(i, i + 500))
			.where((eb) => eb.or([eb('a.answered_at', 'is not', null), eb('a.skipped_at', 'is not', null)]))
			.execute();
		for (const row of rows) settle(scheduler, row);
	}
}

export interface IssuedPair {
	assignment: Assignment;
	prompt: string;
	left: PublicImage;
	right: PublicImage;
}

/**
 * What an evaluator may know of an image before voting: a URL of this lease (never seen before, also
 * for a hidden repeat or a gold pair) and the size they see anyway. No format or byte count: the
 * campaign serves one format, and a file size would tell images apart.
 */
/** What an evaluator may know of an image before voting: the API's image shape. */
export type PublicImage = ApiImage;

const COUNT_ANSWERED = hotQuery('leases.count-answered', ['campaign_id', 'user_id'], (db, p: { campaign_id: string; user_id: string }) =>
	db
		.selectFrom('vote')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('campaign_id', '=', p.campaign_id)
		.where('user_id', '=', p.user_id)
);

export async function countAnswered(db: Kysely<Database>, campaignId: string, userId: string): Promise<number> {
	const row = await COUNT_ANSWERED.first(db, { campaign_id: campaignId, user_id: userId });
	return Number(row?.n ?? 0);
}

const ASSIGNMENT_COLUMNS = [
	'id',
	'campaign_id',
	'user_id',
	'left_image_id',
	'right_image_id',
	'kind',
	'issued_at',
	'expires_at',
	'answered_at',
	'skipped_at',
	'skip_reason',
	'probability'
] as const;
const INSERT_ASSIGNMENT = hotQuery('leases.insert-assignment', ASSIGNMENT_COLUMNS, (db, assignment: Assignment) =>
	db.insertInto('assignment').values(assignment)
);
/** A lease with the choice of its vote, if any: an answered lease is counted from the same read. */
const ASSIGNMENT_BY_ID = hotQuery('leases.assignment', ['id'], (db, { id }: { id: string }) =>
	db
		.selectFrom('assignment')
		.leftJoin('vote', 'vote.assignment_id', 'assignment.id')
		.selectAll('assignment')
		.select('vote.choice')
		.where('assignment.id', '=', id)
);

const DESCRIBE_IMAGES = hotQuery('leases.describe-images', ['left', 'right'], (db, { left, right }: { left: string; right: string }) =>
	db
		.selectFrom('image')
		.innerJoin('prompt', 'prompt.id', 'image.prompt_id')
		.select(['image.id', 'image.width', 'image.height', 'prompt.text'])
		.where('image.id', 'in', [left, right])
);
type DescribedImage = NonNullable<Awaited<ReturnType<typeof DESCRIBE_IMAGES.first>>>;

/** An image's row never changes once imported: every next pair reads two, so keep the recent ones. */
const described = new Map<string, DescribedImage>();
const DESCRIBED_MAX = 50_000;

async function describedImages(db: Kysely<Database>, leftId: string, rightId: string): Promise<[DescribedImage, DescribedImage]> {
	let left = described.get(leftId);
	let right = described.get(rightId);
	if (!left || !right) {
		for (const image of await DESCRIBE_IMAGES.all(db, { left: leftId, right: rightId })) {
			if (described.size >= DESCRIBED_MAX) described.delete(described.keys().next().value!);
			described.set(image.id, image);
		}
		left = described.get(leftId);
		right = described.get(rightId);
		if (!left || !right) throw new Error(`image ${left ? rightId : leftId} of an assignment is missing`);
	}
	return [left, right];
}

/** Reads (one query) the images not described yet among these, and keeps them. */
async function describeMany(db: Kysely<Database>, ids: string[]): Promise<void> {
	const missing = [...new Set(ids.filter((id) => !described.has(id)))];
	for (let i = 0; i < missing.length; i += 500) {
		const rows = await db
			.selectFrom('image')
			.innerJoin('prompt', 'prompt.id', 'image.prompt_id')
			.select(['image.id', 'image.width', 'image.height', 'prompt.text'])
			.where('image.id', 'in', missing.slice(i, i + 500))
			.execute();
		for (const image of rows) {
			if (described.size >= DESCRIBED_MAX) described.delete(described.keys().next().value!);
			described.set(image.id, image);
		}
	}
}

/**
 * The evaluator's next pair: an open lease they already hold (not in `exclude`, e.g. the pair on
 * screen while the page prefetches), else a newly issued one; null when none is left for them.
 */
export async function nextAssignment(
	db: Kysely<Database>,
	campaign: Campaign,
	userId: string,
	quota: number | null,
	exclude: string[] = [],
	now = Date.now()
): Promise<IssuedPair | null> {
	if (campaign.status !== 'active') throw new AppError(409, 'campaign_not_active', `the campaign is ${campaign.status}`);
	const cached = await cachedFor(db, campaign);
	if (!isPostgres(db)) {
		const chosen = await chooseLease(db, cached, campaign, userId, quota, exclude, now, null);
		return chosen && describeAssignment(db, chosen.assignment);
	}
	// a lease this evaluator already holds needs no lock. Gold pairs and hidden repeats are leases of
	// the scheduler here too (adopted when issued, here or by another instance: the catch-up under
	// the lock takes in the ones issued elsewhere since), so no query of its own for them.
	const held = await heldLease(db, cached.scheduler, userId, exclude, now);
	if (held) return describeAssignment(db, held);
	const chosen = await new Promise<Chosen | null>((resolve, reject) => {
		let queue = issueQueues.get(cached);
		if (!queue) issueQueues.set(cached, (queue = { requests: [], running: false }));
		queue.requests.push({ campaign, userId, quota, exclude, now, resolve, reject });
		if (!queue.running) void issueBatches(db, cached, queue);
	});
	return chosen && describeAssignment(db, chosen.assignment);
}

interface IssueRequest {
	campaign: Campaign;
	userId: string;
	quota: number | null;
	exclude: string[];
	now: number;
	resolve: (chosen: Chosen | null) => void;
	reject: (error: unknown) => void;
}

/**
 * PostgreSQL: the `next` requests of one campaign waiting on this instance. They are served in
 * batches, one lock and one catch-up per batch (as the group commit does for SQLite's writes): the
 * lock is what every instance waits for, so it is taken once for all the requests that arrived meanwhile.
 */
const issueQueues = new WeakMap<Cached, { requests: IssueRequest[]; running: boolean }>();

async function issueBatches(db: Kysely<Database>, cached: Cached, queue: { requests: IssueRequest[]; running: boolean }): Promise<void> {
	queue.running = true;
	try {
		while (queue.requests.length > 0) {
			const batch = queue.requests.splice(0);
			const issuing: Issuing = { ids: [], rows: new Map() };
			let results: (Chosen | null)[];
			try {
				results = await db.transaction().execute(async (trx) => {
					const campaignId = batch[0].campaign.id;
					await lockCampaignLeases(trx, campaignId);
					await catchUp(trx, cached, campaignId, Date.now());
					const out: (Chosen | null)[] = [];
					let seq = cached.seq + 1;
					for (const r of batch) {
						const chosen = await chooseLease(trx, cached, r.campaign, r.userId, r.quota, r.exclude, r.now, seq, issuing);
						if (chosen?.seq !== null && chosen?.seq !== undefined) seq++;
						out.push(chosen);
					}
					// the batch's new pairs in one statement (one round trip, not one per evaluator)
					if (issuing.rows.size > 0)
						await trx
							.insertInto('assignment')
							.values([...issuing.rows.values()])
							.execute();
					return out;
				});
			} catch (error) {
				// none of these leases reached the database (nor an evaluator): they never happened
				for (const id of issuing.ids) cached.scheduler.release(id, { forget: true });
				for (const r of batch) r.reject(error);
				continue;
			}
			// committed under the lock: the next number taken in is the one after the last
			for (const chosen of results) if (chosen?.seq) cached.seq = Math.max(cached.seq, chosen.seq);
			// the images of the batch's pairs read together (each request then finds them described)
			await describeMany(
				db,
				results.flatMap((c) => (c ? [c.assignment.left_image_id, c.assignment.right_image_id] : []))
			).catch(() => undefined);
			batch.forEach((r, i) => r.resolve(results[i]));
		}
	} finally {
		queue.running = false;
	}
}

interface Chosen {
	assignment: Assignment;
	/** PostgreSQL: the lease number of a newly issued lease */
	seq: number | null;
}

/**
 * PostgreSQL: the leases a batch issues inside its transaction, not committed yet (released if it
 * fails); `rows`: the new pairs, inserted together at the end of the batch.
 */
interface Issuing {
	ids: string[];
	rows: Map<string, Assignment & { issue_seq: number }>;
}

/** An open lease the evaluator holds, as stored (a vote or skip another instance stored is applied first). */
async function heldLease(
	db: Kysely<Database>,
	scheduler: SharedScheduler,
	userId: string,
	exclude: string[],
	now: number,
	unwritten?: Map<string, Assignment>
): Promise<Assignment | null> {
	for (;;) {
		const held = scheduler.openLeases(userId, now).find((l) => !exclude.includes(String(l.id)));
		if (!held) return null;
		// issued earlier in this batch (the same evaluator asked twice): its row is written with the batch
		const pending = unwritten?.get(String(held.id));
		if (pending) return pending;
		// a lease issued a moment ago may still wait for its group commit: read it after that
		await pendingLeases.get(String(held.id))?.catch(() => undefined);
		const found = await ASSIGNMENT_BY_ID.first(db, { id: String(held.id) });
		if (!found) {
			scheduler.release(held.id, { forget: true });
			continue;
		}
		const { choice, ...row } = found;
		if (row.answered_at === null && row.skipped_at === null) return row;
		// answered or skipped through another instance: count it, then look again
		settle(scheduler, { ...row, choice });
		scheduler.release(row.id);
	}
}

/**
 * The held lease, else a new gold pair or hidden repeat at the campaign's rates, else the
 * scheduler's choice, stored. `seq`: PostgreSQL, under the campaign's lease lock, the number the
 * new lease takes; null on SQLite.
 */
async function chooseLease(
	db: Kysely<Database>,
	cached: Cached,
	campaign: Campaign,
	userId: string,
	quota: number | null,
	exclude: string[],
	now: number,
	seq: number | null,
	issuing: Issuing = { ids: [], rows: new Map() }
): Promise<Chosen | null> {
	const { scheduler } = cached;
	const held = await heldLease(db, scheduler, userId, exclude, now, issuing.rows);
	if (held) return { assignment: held, seq: null };
	// PostgreSQL: looked up before the lock (a gold or repeat lease is only issued to the evaluator asking)
	const special = seq === null ? await heldSpecialAssignment(db, campaign.id, userId, exclude, now) : undefined;
	if (special) return { assignment: special, seq: null };
	// PostgreSQL: leases of this evaluator answered through another instance are not open any more
	if (seq !== null && quota !== null)
		await refreshLeases(
			db,
			scheduler,
			scheduler.openLeases(userId, now).map((l) => String(l.id))
		);
	// gold pairs and hidden repeats count toward the quota like any pair
	const done = quota === null ? scheduler.answeredBy(userId) : await countAnswered(db, campaign.id, userId);
	if (quota !== null && done + scheduler.openLeases(userId, now).length >= quota) return null;
	const mixedIn = await issueSpecialAssignment(db, campaign, userId, now, Math.random, { issueSeq: seq, leaseMs: leaseMs() });
	if (mixedIn) {
		if (seq === null) return { assignment: mixedIn, seq: null };
		// the other instances take it in from its number; this one now
		scheduler.adopt(mixedIn);
		issuing.ids.push(mixedIn.id);
		return { assignment: mixedIn, seq };
	}
	// issue() is synchronous: no other request can take the same pair before the insert below.
	const lease = scheduler.issue(userId, { now, id: randomId(), quota, done });
	if (!lease) return null;
	const assignment = openAssignment(campaign.id, lease);
	if (seq !== null) {
		issuing.ids.push(assignment.id);
		issuing.rows.set(assignment.id, { ...assignment, issue_seq: seq });
		scheduler.track(assignment.id, assignment.expires_at);
		return { assignment, seq };
	}
	try {
		const sqlite = syncSqlite(db);
		const insert = sqlite
			? batchedWrite(sqlite, () => INSERT_ASSIGNMENT.runSync(sqlite, assignment))
			: INSERT_ASSIGNMENT.run(db, assignment);
		pendingLeases.set(assignment.id, insert);
		try {
			await insert;
		} finally {
			pendingLeases.delete(assignment.id);
		}
	} catch (e) {
		scheduler.release(lease.id, { forget: true });
		throw e;
	}
	return { assignment, seq: null };
}

export async function describeAssignment(db: Kysely<Database>, assignment: Assignment): Promise<IssuedPair> {
	const images = await describedImages(db, assignment.left_image_id, assignment.right_image_id);
	const pub = (id: string, side: 'left' | 'right'): PublicImage => {
		const i = images.find((x) => x.id === id)!;
		return { image_url: `/i/a/${assignment.id}/${side}`, width: i.width, height: i.height };
	};
	return {
		assignment,
		prompt: images[0].text,
		left: pub(assignment.left_image_id, 'left'),
		right: pub(assignment.right_image_id, 'right')
	};
}

/** The JSON of `GET …/next`: ids and what the evaluator sees, nothing that names a system. */
export function assignmentJson(pair: IssuedPair): ApiAssignment {
	return {
		id: pair.assignment.id,
		prompt: pair.prompt,
		left: pair.left,
		right: pair.right,
		expires_at: new Date(pair.assignment.expires_at).toISOString()
	};
}

export async function skipAssignment(db: Kysely<Database>, campaign: Campaign, userId: string, assignmentId: string, reasonInput: unknown) {
	const reason = typeof reasonInput === 'string' ? reasonInput.trim() : '';
	if (!reason) throw new AppError(400, 'invalid', 'Say why you skip this pair.', 'reason');
	if (reason.length > 500) throw new AppError(400, 'invalid', 'The reason can be at most 500 characters.', 'reason');
	const row = await db.selectFrom('assignment').selectAll().where('id', '=', assignmentId).executeTakeFirst();
	if (!row || row.campaign_id !== campaign.id) throw new AppError(404, 'not_found', 'assignment not found', 'assignment_id');
	if (row.user_id !== userId) throw new AppError(403, 'forbidden', 'this assignment belongs to another evaluator', 'assignment_id');
	if (row.answered_at !== null) throw new AppError(409, 'conflict', 'this pair was already answered', 'assignment_id');
	if (row.skipped_at === null) {
		await db.updateTable('assignment').set({ skipped_at: Date.now(), skip_reason: reason }).where('id', '=', assignmentId).execute();
		(await schedulerFor(db, campaign)).release(assignmentId);
	}
}
