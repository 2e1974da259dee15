// Review reaches the evaluator: a rejected vote's comment and a lead's note show on the evaluator's
// own page (/c/<slug>/me) over real HTTP, with both images served through the vote's assignment
// and no system named while the campaign is blind; nobody else reads that page's content, and a
// refused note writes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMigratedDatabase, type Db } from '../../src/lib/server/db/index.ts';
import { createUser } from '../../src/lib/server/auth/users.ts';
import { addMember, requireCampaign } from '../../src/lib/server/campaigns/campaigns.ts';
import { addGoldPair, goldExpectation, issueSpecialAssignment } from '../../src/lib/server/voting/gold-and-repeats.ts';
import { castVote } from '../../src/lib/server/voting/cast-vote.ts';
import { createSession } from '../../src/lib/server/auth/session.ts';
import { api, seedCampaign, type SeededCampaign } from '../helpers/campaign.ts';
import { act } from '../helpers/actions.ts';
import { Browserless, startServer, type RunningServer } from '../helpers/server.ts';

const SLUG = 'feedback';
const COMMENT = 'Look at the hands <b>first</b>: the left one has six fingers.';
const NOTE = 'Please re-read the part on anatomy.\nThanks! <script>alert(1)</script>';

let root: string;
let db: Db;
let server: RunningServer;
let seeded: SeededCampaign;
let voteId: string;
let assignmentId: string;
const clients: Record<'lead' | 'researcher' | 'ev0' | 'ev1', Browserless> = {} as never;

async function html(who: keyof typeof clients, path: string) {
	const response = await clients[who].fetch(path, { headers: { accept: 'text/html' } });
	return { status: response.status, text: await response.text() };
}

async function noteCount() {
	const row = await db.kysely
		.selectFrom('evaluator_note')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.executeTakeFirstOrThrow();
	return Number(row.n);
}

beforeAll(async () => {
	root = mkdtempSync(join(tmpdir(), 'pickwise-feedback-'));
	db = await openMigratedDatabase(`sqlite:${join(root, 'pickwise.db')}`);
	seeded = await seedCampaign(db.kysely, root, { slug: SLUG, systems: 3, prompts: 2, evaluators: 2 });
	server = await startServer(root);
	for (const role of ['lead', 'researcher'] as const) {
		const user = await createUser(db.kysely, { email: `${role}@feedback.test`, password: 'feedback-password' });
		await addMember(db.kysely, { slug: SLUG, email: `${role}@feedback.test`, role });
		clients[role] = new Browserless(server.url);
		clients[role].cookie = `pickwise_session=${(await createSession(db.kysely, user.id)).token}`;
	}
	for (const [i, e] of seeded.evaluators.entries()) {
		clients[i === 0 ? 'ev0' : 'ev1'] = new Browserless(server.url);
		clients[i === 0 ? 'ev0' : 'ev1'].cookie = e.cookie;
	}
	// the first evaluator votes; the lead rejects the vote with a comment (both over HTTP)
	const ev0 = seeded.evaluators[0];
	const next = await api(server.url, ev0.cookie, `/api/v1/campaigns/${SLUG}/next`);
	expect(next.status).toBe(200);
	assignmentId = next.body.assignment.id;
	voteId = crypto.randomUUID();
	const vote = await api(server.url, ev0.cookie, `/api/v1/campaigns/${SLUG}/votes`, {
		vote_id: voteId,
		assignment_id: assignmentId,
		choice: 'left',
		rationale: 'The left one looks more natural to me.'
	});
	expect(vote.status).toBe(201);
	const review = await api(server.url, clients.lead.cookie, `/api/v1/votes/${voteId}/review`, { decision: 'reject', comment: COMMENT });
	expect(review.status).toBe(200);
});

afterAll(async () => {
	await server?.stop();
	await db?.close();
	rmSync(root, { recursive: true, force: true });
});

describe('feedback to evaluators', () => {
	it("a lead's note shows as unread on the vote page, as plain text on the evaluator's page, then as read", async () => {
		const sent = await act(clients.lead, `/c/${SLUG}/evaluators/${seeded.evaluators[0].id}/notes?/send`, { note: NOTE });
		expect(sent).toMatchObject({ type: 'success', data: { action: 'send', saved: expect.stringContaining('Note sent') } });
		expect((await html('ev0', `/c/${SLUG}/vote`)).text).toMatch(/· \d+ new notes?/);
		const page = await html('ev0', `/c/${SLUG}/me`);
		expect(page.status).toBe(200);
		// plain text, never markup
		expect(page.text).toContain('Thanks! &lt;script>alert(1)&lt;/script>');
		expect(page.text).toMatch(/\(\d+ new\)/);
		// seen once: read now, on this page and on the vote page, and the lead sees when
		expect((await html('ev0', `/c/${SLUG}/vote`)).text).not.toContain('new note');
		const again = await html('ev0', `/c/${SLUG}/me`);
		expect(again.text).toContain('Thanks! &lt;script>');
		expect(again.text).not.toMatch(/\(\d+ new\)/);
		const lead = await html('lead', `/c/${SLUG}/evaluators/${seeded.evaluators[0].id}/notes`);
		expect(lead.status).toBe(200);
		expect(lead.text).toMatch(/read \d{4}-\d\d-\d\d/);
	});

	it("the evaluator's page shows the rejected vote with the lead's comment and both images, and no system while blind", async () => {
		const page = await html('ev0', `/c/${SLUG}/me`);
		expect(page.status).toBe(200);
		expect(page.text).toContain('Look at the hands &lt;b>first&lt;/b>');
		expect(page.text).not.toContain('<b>first</b>');
		expect(page.text).toContain('The left one looks more natural to me.');
		expect(page.text).toContain('version 1');
		// the images through the vote's own lease, never by image id
		expect(page.text).toContain(`/i/a/${assignmentId}/left`);
		expect(page.text).toContain(`/i/a/${assignmentId}/right`);
		const images = await db.kysely.selectFrom('image').select(['id', 'sha256', 'stored_path']).execute();
		for (const image of images) {
			expect(page.text).not.toContain(image.id);
			expect(page.text).not.toContain(image.sha256);
			expect(page.text).not.toContain(image.stored_path);
		}
		expect(page.text).not.toMatch(/system-\d/);
		for (const side of ['left', 'right']) {
			const response = await clients.ev0.fetch(`/i/a/${assignmentId}/${side}`);
			expect(response.status).toBe(200);
			expect(response.headers.get('content-type')).toMatch(/^image\//);
			await response.arrayBuffer();
		}
	});

	it('another evaluator reads none of it, and cannot load those images', async () => {
		const other = await html('ev1', `/c/${SLUG}/me`);
		expect(other.status).toBe(200);
		expect(other.text).not.toContain('Look at the hands');
		expect(other.text).not.toContain('Thanks!');
		expect(other.text).not.toContain(assignmentId);
		for (const side of ['left', 'right']) {
			const response = await clients.ev1.fetch(`/i/a/${assignmentId}/${side}`);
			expect(response.status).toBe(404);
			await response.arrayBuffer();
		}
		// nor the lead's view of the notes, nor send one
		expect((await html('ev1', `/c/${SLUG}/evaluators/${seeded.evaluators[0].id}/notes`)).status).toBe(403);
		const before = await noteCount();
		const send = await act(clients.ev1, `/c/${SLUG}/evaluators/${seeded.evaluators[0].id}/notes?/send`, { note: 'hi' });
		expect(send.status).toBe(403);
		expect(await noteCount()).toBe(before);
		// researchers and leads have no evaluator page
		expect((await html('researcher', `/c/${SLUG}/me`)).status).toBe(403);
		expect((await html('lead', `/c/${SLUG}/me`)).status).toBe(403);
	});

	it('refuses a note over 2,000 characters, an empty one, one with NUL, or to a non-evaluator, naming the field and writing nothing', async () => {
		const to = `/c/${SLUG}/evaluators/${seeded.evaluators[0].id}/notes?/send`;
		const before = await noteCount();
		const long = await act(clients.lead, to, { note: 'x'.repeat(2001) });
		expect(long).toMatchObject({ type: 'failure', status: 400, data: { field: 'note', message: expect.stringContaining('2000') } });
		expect(long.data.values.note).toHaveLength(2001);
		expect(await act(clients.lead, to, { note: '   ' })).toMatchObject({ status: 400, data: { field: 'note' } });
		expect(await act(clients.lead, to, { note: 'a\0b' })).toMatchObject({ status: 400, data: { field: 'note' } });
		const lead = await db.kysely.selectFrom('user').select('id').where('email', '=', 'lead@feedback.test').executeTakeFirstOrThrow();
		expect(await act(clients.lead, `/c/${SLUG}/evaluators/${lead.id}/notes?/send`, { note: 'hello' })).toMatchObject({
			status: 404,
			data: { field: 'user_id' }
		});
		// without JavaScript: the same refusal, as the notes page with the message
		const plain = await clients.lead.fetch(to, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
			body: new URLSearchParams({ note: 'y'.repeat(2001) }).toString()
		});
		expect(plain.status).toBe(400);
		expect(await plain.text()).toContain('note must be at most 2000 characters');
		expect(await noteCount()).toBe(before);
		// exactly the limit is fine
		expect(await act(clients.lead, to, { note: 'z'.repeat(2000) })).toMatchObject({ type: 'success' });
		expect(await noteCount()).toBe(before + 1);
	});

	it('counts gold votes only up to today, so that a reload after a vote cannot tell a gold pair', async () => {
		const campaign = await requireCampaign(db.kysely, SLUG);
		const ev1 = seeded.evaluators[1];
		const images = await db.kysely
			.selectFrom('image')
			.innerJoin('prompt', 'prompt.id', 'image.prompt_id')
			.select('image.id')
			.where('prompt.text', '=', 'prompt number 1')
			.orderBy('image.id')
			.execute();
		for (const other of images.slice(1))
			await addGoldPair(db.kysely, campaign, { leftImageId: images[0].id, rightImageId: other.id, expected: 'left' }, null);
		const votes: string[] = [];
		for (let i = 0; i < 2; i++) {
			const gold = (await issueSpecialAssignment(db.kysely, campaign, ev1.id, Date.now(), () => 0))!;
			expect(gold.kind).toBe('gold');
			const expected = (await goldExpectation(db.kysely, campaign.id, gold.left_image_id, gold.right_image_id))!.expected;
			votes.push(crypto.randomUUID());
			await castVote(db.kysely, campaign, ev1.id, {
				voteId: votes[i],
				assignmentId: gold.id,
				choice: expected,
				rationale: 'The expected one is plainly better here.'
			});
		}
		// one of them yesterday: it counts; today's does not yet
		await db.kysely
			.updateTable('vote')
			.set({ submitted_at: Date.now() - 2 * 86_400_000 })
			.where('id', '=', votes[0])
			.execute();
		const page = await html('ev1', `/c/${SLUG}/me`);
		expect(page.text).toContain('100% (1 of 1)');
		expect(page.text).not.toContain('100% (2 of 2)');
	});

	it('names the systems once the campaign is no longer blind', async () => {
		await db.kysely.updateTable('campaign').set({ blind: 0 }).where('slug', '=', SLUG).execute();
		try {
			const page = await html('ev0', `/c/${SLUG}/me`);
			expect(page.text).toMatch(/Left: system-\d/);
			expect(page.text).toMatch(/Right: system-\d/);
		} finally {
			await db.kysely.updateTable('campaign').set({ blind: 1 }).where('slug', '=', SLUG).execute();
		}
	});
});
