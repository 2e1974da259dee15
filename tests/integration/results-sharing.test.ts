// Open results pages reload when the vote count moves, all at about the same time: the server must
// compute the page's numbers (bootstrap, rating history, matrices) once per change for all of them,
// not once per viewer. Over real HTTP against the built server; the page carries which computation
// produced its numbers (data-computation), so sharing is visible without timing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMigratedDatabase } from '../../src/lib/server/db/index.ts';
import { createUser } from '../../src/lib/server/auth/users.ts';
import { addMember, requireCampaign } from '../../src/lib/server/campaigns/campaigns.ts';
import { createSession } from '../../src/lib/server/auth/session.ts';
import { nextAssignment } from '../../src/lib/server/voting/leases.ts';
import { castVote } from '../../src/lib/server/voting/cast-vote.ts';
import { api, seedCampaign, type SeededCampaign, openForVoting } from '../helpers/campaign.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

const SLUG = 'shared';
const VIEWERS = 8;
let root: string;
let server: RunningServer;
let seeded: SeededCampaign;
let researcher: string;

beforeAll(async () => {
	root = mkdtempSync(join(tmpdir(), 'pickwise-sharing-'));
	const db = await openMigratedDatabase(`sqlite:${join(root, 'pickwise.db')}`);
	seeded = await seedCampaign(db.kysely, root, { slug: SLUG, systems: 4, prompts: 6, evaluators: 2 });
	const user = await createUser(db.kysely, { email: 'researcher@shared.test', password: 'researcher-password' });
	await addMember(db.kysely, { slug: SLUG, email: 'researcher@shared.test', role: 'researcher' });
	researcher = `pickwise_session=${(await createSession(db.kysely, user.id)).token}`;
	// no hidden repeats or gold pairs: every vote below is a normal one, so each moves the count by one
	await openForVoting(db.kysely, SLUG);
	// enough votes for a ranking (ties everywhere keep every rating finite)
	const campaign = await requireCampaign(db.kysely, SLUG);
	for (let i = 0; i < 12; i++) {
		const evaluator = seeded.evaluators[i % 2];
		const pair = (await nextAssignment(db.kysely, campaign, evaluator.id, null))!;
		await castVote(db.kysely, campaign, evaluator.id, {
			voteId: crypto.randomUUID(),
			assignmentId: pair.assignment.id,
			choice: 'tie',
			rationale: 'Both are about as good as each other.'
		});
	}
	await db.close();
	server = await startServer(root);
}, 60_000);

afterAll(async () => {
	await server?.stop();
	rmSync(root, { recursive: true, force: true });
});

/** The results page as a viewer gets it: which computation its numbers came from, and the vote count. */
async function viewResults(): Promise<{ computation: number; votes: number }> {
	const response = await fetch(`${server.url}/c/${SLUG}/results`, { headers: { cookie: researcher, accept: 'text/html' } });
	expect(response.status).toBe(200);
	const html = await response.text();
	const computation = /data-computation="(\d+)"/.exec(html);
	const votes = /(\d+) votes · ties/.exec(html);
	expect(computation, 'the page names its computation').not.toBeNull();
	expect(votes, 'the page shows a leaderboard').not.toBeNull();
	return { computation: Number(computation![1]), votes: Number(votes![1]) };
}

describe('results pages', () => {
	it('compute once per change of the votes for every viewer', async () => {
		const before = await viewResults();
		expect(before.votes).toBe(12);
		// nothing changed: the next viewer gets the same numbers
		expect((await viewResults()).computation).toBe(before.computation);

		// a vote through the API, as the voting page sends it
		const evaluator = seeded.evaluators[0];
		const next = await api(server.url, evaluator.cookie, `/api/v1/campaigns/${SLUG}/next`);
		expect(next.status).toBe(200);
		const vote = await api(server.url, evaluator.cookie, `/api/v1/campaigns/${SLUG}/votes`, {
			vote_id: crypto.randomUUID(),
			assignment_id: next.body.assignment.id,
			choice: 'tie',
			rationale: 'Both are about as good as each other.'
		});
		expect(vote.status).toBe(201);

		// every open page reloads at once: one new computation, shared by all of them
		const views = await Promise.all(Array.from({ length: VIEWERS }, () => viewResults()));
		expect(views.map((v) => v.votes)).toEqual(Array(VIEWERS).fill(13));
		expect(new Set(views.map((v) => v.computation)).size).toBe(1);
		expect(views[0].computation).toBeGreaterThan(before.computation);
		// and it stays the answer until the next change
		expect((await viewResults()).computation).toBe(views[0].computation);
	}, 60_000);
});
