// Leases of image pairs to evaluators, chosen by the campaign's in-memory PairScheduler. One
// scheduler per campaign per process: rebuilt from the database when images change or a vote is undone.
import type { Kysely } from 'kysely';
import type { Assignment, Campaign, Database } from '../db/schema.ts';
import { PairScheduler } from '../../scheduling/index.ts';
import { AppError } from '../errors.ts';
import { randomId } from '../ids.ts';
import { syncSqlite } from '../db/index.ts';
import { batchedWrite } from '../db/write-batch.ts';
import { hotQuery } from '../db/hot-query.ts';
import type { ApiAssignment, ApiImage } from '../../api-types.ts';
import { onVotesChanged } from '../votes-changed.ts';
import { heldSpecialAssignment, issueSpecialAssignment } from './gold-and-repeats.ts';

interface Cached {
	scheduler: PairScheduler;
	imageCount: number;
	checkedAt: number;
	/** the strategy and settings it was built with: a lead's change on the manage page rebuilds it */
	strategyKey: string;
}

const strategyKey = (campaign: Campaign) => `${campaign.strategy}\n${campaign.settings}`;

const schedulers = new Map<string, Promise<Cached>>();
/** Leases the scheduler has issued whose row is not committed yet (by lease id). */
const pendingLeases = new Map<string, Promise<unknown>>();
/** How often a cached scheduler checks for images imported by another process (the CLI). */
const IMAGE_RECHECK_MS = 5000;

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
				'probability'
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
	const scheduler = new PairScheduler({
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
		assignments: assignments
			.filter((a) => shown.has(a.left_image_id) && shown.has(a.right_image_id))
			.map((a) => ({
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
		strategy: campaign.strategy,
		strategySettings: settings
	});
	return { scheduler, imageCount: images.length, checkedAt: Date.now(), strategyKey: strategyKey(campaign) };
}

export async function schedulerFor(db: Kysely<Database>, campaign: Campaign): Promise<PairScheduler> {
	let pending = schedulers.get(campaign.id);
	if (!pending) {
		pending = buildScheduler(db, campaign);
		schedulers.set(campaign.id, pending);
		pending.catch(() => schedulers.delete(campaign.id));
	}
	const cached = await pending;
	if (cached.strategyKey !== strategyKey(campaign)) {
		if (schedulers.get(campaign.id) === pending) forgetScheduler(campaign.id);
		return schedulerFor(db, campaign);
	}
	if (Date.now() - cached.checkedAt > IMAGE_RECHECK_MS) {
		cached.checkedAt = Date.now();
		if ((await imageCount(db, campaign.id)) !== cached.imageCount) {
			forgetScheduler(campaign.id);
			return schedulerFor(db, campaign);
		}
	}
	return cached.scheduler;
}

export function forgetScheduler(campaignId: string): void {
	schedulers.delete(campaignId);
}

// votes removed or restored (an undo, a review, an import): the scheduler's counts are rebuilt from
// the database; appended votes it learns itself (castVote calls recordVote)
onVotesChanged(({ campaignId, kind }) => {
	if (kind === 'history') forgetScheduler(campaignId);
});

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
const ASSIGNMENT_BY_ID = hotQuery('leases.assignment', ['id'], (db, { id }: { id: string }) =>
	db.selectFrom('assignment').selectAll().where('id', '=', id)
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
	const scheduler = await schedulerFor(db, campaign);
	const held = scheduler.openLeases(userId, now).find((l) => !exclude.includes(String(l.id)));
	let assignment: Assignment;
	const special = held ? null : ((await heldSpecialAssignment(db, campaign.id, userId, exclude, now)) ?? null);
	if (special) {
		assignment = special;
	} else if (held) {
		// a lease issued a moment ago may still wait for its group commit: read it after that
		await pendingLeases.get(String(held.id))?.catch(() => undefined);
		const row = await ASSIGNMENT_BY_ID.first(db, { id: String(held.id) });
		if (!row) {
			scheduler.release(held.id, { forget: true });
			return nextAssignment(db, campaign, userId, quota, exclude, now);
		}
		assignment = row;
	} else {
		// gold pairs and hidden repeats count toward the quota like any pair
		const done = quota === null ? scheduler.answeredBy(userId) : await countAnswered(db, campaign.id, userId);
		if (quota !== null && done + scheduler.openLeases(userId, now).length >= quota) return null;
		const mixedIn = await issueSpecialAssignment(db, campaign, userId, now);
		if (mixedIn) return describeAssignment(db, mixedIn);
		// issue() is synchronous: no other request can take the same pair before the insert below.
		const lease = scheduler.issue(userId, { now, id: randomId(), quota, done });
		if (!lease) return null;
		assignment = {
			id: String(lease.id),
			campaign_id: campaign.id,
			user_id: userId,
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
	}
	return describeAssignment(db, assignment);
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
