// The review API addresses votes without a campaign. Someone who cannot see a vote's campaign must
// not learn from it that the vote exists, nor the campaign's name: an unknown id and a foreign one
// get the same 404 with the same body.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMigratedDatabase } from '../../src/lib/server/db/index.ts';
import { createUser } from '../../src/lib/server/auth/users.ts';
import { addMember, createCampaign, requireCampaign } from '../../src/lib/server/campaigns/campaigns.ts';
import { createSession } from '../../src/lib/server/auth/session.ts';
import { nextAssignment } from '../../src/lib/server/voting/leases.ts';
import { castVote } from '../../src/lib/server/voting/cast-vote.ts';
import { seedCampaign } from '../helpers/campaign.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

let root: string;
let server: RunningServer;
let voteId: string;
const cookies: Record<string, string> = {};

beforeAll(async () => {
	root = mkdtempSync(join(tmpdir(), 'pickwise-review-'));
	const db = await openMigratedDatabase(`sqlite:${join(root, 'pickwise.db')}`);
	const seeded = await seedCampaign(db.kysely, root, { slug: 'secret-project', systems: 2, prompts: 1, evaluators: 1 });
	const campaign = await requireCampaign(db.kysely, 'secret-project');
	const pair = (await nextAssignment(db.kysely, campaign, seeded.evaluators[0].id, null))!;
	voteId = crypto.randomUUID();
	await castVote(db.kysely, campaign, seeded.evaluators[0].id, {
		voteId,
		assignmentId: pair.assignment.id,
		choice: 'left',
		rationale: 'A reason that is long enough.'
	});
	await createCampaign(db.kysely, { slug: 'other-project', name: 'Other' });
	const users: [string, string | null][] = [
		['outsider', null],
		['other-researcher', 'researcher'],
		['other-lead', 'lead'],
		['lead', 'lead']
	];
	for (const [name, role] of users) {
		const email = `${name}@review.test`;
		const user = await createUser(db.kysely, { email, password: 'review-password' });
		if (role) await addMember(db.kysely, { slug: name === 'lead' ? 'secret-project' : 'other-project', email, role });
		cookies[name] = `pickwise_session=${(await createSession(db.kysely, user.id)).token}`;
	}
	await db.close();
	server = await startServer(root);
});

afterAll(async () => {
	await server?.stop();
	rmSync(root, { recursive: true, force: true });
});

async function review(who: string, id: string) {
	const response = await fetch(`${server.url}/api/v1/votes/${id}/review`, {
		method: 'POST',
		headers: { cookie: cookies[who], origin: server.url, accept: 'application/json', 'content-type': 'application/json' },
		body: JSON.stringify({ decision: 'reject', comment: 'probing' })
	});
	return { status: response.status, body: await response.text() };
}

describe('review API for people outside the campaign', () => {
	it('answers a foreign vote exactly as an unknown one, never naming the campaign', async () => {
		const unknown = await review('outsider', crypto.randomUUID());
		expect(unknown.status).toBe(404);
		for (const who of ['outsider', 'other-researcher', 'other-lead']) {
			const foreign = await review(who, voteId);
			expect(foreign).toEqual(unknown);
			expect(foreign.body).not.toContain('secret-project');
			expect(await review(who, crypto.randomUUID())).toEqual(unknown);
		}
	});

	it('still lets the campaign lead review it', async () => {
		const ok = await review('lead', voteId);
		expect(ok.status).toBe(200);
		expect(JSON.parse(ok.body)).toMatchObject({ vote_id: voteId, decision: 'reject', status: 'rejected' });
	});
});
