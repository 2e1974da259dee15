// The evaluator's voting flow over real HTTP on a real SQLite file: a page opened before a lead
// changed the guidelines or the rationale minimum records the version it showed and learns the new
// rules from the vote's answer; a paused campaign or a reached quota is said as such.
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMigratedDatabase, type Db } from '../../src/lib/server/db/index.ts';
import { requireCampaign, setCampaignStatus, updateCampaignSettings, updateGuidelines } from '../../src/lib/server/campaigns/campaigns.ts';
import { api, seedCampaign, type SeededCampaign } from '../helpers/campaign.ts';
import { Browserless, startServer, type RunningServer } from '../helpers/server.ts';
import { act } from '../helpers/actions.ts';

let root: string;
let db: Db;
let server: RunningServer;
let campaign: SeededCampaign;
const SLUG = 'flow';

beforeAll(async () => {
	root = mkdtempSync(join(tmpdir(), 'pickwise-vote-flow-'));
	db = await openMigratedDatabase(`sqlite:${join(root, 'pickwise.db')}`);
	campaign = await seedCampaign(db.kysely, root, { slug: SLUG, systems: 4, prompts: 6, evaluators: 4, quota: 2 });
	server = await startServer(root);
});

afterAll(async () => {
	await server?.stop();
	await db?.close();
	rmSync(root, { recursive: true, force: true });
});

/** The lead's change, through the services the manage page calls. */
async function setRationaleMin(min: number) {
	const c = await requireCampaign(db.kysely, SLUG);
	await updateCampaignSettings(
		db.kysely,
		c,
		{
			status: c.status,
			allowTie: true,
			allowBothBad: true,
			blind: true,
			rationaleMinChars: min,
			goldRate: 0,
			repeatRate: 0,
			goldFeedback: false
		},
		null
	);
}

const storedVersion = async (voteId: string) =>
	(await db.kysely.selectFrom('vote').select('guidelines_version').where('id', '=', voteId).executeTakeFirstOrThrow()).guidelines_version;

describe('an open voting page and a lead changing the rules', () => {
	it('records the guidelines version the page showed, and answers with the new rules and text', async () => {
		await setRationaleMin(20);
		const [ev] = campaign.evaluators;
		const start = await requireCampaign(db.kysely, SLUG);
		const shown = start.guidelines_version;
		const next = await api(server.url, ev.cookie, `/api/v1/campaigns/${SLUG}/next`);
		expect(next.status).toBe(200);
		// the lead saves new guidelines while the page is open
		await updateGuidelines(db.kysely, start, '# Version two\n\nPrefer the image that **follows the prompt**.', null);
		const vote = {
			vote_id: crypto.randomUUID(),
			assignment_id: next.body.assignment.id,
			choice: 'left',
			rationale: 'The left one follows the prompt better.',
			guidelines_version: shown
		};
		const saved = await api(server.url, ev.cookie, `/api/v1/campaigns/${SLUG}/votes`, vote);
		expect(saved.status).toBe(201);
		expect(await storedVersion(vote.vote_id)).toBe(shown);
		expect(saved.body.rules).toEqual({ guidelines_version: shown + 1, rationale_min: 20 });
		expect(saved.body.guidelines.version).toBe(shown + 1);
		expect(saved.body.guidelines.html).toContain('<strong>follows the prompt</strong>');
		// a page that is up to date is not sent the text again
		const next2 = await api(server.url, ev.cookie, `/api/v1/campaigns/${SLUG}/next`);
		const current = { ...vote, vote_id: crypto.randomUUID(), assignment_id: next2.body.assignment.id, guidelines_version: shown + 1 };
		const again = await api(server.url, ev.cookie, `/api/v1/campaigns/${SLUG}/votes`, current);
		expect(again.status).toBe(201);
		expect(again.body.guidelines).toBeUndefined();
		expect(await storedVersion(current.vote_id)).toBe(shown + 1);
	});

	it('refuses a version this campaign never had, naming the field, and stores nothing', async () => {
		const [, ev] = campaign.evaluators;
		const next = await api(server.url, ev.cookie, `/api/v1/campaigns/${SLUG}/next`);
		const { guidelines_version: now } = await requireCampaign(db.kysely, SLUG);
		for (const bad of [now + 1, 0, -1, 1.5, 'v1', true]) {
			const vote = {
				vote_id: crypto.randomUUID(),
				assignment_id: next.body.assignment.id,
				choice: 'left',
				rationale: 'The left one is much sharper.',
				guidelines_version: bad
			};
			const refused = await api(server.url, ev.cookie, `/api/v1/campaigns/${SLUG}/votes`, vote);
			expect(refused.status, JSON.stringify(bad)).toBe(400);
			expect(refused.body.error.field).toBe('guidelines_version');
			expect(await db.kysely.selectFrom('vote').select('id').where('id', '=', vote.vote_id).executeTakeFirst()).toBeUndefined();
		}
		// a script that does not say which guidelines it showed: the current version, and the answer it always had
		const plain = {
			vote_id: crypto.randomUUID(),
			assignment_id: next.body.assignment.id,
			choice: 'left',
			rationale: 'The left one is much sharper.'
		};
		const saved = await api(server.url, ev.cookie, `/api/v1/campaigns/${SLUG}/votes`, plain);
		expect([saved.status, saved.body]).toEqual([201, { vote_id: plain.vote_id }]);
		expect(await storedVersion(plain.vote_id)).toBe(now);
	});

	it('checks a raised minimum and tells the page the minimum with the refusal', async () => {
		const [, ev] = campaign.evaluators;
		const { guidelines_version: version } = await requireCampaign(db.kysely, SLUG);
		const next = await api(server.url, ev.cookie, `/api/v1/campaigns/${SLUG}/next`);
		await setRationaleMin(30);
		onTestFinished(() => setRationaleMin(20));
		const rationale = 'Left is sharper, clearly.'; // 25 characters: enough for the old minimum of 20
		const vote = {
			vote_id: crypto.randomUUID(),
			assignment_id: next.body.assignment.id,
			choice: 'left',
			rationale,
			guidelines_version: version
		};
		const refused = await api(server.url, ev.cookie, `/api/v1/campaigns/${SLUG}/votes`, vote);
		expect(refused.status).toBe(400);
		expect(refused.body.error.field).toBe('rationale');
		expect(refused.body.error.message).toContain('at least 30');
		expect(refused.body.rules).toEqual({ guidelines_version: version, rationale_min: 30 });
		const longer = await api(server.url, ev.cookie, `/api/v1/campaigns/${SLUG}/votes`, {
			...vote,
			rationale: rationale + ' And more detail.'
		});
		expect(longer.status).toBe(201);
		expect(longer.body.rules.rationale_min).toBe(30);
	});

	it('the form without JavaScript records the version its page was rendered with', async () => {
		const [, , ev] = campaign.evaluators;
		const client = new Browserless(server.url);
		client.cookie = ev.cookie;
		const page = await (await client.fetch(`/c/${SLUG}/vote`)).text();
		const assignmentId = /name="assignment_id" value="([^"]+)"/.exec(page)![1];
		const shown = Number(/name="guidelines_version" value="(\d+)"/.exec(page)![1]);
		const c = await requireCampaign(db.kysely, SLUG);
		await updateGuidelines(db.kysely, c, c.guidelines_md + '\n\nOne more rule.', null);
		const voteId = crypto.randomUUID();
		const result = await act(client, `/c/${SLUG}/vote?/vote`, {
			vote_id: voteId,
			assignment_id: assignmentId,
			choice: 'right',
			rationale: 'The right one has cleaner detail.',
			guidelines_version: String(shown)
		});
		expect(result.type).toBe('redirect');
		expect(await storedVersion(voteId)).toBe(shown);
	});
});

describe('why there is no pair', () => {
	it('says that the campaign is paused, on the voting page and the campaign page (no "Start voting")', async () => {
		const [ev] = campaign.evaluators;
		const client = new Browserless(server.url);
		client.cookie = ev.cookie;
		await setCampaignStatus(db.kysely, await requireCampaign(db.kysely, SLUG), 'paused', null);
		try {
			const vote = await (await client.fetch(`/c/${SLUG}/vote`)).text();
			expect(vote).toContain('This campaign is paused');
			expect(vote).not.toContain('Nothing left to judge');
			const home = await (await client.fetch(`/c/${SLUG}`)).text();
			expect(home).toContain('This campaign is paused');
			expect(home).not.toContain('Start voting');
		} finally {
			await setCampaignStatus(db.kysely, await requireCampaign(db.kysely, SLUG), 'active', null);
		}
	});

	it('says that the quota is reached', async () => {
		const [ev, , , other] = campaign.evaluators;
		// judge until the server hands out no more pairs: the quota of 2
		for (;;) {
			const next = await api(server.url, ev.cookie, `/api/v1/campaigns/${SLUG}/next`);
			if (next.status === 204) break;
			const vote = { vote_id: crypto.randomUUID(), assignment_id: next.body.assignment.id, choice: 'left', rationale: 'x'.repeat(40) };
			expect((await api(server.url, ev.cookie, `/api/v1/campaigns/${SLUG}/votes`, vote)).status).toBe(201);
		}
		const client = new Browserless(server.url);
		client.cookie = ev.cookie;
		const vote = await (await client.fetch(`/c/${SLUG}/vote`)).text();
		expect(vote).toContain('You have reached your quota');
		const home = await (await client.fetch(`/c/${SLUG}`)).text();
		expect(home).toContain('You have reached your quota');
		expect(home).not.toContain('Start voting');
		// and one below their quota is offered to start
		client.cookie = other.cookie;
		expect(await (await client.fetch(`/c/${SLUG}`)).text()).toContain('Start voting');
	});
});
