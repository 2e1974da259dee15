// The audit queue keeps the matches of a search in memory between requests: a new vote, a rejection
// and a system filter must still show at once, and the page's rows come back in the queue's order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { seedCampaign, type SeededCampaign, openForVoting } from '../helpers/campaign.ts';
import { requireCampaign } from '../../src/lib/server/campaigns/campaigns.ts';
import { nextAssignment } from '../../src/lib/server/voting/leases.ts';
import { castVote } from '../../src/lib/server/voting/cast-vote.ts';
import { reviewVotes } from '../../src/lib/server/audit/reviews.ts';
import { auditQueue, parseAuditFilters } from '../../src/lib/server/audit/queue.ts';
import { campaignQuality } from '../../src/lib/server/audit/evaluator-quality.ts';

let db: TestDatabase;
let seeded: SeededCampaign;

async function vote(evaluator: number, rationale: string) {
	const campaign = await requireCampaign(db.kysely, 'aq');
	const pair = await nextAssignment(db.kysely, campaign, seeded.evaluators[evaluator].id, null);
	if (!pair) throw new Error('no pair');
	await castVote(db.kysely, campaign, seeded.evaluators[evaluator].id, {
		voteId: crypto.randomUUID(),
		assignmentId: pair.assignment.id,
		choice: 'left',
		rationale,
		activeMs: 6000
	});
}

async function queue(params: string) {
	const campaign = await requireCampaign(db.kysely, 'aq');
	const quality = await campaignQuality(db.kysely, campaign);
	return auditQueue(db.kysely, db.dialect, campaign, parseAuditFilters(new URLSearchParams(params)), quality);
}

beforeAll(async () => {
	db = await createTestDatabase();
	seeded = await seedCampaign(db.kysely, db.dir, { slug: 'aq', systems: 4, prompts: 10, evaluators: 2 });
	await openForVoting(db.kysely, 'aq');
	for (let i = 0; i < 6; i++) await vote(i % 2, `The left one is sharper, number ${i}.`);
}, 60_000);
afterAll(() => db.cleanup());

describe('audit queue', () => {
	it('shows a new vote and a rejection in a search it has already answered', async () => {
		expect((await queue('q=sharper')).total).toBe(6);
		expect((await queue('q=sharper&status=rejected')).total).toBe(0);
		await vote(0, 'The left one is sharper, once more.');
		const found = await queue('q=sharper');
		expect(found.total).toBe(7);
		const campaign = await requireCampaign(db.kysely, 'aq');
		await reviewVotes(db.kysely, campaign, seeded.evaluators[0].id, [found.votes[0].id], 'reject', 'test');
		const rejected = await queue('q=sharper&status=rejected');
		expect(rejected.votes.map((v) => v.id)).toEqual([found.votes[0].id]);
		expect((await queue('q=sharper&status=counted')).total).toBe(6);
	});

	it('filters by system name on either side and answers the same votes in either time order', async () => {
		const all = await queue('sort=newest');
		const system = all.votes[0].left.system;
		const filtered = await queue(`system=${encodeURIComponent(system)}&sort=newest`);
		const expected = all.votes.filter((v) => v.left.system === system || v.right.system === system);
		expect(filtered.votes.map((v) => v.id)).toEqual(expected.map((v) => v.id));
		expect(filtered.total).toBe(expected.length);
		const oldest = await queue('sort=oldest');
		expect(oldest.votes.map((v) => v.id).sort()).toEqual(all.votes.map((v) => v.id).sort());
	});

	it('orders by risk as the report scores the votes (the order is made in the quality worker), newest first among equal scores', async () => {
		const campaign = await requireCampaign(db.kysely, 'aq');
		const quality = await campaignQuality(db.kysely, campaign);
		const all = await db.kysely
			.selectFrom('vote')
			.select(['id', 'submitted_at'])
			.where('campaign_id', '=', campaign.id)
			.orderBy('submitted_at', 'desc')
			.execute();
		const expected = all
			.map((v) => ({ ...v, score: quality.risks.scoreOf(v.id) }))
			.sort((a, b) => b.score - a.score || b.submitted_at - a.submitted_at);
		// the scores differ (else the order would say nothing)
		expect(new Set(expected.map((v) => v.score)).size).toBeGreaterThan(1);
		const byRisk = await queue('');
		expect(byRisk.votes.map((v) => v.id)).toEqual(expected.map((v) => v.id));
		expect(byRisk.votes.map((v) => v.risk.score)).toEqual(expected.map((v) => v.score));
		expect(byRisk.total).toBe(all.length);
		const risky = await queue('risky=1');
		expect(risky.votes.map((v) => v.id)).toEqual(expected.filter((v) => v.score > 0).map((v) => v.id));
		expect(risky.total).toBe(expected.filter((v) => v.score > 0).length);
		const oldest = await queue('sort=oldest');
		expect(oldest.votes.map((v) => v.id)).toEqual([...all].reverse().map((v) => v.id));
	});
});
