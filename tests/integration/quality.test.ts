// Simulated evaluators of known behaviour vote through the real services (gold pairs and hidden
// repeats mixed in); the campaign's quality report flags each problem evaluator for the right
// reason and the careful ones not at all. A rejection then moves the leaderboard at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { seedCampaign, type SeededCampaign } from '../helpers/campaign.ts';
import { requireCampaign, updateCampaignSettings } from '../../src/lib/server/campaigns/campaigns.ts';
import { nextAssignment } from '../../src/lib/server/voting/leases.ts';
import { castVote } from '../../src/lib/server/voting/cast-vote.ts';
import { addGoldPair } from '../../src/lib/server/voting/gold-and-repeats.ts';
import { evaluatorReport } from '../../src/lib/server/audit/evaluator-quality.ts';
import { campaignLeaderboard, parseLeaderboardQuery } from '../../src/lib/server/results/leaderboard.ts';
import { reviewVotes } from '../../src/lib/server/audit/reviews.ts';
import { auditQueue, parseAuditFilters } from '../../src/lib/server/audit/queue.ts';
import { campaignQuality } from '../../src/lib/server/audit/evaluator-quality.ts';
import { createRng } from '../../src/lib/scheduling/index.ts';

let db: TestDatabase;
let seeded: SeededCampaign;
const rng = createRng(11);
const WORDS = [
	'sharper',
	'cleaner',
	'closer to the prompt',
	'better lit',
	'more coherent',
	'less noisy',
	'more detailed',
	'better composed'
];
const THINGS = ['hands', 'background', 'faces', 'edges', 'colours', 'text', 'shadows', 'textures', 'lighting', 'proportions'];
const varied = (side: string) =>
	`The ${side} image is ${WORDS[Math.floor(rng() * WORDS.length)]}, especially the ${THINGS[Math.floor(rng() * THINGS.length)]} and the ${THINGS[Math.floor(rng() * THINGS.length)]} (${Math.floor(rng() * 1000)}).`;
type Behaviour = 'careful' | 'left' | 'random' | 'paster';
const behaviours: Behaviour[] = ['careful', 'careful', 'careful', 'left', 'random', 'paster'];

beforeAll(async () => {
	db = await createTestDatabase();
	seeded = await seedCampaign(db.kysely, db.dir, { slug: 'q', systems: 6, prompts: 40, evaluators: behaviours.length });
	let campaign = await requireCampaign(db.kysely, 'q');
	await updateCampaignSettings(
		db.kysely,
		campaign,
		{
			status: 'active',
			allowTie: true,
			allowBothBad: true,
			blind: true,
			rationaleMinChars: 20,
			goldRate: 0.3,
			repeatRate: 0.08,
			goldFeedback: false
		},
		null
	);
	campaign = await requireCampaign(db.kysely, 'q');
	const images = await db.kysely
		.selectFrom('image')
		.innerJoin('system', 'system.id', 'image.system_id')
		.select(['image.id', 'image.prompt_id', 'system.name'])
		.execute();
	const truth = new Map(images.map((i) => [i.id, Number(i.name.split('-')[1])])); // system-0 is best
	// gold pairs: the best against the worst system on 24 prompts, so that a random clicker answers
	// enough of them (~27, never under 10) that a perfect gold score by luck never makes this test flaky
	const prompts = [...new Set(images.map((i) => i.prompt_id))].slice(0, 24);
	for (const p of prompts) {
		const best = images.find((i) => i.prompt_id === p && i.name === 'system-0')!;
		const worst = images.find((i) => i.prompt_id === p && i.name === 'system-5')!;
		await addGoldPair(
			db.kysely,
			campaign,
			{ leftImageId: worst.id, rightImageId: best.id, expected: 'right', explanation: 'the right one follows the prompt' },
			null
		);
	}
	for (let round = 0; round < 90; round++) {
		for (const [e, evaluator] of seeded.evaluators.entries()) {
			const behaviour = behaviours[e];
			const pair = await nextAssignment(db.kysely, campaign, evaluator.id, null);
			if (!pair) continue;
			const l = truth.get(pair.assignment.left_image_id)!;
			const r = truth.get(pair.assignment.right_image_id)!;
			// careful raters see the truth with a little noise (never more than a system apart, so they
			// never flip a hidden repeat, only call a close pair a tie); the others do their thing
			const d = r - l + (rng() + rng() + rng() - 1.5) * 0.8;
			const careful = Math.abs(d) < 0.3 ? 'tie' : d > 0 ? 'left' : 'right';
			const choice = behaviour === 'left' ? 'left' : behaviour === 'random' ? (rng() < 0.5 ? 'left' : 'right') : careful;
			const rationale =
				behaviour === 'paster'
					? 'Looks better overall to me, nothing more to say.'
					: choice === 'tie'
						? `Both are about as good; ${varied('left').slice(4)}`
						: varied(choice);
			const activeMs = behaviour === 'random' ? 400 + rng() * 1200 : 5000 + rng() * 15000;
			await castVote(db.kysely, campaign, evaluator.id, {
				voteId: crypto.randomUUID(),
				assignmentId: pair.assignment.id,
				choice,
				rationale,
				activeMs
			});
		}
	}
}, 120_000);
afterAll(() => db.cleanup());

describe('evaluator quality on simulated evaluators', () => {
	it('mixed gold pairs and hidden repeats into every stream, out of the rankings', async () => {
		const kinds = await db.kysely
			.selectFrom('vote')
			.select(['kind', (eb) => eb.fn.countAll<number>().as('n')])
			.groupBy('kind')
			.execute();
		const n = Object.fromEntries(kinds.map((k) => [k.kind, Number(k.n)]));
		expect(n.gold).toBeGreaterThan(10);
		expect(n.repeat).toBeGreaterThan(10);
		const board = await campaignLeaderboard(
			db.kysely,
			await requireCampaign(db.kysely, 'q'),
			parseLeaderboardQuery(new URLSearchParams('bootstrap=0'))
		);
		expect(board.votes).toBe(n.normal);
	});

	it('flags each problem evaluator for the right reason and no careful one', async () => {
		const report = await evaluatorReport(db.kysely, await requireCampaign(db.kysely, 'q'));
		const byBehaviour = (b: Behaviour) =>
			seeded.evaluators.filter((_, i) => behaviours[i] === b).map((e) => report.evaluators.find((x) => x.user_id === e.id)!);
		for (const careful of byBehaviour('careful'))
			expect(
				careful.reasons.map((r) => r.code),
				careful.name
			).toEqual([]);
		expect(byBehaviour('left')[0].reasons.map((r) => r.code)).toContain('side_bias');
		expect(byBehaviour('random')[0].reasons.map((r) => r.code)).toContain('too_fast');
		expect(byBehaviour('paster')[0].reasons.map((r) => r.code)).toContain('duplicate_rationales');
		const random = byBehaviour('random')[0].metrics.gold;
		expect(random.votes).toBeGreaterThanOrEqual(10);
		expect(random.accuracy!).toBeLessThan(1);
		for (const careful of byBehaviour('careful')) expect(careful.metrics.gold.accuracy).toBe(1);
		expect(report.agreement.units).toBeGreaterThan(0);
		expect(report.agreement.alpha).not.toBeNull();
	});

	it('leaves flagged evaluators out of the leaderboard on request', async () => {
		const campaign = await requireCampaign(db.kysely, 'q');
		// careful raters alone may never see the best system lose: a prior keeps the ratings finite
		const all = await campaignLeaderboard(db.kysely, campaign, parseLeaderboardQuery(new URLSearchParams('bootstrap=0&prior=1')));
		const clean = await campaignLeaderboard(
			db.kysely,
			campaign,
			parseLeaderboardQuery(new URLSearchParams('bootstrap=0&prior=1&exclude_flagged=1'))
		);
		expect(clean.votes).toBeLessThan(all.votes);
		expect(clean.votes).toBeGreaterThan(all.votes / 3);
	});

	it('puts the risky votes first in the audit queue and a rejection takes a vote out of the ranking at once', async () => {
		const campaign = await requireCampaign(db.kysely, 'q');
		const quality = await campaignQuality(db.kysely, campaign);
		const queue = await auditQueue(db.kysely, db.dialect, campaign, parseAuditFilters(new URLSearchParams('sort=risk')), quality);
		expect(queue.votes[0].risk.score).toBeGreaterThan(0);
		expect(queue.votes[0].risk.reasons.length).toBeGreaterThan(0);
		const found = await auditQueue(db.kysely, db.dialect, campaign, parseAuditFilters(new URLSearchParams('q=nothing more')), quality);
		expect(found.total).toBeGreaterThan(10);
		expect(found.votes.every((v) => v.rationale.includes('nothing more'))).toBe(true);
		const before = await campaignLeaderboard(db.kysely, campaign, parseLeaderboardQuery(new URLSearchParams('bootstrap=0')));
		const target = found.votes.find((v) => v.kind === 'normal')!;
		await reviewVotes(db.kysely, campaign, seeded.evaluators[0].id, [target.id], 'reject', 'copy-paste');
		const after = await campaignLeaderboard(db.kysely, campaign, parseLeaderboardQuery(new URLSearchParams('bootstrap=0')));
		expect(after.votes).toBe(before.votes - 1);
		await reviewVotes(db.kysely, campaign, seeded.evaluators[0].id, [target.id], 'accept', 'restored');
		const restored = await campaignLeaderboard(db.kysely, campaign, parseLeaderboardQuery(new URLSearchParams('bootstrap=0')));
		expect(restored.votes).toBe(before.votes);
		const log = await db.kysely.selectFrom('audit_log').select('action').where('subject', '=', target.id).execute();
		expect(log.map((l) => l.action)).toEqual(['review.reject', 'review.accept']);
	});
});
