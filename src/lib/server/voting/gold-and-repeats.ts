// Gold pairs and hidden repeats for one evaluator: the candidates from the database, the choice
// from lib/scheduling, the lease as an assignment row (kind gold or repeat).
import { sql, type Kysely } from 'kysely';
import { hotQuery } from '../db/hot-query.ts';
import type { Assignment, Campaign, Choice, Database } from '../db/schema.ts';
import { chooseSpecialPair } from '../../scheduling/index.ts';
import { DEFAULT_LEASE_MS } from '../../scheduling/index.ts';
import { AppError, invalid } from '../errors.ts';
import { randomId } from '../ids.ts';
import { campaignSettings, requireOpen } from '../campaigns/campaigns.ts';
import { writeAudit } from '../audit-log.ts';
import { CHOICES } from './submit-vote.ts';

const pairKey = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);

/**
 * The evaluator's open gold and repeat leases: rarely more than two (the pair on screen and the
 * one prefetched), so the caller's exclusions are applied here rather than as an `in (…)` list.
 * The literal 'normal' (not a parameter) lets both databases use the partial index of migration 0003.
 */
const OPEN_SPECIAL_LEASES = hotQuery(
	'gold-and-repeats.open-special-leases',
	['campaign_id', 'user_id', 'now'],
	(db, p: { campaign_id: string; user_id: string; now: number }) =>
		db
			.selectFrom('assignment')
			.selectAll()
			.where('campaign_id', '=', p.campaign_id)
			.where('user_id', '=', p.user_id)
			.where('kind', '<>', sql.lit('normal'))
			.where('answered_at', 'is', null)
			.where('skipped_at', 'is', null)
			.where('expires_at', '>', p.now)
);

/** An open gold or repeat lease the evaluator already holds (after a reload, say), not one of `exclude`. */
export async function heldSpecialAssignment(
	db: Kysely<Database>,
	campaignId: string,
	userId: string,
	exclude: string[],
	now: number
): Promise<Assignment | undefined> {
	const open = await OPEN_SPECIAL_LEASES.all(db, { campaign_id: campaignId, user_id: userId, now });
	return open.find((a) => !exclude.includes(a.id));
}

/**
 * At the campaign's rates, a new gold or repeat assignment for the evaluator; null for a normal pair.
 * `issueSeq`: on PostgreSQL with several instances, the lease number it takes (leases.ts).
 */
export async function issueSpecialAssignment(
	db: Kysely<Database>,
	campaign: Campaign,
	userId: string,
	now: number,
	random: () => number = Math.random,
	{ issueSeq = null, leaseMs = DEFAULT_LEASE_MS }: { issueSeq?: number | null; leaseMs?: number } = {}
): Promise<Assignment | null> {
	const { goldRate, repeatRate } = campaignSettings(campaign);
	const draw = random();
	if (draw >= goldRate + repeatRate) return null;
	const mine = await db
		.selectFrom('assignment')
		.select(['id', 'left_image_id', 'right_image_id', 'kind', 'answered_at'])
		.where('campaign_id', '=', campaign.id)
		.where('user_id', '=', userId)
		.orderBy('issued_at')
		.execute();
	const goldSeen = new Set(mine.filter((a) => a.kind === 'gold').map((a) => pairKey(a.left_image_id, a.right_image_id)));
	const repeated = new Set(mine.filter((a) => a.kind === 'repeat').map((a) => pairKey(a.left_image_id, a.right_image_id)));
	const gold =
		draw < goldRate
			? (
					await db
						.selectFrom('gold_pair')
						.select(['id', 'left_image_id', 'right_image_id'])
						.where('campaign_id', '=', campaign.id)
						.execute()
				)
					.filter((g) => !goldSeen.has(pairKey(g.left_image_id, g.right_image_id)))
					.map((g) => ({ goldId: g.id, leftImageId: g.left_image_id, rightImageId: g.right_image_id }))
			: [];
	const repeats = mine
		.filter((a) => a.kind === 'normal' && a.answered_at !== null && !repeated.has(pairKey(a.left_image_id, a.right_image_id)))
		.map((a) => ({ assignmentId: a.id, leftImageId: a.left_image_id, rightImageId: a.right_image_id }));
	let first = true;
	const rng = () => (first ? ((first = false), draw) : random());
	const pick = chooseSpecialPair({ goldRate, repeatRate, rng, gold, repeats });
	if (!pick) return null;
	const assignment: Assignment = {
		id: randomId(),
		campaign_id: campaign.id,
		user_id: userId,
		left_image_id: pick.leftImageId,
		right_image_id: pick.rightImageId,
		kind: pick.kind,
		issued_at: now,
		expires_at: now + leaseMs,
		answered_at: null,
		skipped_at: null,
		skip_reason: null,
		probability: null
	};
	await db
		.insertInto('assignment')
		.values(issueSeq === null ? assignment : { ...assignment, issue_seq: issueSeq })
		.execute();
	return assignment;
}

/** The expected answer of a gold vote as the evaluator saw the sides, or null when it was no gold pair. */
export async function goldExpectation(db: Kysely<Database>, campaignId: string, leftImageId: string, rightImageId: string) {
	const gold = await db
		.selectFrom('gold_pair')
		.selectAll()
		.where('campaign_id', '=', campaignId)
		.where((eb) =>
			eb.or([
				eb.and([eb('left_image_id', '=', leftImageId), eb('right_image_id', '=', rightImageId)]),
				eb.and([eb('left_image_id', '=', rightImageId), eb('right_image_id', '=', leftImageId)])
			])
		)
		.executeTakeFirst();
	if (!gold) return null;
	const swapped = gold.left_image_id !== leftImageId;
	const flip: Record<Choice, Choice> = { left: 'right', right: 'left', tie: 'tie', both_bad: 'both_bad' };
	return { expected: swapped ? flip[gold.expected_choice] : gold.expected_choice, explanation: gold.explanation };
}

/** A lead marks a pair as gold with the expected choice (sides as given) and why. */
export async function addGoldPair(
	db: Kysely<Database>,
	campaign: Campaign,
	input: { leftImageId: unknown; rightImageId: unknown; expected: unknown; explanation?: unknown },
	actorId: string | null
) {
	requireOpen(campaign);
	const left = String(input.leftImageId ?? '');
	const right = String(input.rightImageId ?? '');
	if (typeof input.expected !== 'string' || !(CHOICES as readonly string[]).includes(input.expected))
		throw invalid('expected', `expected must be one of ${CHOICES.join(', ')}`);
	const explanation = input.explanation === undefined || input.explanation === null ? '' : String(input.explanation).trim();
	if (explanation.length > 2000) throw invalid('explanation', 'explanation can be at most 2000 characters');
	if (left === right) throw invalid('right_image_id', 'a gold pair needs two different images');
	const images = await db
		.selectFrom('image')
		.select(['id', 'prompt_id'])
		.where('campaign_id', '=', campaign.id)
		.where('id', 'in', [left, right])
		.execute();
	if (images.length !== 2)
		throw new AppError(
			404,
			'not_found',
			'both images must belong to this campaign',
			images.some((i) => i.id === left) ? 'right_image_id' : 'left_image_id'
		);
	if (images[0].prompt_id !== images[1].prompt_id) throw invalid('right_image_id', 'a gold pair shows two images of the same prompt');
	const existing = await goldExpectation(db, campaign.id, left, right);
	if (existing) throw new AppError(409, 'exists', 'this pair is already a gold pair', 'left_image_id');
	const id = randomId();
	await db.transaction().execute(async (trx) => {
		await trx
			.insertInto('gold_pair')
			.values({
				id,
				campaign_id: campaign.id,
				left_image_id: left,
				right_image_id: right,
				expected_choice: input.expected as Choice,
				explanation,
				created_at: Date.now()
			})
			.execute();
		await writeAudit(trx, { actorId, action: 'gold.add', subject: campaign.id, detail: { id, left, right, expected: input.expected } });
	});
	return { id };
}
