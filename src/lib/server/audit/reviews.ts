// Leads accept or reject votes. A rejection takes the vote out of the rankings at once (pair_stat in
// the same transaction); accepting a rejected vote puts it back. Every review is in the audit log.
import { requireOpen } from '../campaigns/campaigns.ts';
import type { Kysely, Transaction } from 'kysely';
import type { Campaign, Database } from '../db/schema.ts';
import { AppError, invalid } from '../errors.ts';
import { randomId } from '../ids.ts';
import { countsInRankings, moveStoredVote } from '../voting/pair-stat.ts';
import { writeAudit } from '../audit-log.ts';
import { schedulerFor } from '../voting/leases.ts';
import { votesChanged } from '../votes-changed.ts';
import { forgetAuditMatches } from './queue.ts';

export const DECISIONS = ['accept', 'reject'] as const;
export type Decision = (typeof DECISIONS)[number];

export interface ReviewResult {
	voteId: string;
	decision: Decision;
	status: 'counted' | 'rejected';
	changed: boolean;
}

function parseDecision(decision: unknown, comment: unknown): { decision: Decision; comment: string } {
	if (typeof decision !== 'string' || !(DECISIONS as readonly string[]).includes(decision))
		throw invalid('decision', 'decision must be accept or reject');
	const text = comment === undefined || comment === null ? '' : String(comment).trim();
	if (text.length > 2000) throw invalid('comment', 'comment can be at most 2000 characters');
	return { decision: decision as Decision, comment: text };
}

async function reviewOne(
	trx: Transaction<Database>,
	campaign: Campaign,
	reviewerId: string,
	voteId: string,
	decision: Decision,
	comment: string
): Promise<ReviewResult> {
	const vote = await trx.selectFrom('vote').selectAll().where('id', '=', voteId).executeTakeFirst();
	if (!vote || vote.campaign_id !== campaign.id) throw new AppError(404, 'not_found', `vote ${voteId} not found`, 'vote_id');
	const status = decision === 'reject' ? 'rejected' : 'counted';
	const changed = vote.status !== status;
	if (changed) {
		await trx.updateTable('vote').set({ status }).where('id', '=', voteId).execute();
		await moveStoredVote(trx, vote, decision === 'reject' ? -1 : 1);
	}
	await trx
		.insertInto('review')
		.values({ id: randomId(), vote_id: voteId, reviewer_id: reviewerId, decision, comment, created_at: Date.now() })
		.execute();
	await writeAudit(trx, {
		actorId: reviewerId,
		action: `review.${decision}`,
		subject: voteId,
		detail: { comment, from: vote.status, to: status }
	});
	return { voteId, decision, status, changed };
}

/** Reviews one vote or many in one transaction: all of them or none. */
export async function reviewVotes(
	db: Kysely<Database>,
	campaign: Campaign,
	reviewerId: string,
	voteIds: string[],
	decisionInput: unknown,
	commentInput?: unknown
): Promise<ReviewResult[]> {
	requireOpen(campaign);
	const { decision, comment } = parseDecision(decisionInput, commentInput);
	if (voteIds.length === 0) throw invalid('vote_ids', 'choose at least one vote');
	if (voteIds.length > 1000) throw invalid('vote_ids', 'at most 1000 votes at once');
	const results = await db.transaction().execute(async (trx) => {
		const out: ReviewResult[] = [];
		for (const id of new Set(voteIds)) out.push(await reviewOne(trx, campaign, reviewerId, id, decision, comment));
		return out;
	});
	// every review takes votes out of "unreviewed", even one that changes no vote's status
	forgetAuditMatches(campaign.id);
	const changed = results.filter((r) => r.changed);
	if (changed.length) {
		// the scheduler balances on counted comparisons: adjusted before the signal, so that a
		// scheduler that rebuilds itself on the signal reads the reviewed counts only once
		const scheduler = await schedulerFor(db, campaign);
		const votes = await db
			.selectFrom('vote')
			.select(['id', 'left_image_id', 'right_image_id', 'kind'])
			.where(
				'id',
				'in',
				changed.map((r) => r.voteId)
			)
			.execute();
		for (const v of votes) {
			if (countsInRankings(v.kind)) scheduler.adjustComparisons(v.left_image_id, v.right_image_id, decision === 'reject' ? -1 : 1);
		}
		votesChanged(campaign.id, 'history');
	}
	return results;
}

/** The campaign a vote belongs to (the review API addresses votes without a campaign). */
export async function campaignOfVote(db: Kysely<Database>, voteId: string): Promise<string> {
	const row = await db
		.selectFrom('vote')
		.innerJoin('campaign', 'campaign.id', 'vote.campaign_id')
		.select('campaign.slug')
		.where('vote.id', '=', voteId)
		.executeTakeFirst();
	if (!row) throw new AppError(404, 'not_found', 'vote not found', 'vote_id');
	return row.slug;
}
