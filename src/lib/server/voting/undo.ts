// Undo: an evaluator takes back their own vote within 30 seconds, before any review.
import type { Kysely } from 'kysely';
import type { Campaign, Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { writeAudit } from '../audit-log.ts';
import { votesChanged } from '../votes-changed.ts';
import { moveStoredVote } from './pair-stat.ts';
import { describeAssignment, forgetScheduler, leaseMs } from './leases.ts';

export const UNDO_WINDOW_MS = 30_000;

/**
 * Takes back the evaluator's own vote within 30 seconds (before any review): the vote leaves the
 * counts in the same transaction and its pair comes back to the evaluator.
 */
export async function undoVote(db: Kysely<Database>, campaign: Campaign, userId: string, voteId: string, now = Date.now()) {
	const assignment = await db.transaction().execute(async (trx) => {
		const vote = await trx.selectFrom('vote').selectAll().where('id', '=', voteId).executeTakeFirst();
		if (!vote || vote.campaign_id !== campaign.id) throw new AppError(404, 'not_found', 'vote not found', 'vote_id');
		if (vote.user_id !== userId) throw new AppError(403, 'forbidden', 'only your own votes can be undone', 'vote_id');
		if (now - vote.submitted_at > UNDO_WINDOW_MS)
			throw new AppError(410, 'expired', 'a vote can only be undone within 30 seconds', 'vote_id');
		const reviewed = await trx.selectFrom('review').select('id').where('vote_id', '=', voteId).executeTakeFirst();
		if (reviewed) throw new AppError(409, 'conflict', 'this vote was already reviewed', 'vote_id');
		if (vote.status === 'counted') await moveStoredVote(trx, vote, -1);
		await trx.deleteFrom('vote_criterion').where('vote_id', '=', voteId).execute();
		// its marks, missing elements and tags go with it (explicitly: not every SQLite connection enforces the cascade)
		for (const table of ['vote_mark', 'vote_missing', 'vote_tag'] as const)
			await trx.deleteFrom(table).where('vote_id', '=', voteId).execute();
		await trx.deleteFrom('vote').where('id', '=', voteId).execute();
		// the pair is leased again for as long as any lease of this deployment (LEASE_SECONDS)
		const expiresAt = now + leaseMs();
		await trx.updateTable('assignment').set({ answered_at: null, expires_at: expiresAt }).where('id', '=', vote.assignment_id).execute();
		await writeAudit(trx, {
			actorId: userId,
			action: 'vote.undo',
			subject: voteId,
			detail: { assignmentId: vote.assignment_id, choice: vote.choice }
		});
		return trx.selectFrom('assignment').selectAll().where('id', '=', vote.assignment_id).executeTakeFirstOrThrow();
	});
	// The lease is open again: the scheduler learns it from the database (a lease, not a vote, so
	// said to the scheduler directly); the caches of this campaign's votes start again.
	forgetScheduler(campaign.id);
	votesChanged(campaign.id, 'history');
	return describeAssignment(db, assignment);
}
