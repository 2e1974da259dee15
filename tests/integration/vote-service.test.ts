// The vote service on a real SQLite file: pair_stat kept in step (orientation, criteria, undo),
// campaign rules, skip. Each test has a campaign of its own, so that none depends on another's votes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { seedCampaign } from '../helpers/campaign.ts';
import { addCriterion, requireCampaign } from '../../src/lib/server/campaigns/campaigns.ts';
import { nextAssignment, skipAssignment } from '../../src/lib/server/voting/leases.ts';
import { castVote } from '../../src/lib/server/voting/cast-vote.ts';
import { undoVote } from '../../src/lib/server/voting/undo.ts';

let db: TestDatabase;
let campaigns = 0;
const rationale = 'A careful reason of enough length.';

beforeAll(async () => {
	db = await createTestDatabase();
});
afterAll(() => db.cleanup());

/** A new campaign (3 systems × 4 prompts, 2 evaluators with quota 5, one criterion) for one test. */
async function freshCampaign() {
	const slug = `svc${++campaigns}`;
	const seeded = await seedCampaign(db.kysely, db.dir, { slug, systems: 3, prompts: 4, evaluators: 2, quota: 5 });
	await addCriterion(db.kysely, { slug, key: 'adherence', label: 'Prompt adherence' });
	return { seeded, campaign: await requireCampaign(db.kysely, slug) };
}

async function stats(campaignId: string, criterion: string) {
	const rows = await db.kysely
		.selectFrom('pair_stat')
		.selectAll()
		.where('campaign_id', '=', campaignId)
		.where('criterion', '=', criterion)
		.execute();
	const names = new Map(
		(await db.kysely.selectFrom('system').select(['id', 'name']).where('campaign_id', '=', campaignId).execute()).map((s) => [s.id, s.name])
	);
	return rows.map((r) => ({
		a: names.get(r.system_a),
		b: names.get(r.system_b),
		a_wins: r.a_wins,
		b_wins: r.b_wins,
		ties: r.ties,
		both_bad: r.both_bad
	}));
}

describe('vote service', () => {
	it('gives a next call that comes while a new lease waits for its group commit that same lease', async () => {
		const { seeded, campaign } = await freshCampaign();
		const user = seeded.evaluators[1];
		// the first call issues its lease within this turn; its insert waits for the group commit
		const first = nextAssignment(db.kysely, campaign, user.id, 5);
		for (let i = 0; i < 200; i++) await Promise.resolve();
		const [a, b] = await Promise.all([first, nextAssignment(db.kysely, campaign, user.id, 5)]);
		expect(b!.assignment.id).toBe(a!.assignment.id);
		const open = await db.kysely
			.selectFrom('assignment')
			.select('id')
			.where('user_id', '=', user.id)
			.where('answered_at', 'is', null)
			.execute();
		expect(open.map((o) => o.id)).toEqual([a!.assignment.id]);
		await skipAssignment(db.kysely, campaign, user.id, a!.assignment.id, 'only checking the lease');
	});

	it('adds each vote to its unordered system pair, per criterion, and undo takes it out again', async () => {
		const { seeded, campaign } = await freshCampaign();
		const user = seeded.evaluators[0];
		const pair = (await nextAssignment(db.kysely, campaign, user.id, 5))!;
		const images = await db.kysely
			.selectFrom('image')
			.innerJoin('system', 'system.id', 'image.system_id')
			.select(['image.id', 'system.name', 'system.id as sid'])
			.where('image.campaign_id', '=', campaign.id)
			.execute();
		const left = images.find((i) => i.id === pair.assignment.left_image_id)!;
		const right = images.find((i) => i.id === pair.assignment.right_image_id)!;
		const voteId = crypto.randomUUID();
		const result = await castVote(db.kysely, campaign, user.id, {
			voteId,
			assignmentId: pair.assignment.id,
			choice: 'left',
			rationale,
			criteria: { adherence: 'right' }
		});
		expect(result.created).toBe(true);
		const [a, b] = left.sid < right.sid ? [left.name, right.name] : [right.name, left.name];
		const leftIsA = left.sid < right.sid;
		expect(await stats(campaign.id, 'overall')).toEqual([{ a, b, a_wins: leftIsA ? 1 : 0, b_wins: leftIsA ? 0 : 1, ties: 0, both_bad: 0 }]);
		expect(await stats(campaign.id, 'adherence')).toEqual([
			{ a, b, a_wins: leftIsA ? 0 : 1, b_wins: leftIsA ? 1 : 0, ties: 0, both_bad: 0 }
		]);
		// the same vote_id again: the stored vote, nothing counted twice
		const again = await castVote(db.kysely, campaign, user.id, { voteId, assignmentId: pair.assignment.id, choice: 'right', rationale });
		expect(again.created).toBe(false);
		expect(again.vote.choice).toBe('left');
		expect((await stats(campaign.id, 'overall'))[0].a_wins + (await stats(campaign.id, 'overall'))[0].b_wins).toBe(1);

		const back = await undoVote(db.kysely, campaign, user.id, voteId);
		expect(back.assignment.id).toBe(pair.assignment.id);
		expect(back.assignment.answered_at).toBeNull();
		expect((await stats(campaign.id, 'overall'))[0]).toMatchObject({ a_wins: 0, b_wins: 0 });
		expect((await stats(campaign.id, 'adherence'))[0]).toMatchObject({ a_wins: 0, b_wins: 0 });
		expect(await db.kysely.selectFrom('vote_criterion').selectAll().where('vote_id', '=', voteId).execute()).toEqual([]);
		// judged again after the undo
		const redo = await castVote(db.kysely, campaign, user.id, {
			voteId: crypto.randomUUID(),
			assignmentId: pair.assignment.id,
			choice: 'tie',
			rationale
		});
		expect(redo.created).toBe(true);
		expect((await stats(campaign.id, 'overall'))[0]).toMatchObject({ ties: 1 });
	});

	it('does not undo after 30 seconds or somebody else’s vote', async () => {
		const { seeded, campaign } = await freshCampaign();
		const [u1, u2] = seeded.evaluators;
		const pair = (await nextAssignment(db.kysely, campaign, u1.id, 5))!;
		const voteId = crypto.randomUUID();
		await castVote(db.kysely, campaign, u1.id, { voteId, assignmentId: pair.assignment.id, choice: 'right', rationale });
		await expect(undoVote(db.kysely, campaign, u2.id, voteId)).rejects.toMatchObject({ status: 403 });
		await expect(undoVote(db.kysely, campaign, u1.id, voteId, Date.now() + 31_000)).rejects.toMatchObject({ status: 410 });
	});

	it('gives an undone vote its pair back for the lease length LEASE_SECONDS sets', async () => {
		const { seeded, campaign } = await freshCampaign();
		const user = seeded.evaluators[0];
		const pair = (await nextAssignment(db.kysely, campaign, user.id, 5))!;
		const voteId = crypto.randomUUID();
		const votedAt = Date.now();
		await castVote(db.kysely, campaign, user.id, { voteId, assignmentId: pair.assignment.id, choice: 'left', rationale });
		const before = process.env.LEASE_SECONDS;
		process.env.LEASE_SECONDS = '42';
		try {
			const back = await undoVote(db.kysely, campaign, user.id, voteId, votedAt + 1000);
			expect(back.assignment.expires_at).toBe(votedAt + 1000 + 42_000);
		} finally {
			if (before === undefined) delete process.env.LEASE_SECONDS;
			else process.env.LEASE_SECONDS = before;
		}
	});

	it('follows the campaign rules for ties, both-bad and rationale length', async () => {
		const { seeded, campaign } = await freshCampaign();
		await db.kysely.updateTable('campaign').set({ allow_tie: 0, rationale_min_chars: 40 }).where('id', '=', campaign.id).execute();
		const strict = await requireCampaign(db.kysely, seeded.slug);
		const user = seeded.evaluators[1];
		const pair = (await nextAssignment(db.kysely, strict, user.id, 5))!;
		const base = { voteId: crypto.randomUUID(), assignmentId: pair.assignment.id, rationale: 'x'.repeat(40) };
		await expect(castVote(db.kysely, strict, user.id, { ...base, choice: 'tie' })).rejects.toMatchObject({ status: 400, field: 'choice' });
		await expect(castVote(db.kysely, strict, user.id, { ...base, choice: 'left', rationale: rationale })).rejects.toMatchObject({
			status: 400,
			field: 'rationale'
		});
		await expect(castVote(db.kysely, strict, user.id, { ...base, choice: 'both_bad' })).resolves.toMatchObject({ created: true });
	});

	it('skips a pair with a reason; it is not shown to that evaluator again; quota ends the stream', async () => {
		const { seeded, campaign } = await freshCampaign();
		const user = seeded.evaluators[1];
		const pair = (await nextAssignment(db.kysely, campaign, user.id, 5))!;
		await expect(skipAssignment(db.kysely, campaign, user.id, pair.assignment.id, '')).rejects.toMatchObject({ field: 'reason' });
		await skipAssignment(db.kysely, campaign, user.id, pair.assignment.id, 'An image is broken or missing');
		const seen = new Set<string>();
		let issued = 0;
		for (;;) {
			const next = await nextAssignment(db.kysely, campaign, user.id, 5);
			if (!next) break;
			const key = [next.assignment.left_image_id, next.assignment.right_image_id].sort().join('|');
			expect(seen.has(key)).toBe(false);
			expect(key).not.toBe([pair.assignment.left_image_id, pair.assignment.right_image_id].sort().join('|'));
			seen.add(key);
			await castVote(db.kysely, campaign, user.id, {
				voteId: crypto.randomUUID(),
				assignmentId: next.assignment.id,
				choice: 'left',
				rationale
			});
			issued++;
		}
		const votes = await db.kysely.selectFrom('vote').select('id').where('user_id', '=', user.id).execute();
		// quota 5: five votes; the skipped pair does not count
		expect(votes.length).toBe(5);
		expect(issued).toBe(5);
	});
});
