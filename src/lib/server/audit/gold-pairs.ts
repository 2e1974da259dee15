// The gold pairs page: a campaign's gold pairs with how evaluators have answered each so far, and a
// lead's edits (expected answer, explanation) and removals. Marking a pair as gold stays in
// voting/gold-and-repeats.ts (addGoldPair), next to where gold pairs are handed out.
import type { Kysely } from 'kysely';
import type { Campaign, Choice, Database } from '../db/schema.ts';
import { AppError, invalid } from '../errors.ts';
import { requireOpen } from '../campaigns/campaigns.ts';
import { writeAudit } from '../audit-log.ts';
import { CHOICES } from '../voting/submit-vote.ts';
import { forgetQuality } from './evaluator-quality.ts';

const FLIP: Record<Choice, Choice> = { left: 'right', right: 'left', tie: 'tie', both_bad: 'both_bad' };

export interface GoldPairRow {
	id: string;
	prompt: string;
	left: { imageId: string; imageUrl: string; system: string };
	right: { imageId: string; imageUrl: string; system: string };
	expected: Choice;
	explanation: string;
	createdAt: number;
	/** Answers given on gold assignments of this pair (either side order), and how many matched. */
	answers: number;
	matching: number;
}

/**
 * Every gold pair of the campaign, newest first, with its accuracy so far: the votes cast on a gold
 * assignment of this pair (as the quality report scores them: any status, sides matched whichever way
 * the evaluator saw them) and how many chose the expected answer.
 */
export async function listGoldPairs(db: Kysely<Database>, campaign: Campaign): Promise<GoldPairRow[]> {
	const pairs = await db
		.selectFrom('gold_pair')
		.innerJoin('image as li', 'li.id', 'gold_pair.left_image_id')
		.innerJoin('image as ri', 'ri.id', 'gold_pair.right_image_id')
		.innerJoin('system as ls', 'ls.id', 'li.system_id')
		.innerJoin('system as rs', 'rs.id', 'ri.system_id')
		.innerJoin('prompt', 'prompt.id', 'li.prompt_id')
		.select([
			'gold_pair.id',
			'gold_pair.left_image_id',
			'gold_pair.right_image_id',
			'gold_pair.expected_choice',
			'gold_pair.explanation',
			'gold_pair.created_at',
			'ls.name as left_system',
			'rs.name as right_system',
			'prompt.text as prompt'
		])
		.where('gold_pair.campaign_id', '=', campaign.id)
		.orderBy('gold_pair.created_at', 'desc')
		.orderBy('gold_pair.id')
		.execute();
	const answers = pairs.length
		? await db
				.selectFrom('vote')
				.select(['left_image_id', 'right_image_id', 'choice'])
				.where('campaign_id', '=', campaign.id)
				.where('kind', '=', 'gold')
				.execute()
		: [];
	const tally = new Map<string, { answers: number; matching: number }>();
	const byPair = new Map(pairs.map((p) => [`${p.left_image_id}|${p.right_image_id}`, p]));
	for (const a of answers) {
		const straight = byPair.get(`${a.left_image_id}|${a.right_image_id}`);
		const gold = straight ?? byPair.get(`${a.right_image_id}|${a.left_image_id}`);
		if (!gold) continue;
		const choice = straight ? a.choice : FLIP[a.choice];
		const t = tally.get(gold.id) ?? { answers: 0, matching: 0 };
		t.answers++;
		if (choice === gold.expected_choice) t.matching++;
		tally.set(gold.id, t);
	}
	return pairs.map((p) => ({
		id: p.id,
		prompt: p.prompt,
		left: { imageId: p.left_image_id, imageUrl: `/i/${p.left_image_id}`, system: p.left_system },
		right: { imageId: p.right_image_id, imageUrl: `/i/${p.right_image_id}`, system: p.right_system },
		expected: p.expected_choice,
		explanation: p.explanation,
		createdAt: p.created_at,
		answers: tally.get(p.id)?.answers ?? 0,
		matching: tally.get(p.id)?.matching ?? 0
	}));
}

async function requireGoldPair(db: Kysely<Database>, campaign: Campaign, idInput: unknown) {
	const id = typeof idInput === 'string' ? idInput : '';
	const gold = id
		? await db.selectFrom('gold_pair').selectAll().where('id', '=', id).where('campaign_id', '=', campaign.id).executeTakeFirst()
		: undefined;
	if (!gold) throw new AppError(404, 'not_found', 'this gold pair does not exist (any more)', 'id');
	return gold;
}

/** A lead changes a gold pair's expected answer (sides as stored) or its explanation. */
export async function editGoldPair(
	db: Kysely<Database>,
	campaign: Campaign,
	input: { id: unknown; expected: unknown; explanation?: unknown },
	actorId: string
): Promise<void> {
	requireOpen(campaign);
	if (typeof input.expected !== 'string' || !(CHOICES as readonly string[]).includes(input.expected))
		throw invalid('expected', `expected must be one of ${CHOICES.join(', ')}`);
	const explanation = input.explanation === undefined || input.explanation === null ? '' : String(input.explanation).trim();
	if (explanation.length > 2000) throw invalid('explanation', 'explanation can be at most 2000 characters');
	const gold = await requireGoldPair(db, campaign, input.id);
	await db.transaction().execute(async (trx) => {
		await trx
			.updateTable('gold_pair')
			.set({ expected_choice: input.expected as Choice, explanation })
			.where('id', '=', gold.id)
			.execute();
		await writeAudit(trx, {
			actorId,
			action: 'gold.edit',
			subject: campaign.id,
			detail: { id: gold.id, from: gold.expected_choice, expected: input.expected }
		});
	});
	// evaluators' gold accuracy is scored against the expected answer
	forgetQuality(campaign.id);
}

/** A lead removes a gold pair: its past answers are no longer scored, and it is not handed out again. */
export async function removeGoldPair(db: Kysely<Database>, campaign: Campaign, idInput: unknown, actorId: string): Promise<void> {
	requireOpen(campaign);
	const gold = await requireGoldPair(db, campaign, idInput);
	await db.transaction().execute(async (trx) => {
		await trx.deleteFrom('gold_pair').where('id', '=', gold.id).execute();
		await writeAudit(trx, {
			actorId,
			action: 'gold.remove',
			subject: campaign.id,
			detail: { id: gold.id, left: gold.left_image_id, right: gold.right_image_id, expected: gold.expected_choice }
		});
	});
	forgetQuality(campaign.id);
}
