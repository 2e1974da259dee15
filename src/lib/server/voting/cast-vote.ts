// What the voting page and the JSON API call: the vote service plus the scheduler's bookkeeping.
import type { Kysely } from 'kysely';
import type { Campaign, Database } from '../db/schema.ts';
import { submitVote, type VoteInput } from './submit-vote.ts';
import { countsInRankings } from './pair-stat.ts';
import { openLeaseForVote, schedulerFor } from './leases.ts';
import { isPostgres } from '../db/index.ts';
import { AppError } from '../errors.ts';
import { campaignSettings, guidelinesHtml } from '../campaigns/campaigns.ts';
import { goldExpectation } from './gold-and-repeats.ts';
import { votesChanged } from '../votes-changed.ts';
import type { GoldFeedback, VoteResponse, VoteRules } from '../../api-types.ts';

export async function castVote(db: Kysely<Database>, campaign: Campaign, userId: string, input: VoteInput) {
	// PostgreSQL: a lease this instance knows open needs no read before the vote's one statement
	const known = isPostgres(db) && typeof input.assignmentId === 'string' ? openLeaseForVote(campaign.id, input.assignmentId) : undefined;
	const result: Awaited<ReturnType<typeof submitVote>> & { feedback?: GoldFeedback } = await submitVote(
		db,
		userId,
		campaign,
		input,
		Date.now(),
		known
	);
	if (result.created) {
		// committed (submitVote resolves after the commit): every cache of this campaign's votes hears it
		votesChanged(campaign.id, 'added');
		const scheduler = await schedulerFor(db, campaign);
		scheduler.recordVote({
			assignmentId: result.vote.assignment_id,
			userId,
			leftImageId: result.vote.left_image_id,
			rightImageId: result.vote.right_image_id,
			counted: countsInRankings(result.vote.kind),
			choice: result.vote.choice
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
 * `POST /api/v1/campaigns/{slug}/votes` from its parsed JSON body (a VoteRequest, still to be
 * checked): 201 with the new vote's id, 200 with the stored vote when the vote_id came before.
 */
export async function castVoteFromJson(
	db: Kysely<Database>,
	campaign: Campaign,
	userId: string,
	body: unknown
): Promise<{ status: 200 | 201; payload: VoteResponse }> {
	if (typeof body !== 'object' || body === null || Array.isArray(body))
		throw new AppError(400, 'invalid', 'the body must be a JSON object');
	const input = body as Record<string, unknown>;
	let result: Awaited<ReturnType<typeof castVote>>;
	try {
		result = await castVote(db, campaign, userId, {
			voteId: input.vote_id,
			assignmentId: input.assignment_id,
			choice: input.choice,
			rationale: input.rationale,
			flags: input.flags,
			criteria: input.criteria,
			marks: input.marks,
			missing: input.missing,
			tags: input.tags,
			activeMs: input.active_ms,
			guidelinesVersion: input.guidelines_version
		});
	} catch (e) {
		// a refusal tells the page the rules it was judged by (a raised minimum, new guidelines)
		if (e instanceof AppError) throw new VoteRefused(e, await rulesFor(db, campaign, input.guidelines_version));
		throw e;
	}
	const { created, vote, feedback } = result;
	const rules = await rulesFor(db, campaign, input.guidelines_version);
	const payload: VoteResponse = created
		? { vote_id: vote.id, ...rules, ...(feedback ? { feedback } : {}) }
		: {
				vote_id: vote.id,
				...rules,
				vote: {
					assignment_id: vote.assignment_id,
					choice: vote.choice,
					rationale: vote.rationale,
					flags: JSON.parse(vote.flags),
					submitted_at: new Date(vote.submitted_at).toISOString()
				}
			};
	return { status: created ? 201 : 200, payload };
}

/**
 * The campaign's rules now, for a page that said which guidelines it shows (API scripts that do not
 * get the answer they always had); the guidelines' text only when the page showed another version
 * (so a page that is up to date gets a few bytes, not the guidelines each time).
 */
async function rulesFor(db: Kysely<Database>, campaign: Campaign, shownVersion: unknown): Promise<Partial<VoteRules>> {
	if (shownVersion === undefined || shownVersion === null) return {};
	const rules = { guidelines_version: campaign.guidelines_version, rationale_min: campaign.rationale_min_chars };
	if (Number(shownVersion) === campaign.guidelines_version) return { rules };
	return { rules, guidelines: { version: campaign.guidelines_version, html: await guidelinesHtml(db, campaign) } };
}

/** An AppError of the vote service whose JSON answer also carries the rules. */
class VoteRefused extends AppError {
	constructor(
		cause: AppError,
		readonly rules: Partial<VoteRules>
	) {
		super(cause.status, cause.code, cause.message, cause.field, cause.retryAfter);
	}

	toJSON() {
		return { ...super.toJSON(), ...this.rules };
	}
}
