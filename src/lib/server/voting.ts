// What the voting page and the JSON API call: the vote service plus the scheduler's bookkeeping.
import type { Kysely } from 'kysely';
import type { Campaign, Database } from './db/schema.ts';
import { countsInRankings, moveStoredVote, submitVote, type VoteInput } from './votes.ts';
import { describeAssignment, forgetScheduler, schedulerFor } from './assignments.ts';
import { AppError } from './errors.ts';
import { writeAudit } from './audit.ts';
import { DEFAULT_LEASE_MS } from '../scheduling/index.ts';
import { campaignSettings } from './campaigns.ts';
import { historyChanged } from './elo.ts';
import { goldExpectation } from './special-pairs.ts';

export const UNDO_WINDOW_MS = 30_000;

export interface GoldFeedback {
	expected: string;
	explanation: string;
}

export async function castVote(db: Kysely<Database>, campaign: Campaign, userId: string, input: VoteInput) {
	const result: Awaited<ReturnType<typeof submitVote>> & { feedback?: GoldFeedback } = await submitVote(db, userId, campaign, input);
	if (result.created) {
		const scheduler = await schedulerFor(db, campaign);
		scheduler.recordVote({
			assignmentId: result.vote.assignment_id,
			userId,
			leftImageId: result.vote.left_image_id,
			rightImageId: result.vote.right_image_id,
			counted: countsInRankings(result.vote.kind)
		});
		// a gold miss can be explained to the evaluator, after the vote (campaign setting)
		if (result.vote.kind === 'gold' && campaignSettings(campaign).goldFeedback) {
			const gold = await goldExpectation(db, campaign.id, result.vote.left_image_id, result.vote.right_image_id);
			if (gold && gold.expected !== result.vote.choice) result.feedback = gold;
		}
	}
	return result;
}

/**
 * `POST /api/v1/campaigns/{slug}/votes` from its parsed JSON body: the status and the payload of
 * §5 (201 with the new vote's id, 200 with the stored vote when the vote_id came before).
 */
export async function castVoteFromJson(db: Kysely<Database>, campaign: Campaign, userId: string, body: unknown) {
	if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new AppError(400, 'invalid', 'the body must be a JSON object');
	const input = body as Record<string, unknown>;
	const { created, vote, feedback } = await castVote(db, campaign, userId, {
		voteId: input.vote_id,
		assignmentId: input.assignment_id,
		choice: input.choice,
		rationale: input.rationale,
		flags: input.flags,
		criteria: input.criteria,
		activeMs: input.active_ms
	});
	const payload = created
		? { vote_id: vote.id, ...(feedback ? { feedback } : {}) }
		: { vote_id: vote.id, vote: { assignment_id: vote.assignment_id, choice: vote.choice, rationale: vote.rationale, flags: JSON.parse(vote.flags), submitted_at: new Date(vote.submitted_at).toISOString() } };
	return { status: created ? 201 : 200, payload };
}

/**
 * Takes back the evaluator's own vote within 30 seconds (before any review): the vote leaves the
 * counts in the same transaction and its pair comes back to the evaluator.
 */
export async function undoVote(db: Kysely<Database>, campaign: Campaign, userId: string, voteId: string, now = Date.now()) {
	const assignment = await db.transaction().execute(async (trx) => {
		const vote = await trx.selectFrom('vote').selectAll().where('id', '=', voteId).executeTakeFirst();
		if (!vote || vote.campaign_id !== campaign.id) throw new AppError(404, 'not_found', 'vote not found', 'vote_id');
		if (vote.user_id !== userId) throw new AppError(403, 'forbidden', 'only your own votes can be undone', 'vote_id');
		if (now - vote.submitted_at > UNDO_WINDOW_MS) throw new AppError(410, 'expired', 'a vote can only be undone within 30 seconds', 'vote_id');
		const reviewed = await trx.selectFrom('review').select('id').where('vote_id', '=', voteId).executeTakeFirst();
		if (reviewed) throw new AppError(409, 'conflict', 'this vote was already reviewed', 'vote_id');
		if (vote.status === 'counted') await moveStoredVote(trx, vote, -1);
		await trx.deleteFrom('vote_criterion').where('vote_id', '=', voteId).execute();
		await trx.deleteFrom('vote').where('id', '=', voteId).execute();
		const expiresAt = now + DEFAULT_LEASE_MS;
		await trx.updateTable('assignment').set({ answered_at: null, expires_at: expiresAt }).where('id', '=', vote.assignment_id).execute();
		await writeAudit(trx, { actorId: userId, action: 'vote.undo', subject: voteId, detail: { assignmentId: vote.assignment_id, choice: vote.choice } });
		return trx.selectFrom('assignment').selectAll().where('id', '=', vote.assignment_id).executeTakeFirstOrThrow();
	});
	// The lease is open again: the scheduler learns it from the database; Elo starts again.
	forgetScheduler(campaign.id);
	historyChanged(campaign.id);
	return describeAssignment(db, assignment);
}
