// Issue 16, lead flow, over real SQLite and the real HTTP server: the audit queue's "unreviewed" filter
// and review progress (an accept that changes no vote must still leave "unreviewed", cache or not),
// the gold pairs page's accuracy (computed here by hand), its edit and remove actions, and their errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { seedCampaign, type SeededCampaign, openForVoting } from '../helpers/campaign.ts';
import { act } from '../helpers/actions.ts';
import { Browserless, startServer, type RunningServer } from '../helpers/server.ts';
import { addMember, requireCampaign } from '../../src/lib/server/campaigns/campaigns.ts';
import { createUser } from '../../src/lib/server/auth/users.ts';
import { createSession } from '../../src/lib/server/auth/session.ts';
import { nextAssignment } from '../../src/lib/server/voting/leases.ts';
import { castVote } from '../../src/lib/server/voting/cast-vote.ts';
import { addGoldPair, issueSpecialAssignment } from '../../src/lib/server/voting/gold-and-repeats.ts';
import { reviewVotes } from '../../src/lib/server/audit/reviews.ts';
import { auditQueue, parseAuditFilters, reviewProgress } from '../../src/lib/server/audit/queue.ts';
import { campaignQuality } from '../../src/lib/server/audit/evaluator-quality.ts';
import { listGoldPairs } from '../../src/lib/server/audit/gold-pairs.ts';
import type { Choice } from '../../src/lib/server/db/schema.ts';

const SLUG = 'lf';
let db: TestDatabase;
let seeded: SeededCampaign;
let leadId: string;
let server: RunningServer;
const lead = { client: null as unknown as Browserless };
const FLIP: Record<Choice, Choice> = { left: 'right', right: 'left', tie: 'tie', both_bad: 'both_bad' };
/** The gold pairs as marked (their own left/right), by a name for this test. */
const gold: Record<'g1' | 'g2', { id: string; left: string; right: string }> = {} as never;

const campaign = () => requireCampaign(db.kysely, SLUG);

async function normalVote(evaluator: number, choice: Choice) {
	const pair = await nextAssignment(db.kysely, await campaign(), seeded.evaluators[evaluator].id, null);
	if (!pair) throw new Error('no pair');
	await castVote(db.kysely, await campaign(), seeded.evaluators[evaluator].id, {
		voteId: crypto.randomUUID(),
		assignmentId: pair.assignment.id,
		choice,
		rationale: `normal vote ${choice}`,
		activeMs: 6000
	});
}

/** A gold assignment for the evaluator, answered with `answer` as seen in the gold pair's own orientation. */
async function goldVote(evaluator: number, answers: Record<'g1' | 'g2', Choice>) {
	const user = seeded.evaluators[evaluator].id;
	const assignment = await issueSpecialAssignment(db.kysely, await campaign(), user, Date.now(), () => 0);
	if (!assignment || assignment.kind !== 'gold') throw new Error('no gold assignment');
	const name = (['g1', 'g2'] as const).find((g) =>
		[gold[g].left, gold[g].right].every((id) => id === assignment.left_image_id || id === assignment.right_image_id)
	)!;
	const swapped = assignment.left_image_id !== gold[name].left;
	await castVote(db.kysely, await campaign(), user, {
		voteId: crypto.randomUUID(),
		assignmentId: assignment.id,
		choice: swapped ? FLIP[answers[name]] : answers[name],
		rationale: 'a gold answer',
		activeMs: 6000
	});
}

async function queue(params: string) {
	const c = await campaign();
	return auditQueue(db.kysely, db.dialect, c, parseAuditFilters(new URLSearchParams(params)), await campaignQuality(db.kysely, c));
}

beforeAll(async () => {
	db = await createTestDatabase();
	seeded = await seedCampaign(db.kysely, db.dir, { slug: SLUG, systems: 3, prompts: 6, evaluators: 3 });
	await openForVoting(db.kysely, SLUG, { goldRate: 0.2 });
	const user = await createUser(db.kysely, { email: 'lead@lf.test', password: 'lead-password', displayName: 'Lena Lead' });
	await addMember(db.kysely, { slug: SLUG, email: 'lead@lf.test', role: 'lead' });
	leadId = user.id;
	// two gold pairs of prompt 0 and prompt 1 (systems 0 and 1)
	const images = await db.kysely
		.selectFrom('image')
		.innerJoin('prompt', 'prompt.id', 'image.prompt_id')
		.innerJoin('system', 'system.id', 'image.system_id')
		.select(['image.id', 'prompt.text', 'system.name'])
		.execute();
	const image = (p: number, s: number) => images.find((i) => i.text === `prompt number ${p}` && i.name === `system-${s}`)!.id;
	gold.g1 = { left: image(0, 0), right: image(0, 1), id: '' };
	gold.g2 = { left: image(1, 1), right: image(1, 0), id: '' };
	gold.g1.id = (
		await addGoldPair(db.kysely, await campaign(), { leftImageId: gold.g1.left, rightImageId: gold.g1.right, expected: 'left' }, leadId)
	).id;
	gold.g2.id = (
		await addGoldPair(db.kysely, await campaign(), { leftImageId: gold.g2.left, rightImageId: gold.g2.right, expected: 'tie' }, leadId)
	).id;
	// each evaluator answers both gold pairs (in whatever side order the scheduler shows them):
	//   g1 (expects left): left ✓, right ✗, left ✓  → 2 of 3
	//   g2 (expects tie):  tie ✓,  left ✗, right ✗ → 1 of 3
	const answers: Record<'g1' | 'g2', Choice>[] = [
		{ g1: 'left', g2: 'tie' },
		{ g1: 'right', g2: 'left' },
		{ g1: 'left', g2: 'right' }
	];
	for (let e = 0; e < 3; e++) for (let k = 0; k < 2; k++) await goldVote(e, answers[e]);
	// and 6 normal votes: 12 votes in all
	for (let i = 0; i < 6; i++) await normalVote(i % 3, i % 2 ? 'left' : 'right');
	server = await startServer(db.dir);
	lead.client = new Browserless(server.url);
	lead.client.cookie = `pickwise_session=${(await createSession(db.kysely, leadId)).token}`;
}, 120_000);

afterAll(async () => {
	await server?.stop();
	await db?.cleanup();
});

describe('review progress and the unreviewed filter', () => {
	it('counts each reviewed vote once, and an accept that changes nothing still leaves "unreviewed"', async () => {
		expect(await reviewProgress(db.kysely, (await campaign()).id)).toEqual({ reviewed: 0, total: 12 });
		const before = await queue('status=unreviewed&sort=oldest');
		expect(before.total).toBe(12);
		const [a, b] = before.votes;
		expect(a.review).toBeNull();
		// a is counted already: accepting it changes no vote, yet it is reviewed now (the cached search must not hide that)
		await reviewVotes(db.kysely, await campaign(), leadId, [a.id], 'accept', 'fine');
		const accepted = await queue('status=unreviewed&sort=oldest');
		expect(accepted.total).toBe(11);
		expect(accepted.votes.map((v) => v.id)).not.toContain(a.id);
		await reviewVotes(db.kysely, await campaign(), leadId, [b.id], 'reject', 'off-topic');
		await reviewVotes(db.kysely, await campaign(), leadId, [b.id], 'reject', 'still off-topic');
		expect(await reviewProgress(db.kysely, (await campaign()).id)).toEqual({ reviewed: 2, total: 12 });
		const after = await queue('status=unreviewed&sort=oldest');
		expect(after.total).toBe(10);
		expect(after.votes.map((v) => v.id)).not.toContain(a.id);
		expect(after.votes.map((v) => v.id)).not.toContain(b.id);
		// the rows say who reviewed them, when, and the latest comment
		const [shownA] = (await queue(`vote=${a.id}`)).votes;
		expect(shownA.review).toMatchObject({ decision: 'accept', by: 'Lena Lead', comment: 'fine' });
		expect(typeof shownA.review!.at).toBe('number');
		const [shownB] = (await queue(`vote=${b.id}`)).votes;
		expect(shownB).toMatchObject({ status: 'rejected', review: { decision: 'reject', comment: 'still off-topic' } });
		expect((await queue('status=counted')).total).toBe(11);
	});

	it('shows the progress line and refuses an unknown status at its field', async () => {
		const page = await lead.client.fetch(`/c/${SLUG}/audit`);
		expect(page.status).toBe(200);
		expect(await page.text()).toMatch(/2 of 12 reviewed/);
		expect(() => parseAuditFilters(new URLSearchParams('status=maybe'))).toThrow(/status must be all, unreviewed, counted or rejected/);
		const bad = await lead.client.fetch(`/c/${SLUG}/audit?status=maybe`);
		expect(bad.status).toBe(400);
		await bad.arrayBuffer();
	});
});

describe('risk reasons', () => {
	it('cite another vote by its evaluator and a link target, never by raw ids in the text', async () => {
		// every evaluator wrote "a gold answer" twice: their own and the others' rationales repeat
		const votes = (await queue('sort=risk')).votes;
		const reasons = votes.flatMap((v) => v.risk.reasons.map((r) => ({ ...r, of: v })));
		const own = reasons.find((r) => r.code === 'duplicate_own')!;
		const others = reasons.find((r) => r.code === 'duplicate_others')!;
		expect(own.message).toBe('rationale repeats another vote of this evaluator');
		expect(others.message).toMatch(/^rationale repeats a vote by eval\d$/);
		for (const r of [own, others]) {
			expect(r.message).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}/);
			const [cited] = (await queue(`vote=${r.voteId}`)).votes;
			expect(cited.id).toBe(r.voteId);
			expect(cited.id).not.toBe(r.of.id);
		}
		expect((await queue(`vote=${own.voteId}`)).votes[0].evaluatorId).toBe(own.of.evaluatorId);
		expect((await queue(`vote=${others.voteId}`)).votes[0].evaluatorId).not.toBe(others.of.evaluatorId);
	});
});

describe('gold pairs page', () => {
	it('lists each gold pair with its accuracy so far, whichever side each image was shown on', async () => {
		const rows = await listGoldPairs(db.kysely, await campaign());
		const byId = new Map(rows.map((r) => [r.id, r]));
		expect(byId.get(gold.g1.id)).toMatchObject({ expected: 'left', answers: 3, matching: 2 });
		expect(byId.get(gold.g2.id)).toMatchObject({ expected: 'tie', answers: 3, matching: 1 });
		const html = await (await lead.client.fetch(`/c/${SLUG}/gold`)).text();
		expect(html).toContain('2 of 3 answers matched (67%)');
		expect(html).toContain('1 of 3 answers matched (33%)');
		// the audit rows of gold votes carry the pair's expectation in their own orientation
		const goldRows = (await queue('sort=oldest')).votes.filter((v) => v.gold?.id === gold.g1.id);
		expect(goldRows.length).toBe(3);
		for (const v of goldRows) expect(v.gold!.expected).toBe(v.left.imageId === gold.g1.left ? 'left' : 'right');
	});

	it('edits the expected answer (accuracy follows) and refuses bad input at its field', async () => {
		const edited = await act(lead.client, `/c/${SLUG}/gold?/edit`, { id: gold.g2.id, expected: 'left', explanation: '  Sharper.  ' });
		expect(edited).toMatchObject({ type: 'success', data: { saved: 'Gold pair saved.', id: gold.g2.id } });
		const g2 = (await listGoldPairs(db.kysely, await campaign())).find((r) => r.id === gold.g2.id)!;
		// g2 answers: tie, left, right → only evaluator 1 matches "left"
		expect(g2).toMatchObject({ expected: 'left', explanation: 'Sharper.', answers: 3, matching: 1 });

		const badChoice = await act(lead.client, `/c/${SLUG}/gold?/edit`, { id: gold.g2.id, expected: 'sideways' });
		expect(badChoice).toMatchObject({ type: 'failure', status: 400, data: { action: 'edit', field: 'expected' } });
		const tooLong = await act(lead.client, `/c/${SLUG}/gold?/edit`, { id: gold.g2.id, expected: 'tie', explanation: 'x'.repeat(2001) });
		expect(tooLong).toMatchObject({ type: 'failure', status: 400, data: { field: 'explanation' } });
		const unknown = await act(lead.client, `/c/${SLUG}/gold?/edit`, { id: 'nope', expected: 'tie' });
		expect(unknown).toMatchObject({ type: 'failure', status: 404, data: { field: 'id', values: { id: 'nope' } } });
		// nothing of the refused edits was written
		expect((await listGoldPairs(db.kysely, await campaign())).find((r) => r.id === gold.g2.id)).toMatchObject({ expected: 'left' });
	});

	it('removes a gold pair: gone from the page, the audit rows and the audit log says who', async () => {
		const removed = await act(lead.client, `/c/${SLUG}/gold?/remove`, { id: gold.g1.id });
		expect(removed).toMatchObject({ type: 'success', data: { id: gold.g1.id } });
		expect((await listGoldPairs(db.kysely, await campaign())).map((r) => r.id)).toEqual([gold.g2.id]);
		expect((await queue('sort=oldest')).votes.filter((v) => v.gold?.id === gold.g1.id)).toEqual([]);
		const again = await act(lead.client, `/c/${SLUG}/gold?/remove`, { id: gold.g1.id });
		expect(again).toMatchObject({ type: 'failure', status: 404, data: { field: 'id' } });
		const log = await db.kysely.selectFrom('audit_log').select(['action', 'actor_id']).where('action', 'like', 'gold.%').execute();
		expect(log.map((l) => l.action).sort()).toEqual(['gold.add', 'gold.add', 'gold.edit', 'gold.remove']);
		expect(log.filter((l) => l.action !== 'gold.add').every((l) => l.actor_id === leadId)).toBe(true);
	});
});

describe('campaign navigation', () => {
	/** The hrefs of the campaign navigation in a page's HTML, and the one marked current. */
	const nav = (html: string) => {
		const block = html.match(/<nav[^>]*aria-label="Campaign"[^>]*>([\s\S]*?)<\/nav>/)![1];
		return {
			links: [...block.matchAll(/href="([^"]+)"/g)].map((m) => m[1]),
			current: block.match(/<a href="([^"]+)" aria-current="page"/)?.[1] ?? null
		};
	};

	it('lists only the pages a role may open, and marks the current one', async () => {
		const asLead = nav(await (await lead.client.fetch(`/c/${SLUG}/audit`)).text());
		expect(asLead.links).toEqual(
			['', '/results', '/progress', '/audit', '/evaluators', '/gold', '/members', '/images', '/manage'].map((p) => `/c/${SLUG}${p}`)
		);
		expect(asLead.current).toBe(`/c/${SLUG}/audit`);
		const evaluator = new Browserless(server.url);
		evaluator.cookie = seeded.evaluators[0].cookie;
		// a blind campaign: no results for evaluators, and nothing of a lead's
		const asEvaluator = nav(await (await evaluator.fetch(`/c/${SLUG}/vote`)).text());
		expect(asEvaluator).toEqual({ links: [`/c/${SLUG}`, `/c/${SLUG}/vote`], current: `/c/${SLUG}/vote` });
	});
});
