// An evaluator's own page: how they are doing (their votes, and the quality report's gold accuracy,
// agreement with others and median time: the numbers their lead sees, not a second computation) and
// the votes a lead rejected, with the lead's comment, so that review reaches the person reviewed.
// Nothing here may name a system while the campaign is blind: the images are served through the
// vote's own assignment (/i/a/<assignment>/<side>, the URL the evaluator saw them under), never by
// image id, and system names are read only when the campaign is not blind. Gold accuracy counts gold
// votes up to the start of the day (UTC): counted live, a reload after each vote would tell which
// pair was a gold pair and whether the answer was the expected one.
import { sql, type Kysely } from 'kysely';
import type { Campaign, Choice, Database } from '../db/schema.ts';
import { campaignQualityWithin } from '../audit/evaluator-quality.ts';
import { evaluatorQuality, type VoteRecord } from '../../quality/index.ts';
import { invalid } from '../errors.ts';

export const REJECTED_PAGE_SIZE = 10;
const DAY = 24 * 3600 * 1000;

export interface RejectedVote {
	id: string;
	prompt: string;
	choice: Choice;
	rationale: string;
	guidelines_version: number;
	submitted_at: number;
	left_url: string;
	right_url: string;
	/** the lead's comment on the rejection ('' when none was written) */
	comment: string;
	rejected_at: number | null;
	/** system names, only once the campaign is not blind */
	systems: { left: string; right: string } | null;
}

/** `?page=` of the rejected votes: a whole number from 1, bounded. */
export function parseFeedbackPage(value: string | null): number {
	if (value === null || value === '') return 1;
	const page = Number(value);
	if (!Number.isInteger(page) || page < 1 || page > 100_000) throw invalid('page', 'page must be a whole number from 1');
	return page;
}

export async function evaluatorFeedback(db: Kysely<Database>, campaign: Campaign, userId: string, page: number, now = Date.now()) {
	const startOfDay = Math.floor(now / DAY) * DAY;
	const [counts, report, gold] = await Promise.all([
		db
			.selectFrom('vote')
			.select([
				(eb) => eb.fn.countAll<number>().as('total'),
				sql<number>`sum(case when submitted_at >= ${startOfDay} then 1 else 0 end)`.as('today'),
				sql<number>`sum(case when status = 'rejected' then 1 else 0 end)`.as('rejected')
			])
			.where('campaign_id', '=', campaign.id)
			.where('user_id', '=', userId)
			.executeTakeFirstOrThrow(),
		// a large campaign's first report after a start takes seconds: the numbers then say so instead
		campaignQualityWithin(db, campaign),
		goldBefore(db, campaign, userId, startOfDay)
	]);
	const rejectedTotal = Number(counts.rejected ?? 0);
	const metrics = 'pending' in report ? null : (report.evaluators.find((e) => e.userId === userId)?.metrics ?? null);
	const pages = Math.max(1, Math.ceil(rejectedTotal / REJECTED_PAGE_SIZE));
	return {
		votes: { total: Number(counts.total), today: Number(counts.today ?? 0), rejected: rejectedTotal },
		/** the campaign's quality report is still being computed (agreement and time not known yet) */
		qualityPending: 'pending' in report,
		// only what helps the evaluator learn the guidelines; the fit-based and flag numbers stay with the lead
		quality: metrics && {
			gold: gold && { votes: gold.votes, correct: gold.correct, accuracy: gold.accuracy },
			agreement: { comparable: metrics.agreement.comparable, agreed: metrics.agreement.agreed, rate: metrics.agreement.rate },
			medianSeconds: metrics.time.medianSeconds
		},
		rejected: await rejectedVotes(db, campaign, userId, Math.min(page, pages)),
		page: Math.min(page, pages),
		pages
	};
}

/** The evaluator's gold accuracy over their gold votes before `before`: lib/quality's metric on those votes only. */
async function goldBefore(db: Kysely<Database>, campaign: Campaign, userId: string, before: number) {
	const [votes, gold] = await Promise.all([
		db
			.selectFrom('vote')
			.select([
				'id',
				'left_image_id',
				'right_image_id',
				'left_system_id',
				'right_system_id',
				'choice',
				'rationale',
				'active_ms',
				'submitted_at',
				'status',
				'assignment_id'
			])
			.where('campaign_id', '=', campaign.id)
			.where('user_id', '=', userId)
			.where('kind', '=', 'gold')
			.where('submitted_at', '<', before)
			.execute(),
		db
			.selectFrom('gold_pair')
			.select(['left_image_id', 'right_image_id', 'expected_choice'])
			.where('campaign_id', '=', campaign.id)
			.execute()
	]);
	if (!votes.length) return null;
	const records: VoteRecord[] = votes.map((v) => ({
		id: v.id,
		userId,
		leftImageId: v.left_image_id,
		rightImageId: v.right_image_id,
		leftSystemId: v.left_system_id,
		rightSystemId: v.right_system_id,
		choice: v.choice,
		rationale: v.rationale,
		activeMs: v.active_ms === null ? null : Number(v.active_ms),
		submittedAt: Number(v.submitted_at),
		kind: 'gold',
		status: v.status,
		assignmentId: v.assignment_id
	}));
	const quality = evaluatorQuality(records, {
		gold: gold.map((g) => ({ leftImageId: g.left_image_id, rightImageId: g.right_image_id, expected: g.expected_choice }))
	});
	return quality.find((e) => e.userId === userId)?.metrics.gold ?? null;
}

async function rejectedVotes(db: Kysely<Database>, campaign: Campaign, userId: string, page: number): Promise<RejectedVote[]> {
	const rows = await db
		.selectFrom('vote')
		.innerJoin('prompt', 'prompt.id', 'vote.prompt_id')
		.select([
			'vote.id',
			'vote.assignment_id',
			'vote.choice',
			'vote.rationale',
			'vote.guidelines_version',
			'vote.submitted_at',
			'vote.left_system_id',
			'vote.right_system_id',
			'prompt.text as prompt'
		])
		.where('vote.campaign_id', '=', campaign.id)
		.where('vote.user_id', '=', userId)
		.where('vote.status', '=', 'rejected')
		.orderBy('vote.submitted_at', 'desc')
		.orderBy('vote.id')
		.limit(REJECTED_PAGE_SIZE)
		.offset((page - 1) * REJECTED_PAGE_SIZE)
		.execute();
	if (!rows.length) return [];
	const ids = rows.map((r) => r.id);
	// the rejection that holds: the latest reject review of each vote (a vote may be rejected, restored, rejected again)
	const reviews = await db
		.selectFrom('review')
		.select(['vote_id', 'comment', 'created_at'])
		.where('vote_id', 'in', ids)
		.where('decision', '=', 'reject')
		.orderBy('created_at')
		.execute();
	const latest = new Map(reviews.map((r) => [r.vote_id, r]));
	const names =
		campaign.blind === 0
			? new Map(
					(
						await db
							.selectFrom('system')
							.select(['id', 'name'])
							.where('campaign_id', '=', campaign.id)
							.where('id', 'in', [...new Set(rows.flatMap((r) => [r.left_system_id, r.right_system_id]))])
							.execute()
					).map((s) => [s.id, s.name])
				)
			: null;
	return rows.map((r) => ({
		id: r.id,
		prompt: r.prompt,
		choice: r.choice,
		rationale: r.rationale,
		guidelines_version: Number(r.guidelines_version),
		submitted_at: Number(r.submitted_at),
		left_url: `/i/a/${r.assignment_id}/left`,
		right_url: `/i/a/${r.assignment_id}/right`,
		comment: latest.get(r.id)?.comment ?? '',
		rejected_at: latest.has(r.id) ? Number(latest.get(r.id)!.created_at) : null,
		systems: names ? { left: names.get(r.left_system_id) ?? '?', right: names.get(r.right_system_id) ?? '?' } : null
	}));
}
