// Region marks, missing prompt elements and reason tags through the real server on a real SQLite
// file: every bad input is a 400 naming its field with nothing written; a good vote stores them
// exactly (in the vote's own transaction); undo takes them away with the vote; the lead's settings
// are checked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMigratedDatabase, type Db } from '../../src/lib/server/db/index.ts';
import { api, seedCampaign, type SeededCampaign } from '../helpers/campaign.ts';
import { Browserless, startServer, type RunningServer } from '../helpers/server.ts';
import { act } from '../helpers/actions.ts';
import { createUser } from '../../src/lib/server/auth/users.ts';
import { addMember } from '../../src/lib/server/campaigns/campaigns.ts';
import { createSession } from '../../src/lib/server/auth/session.ts';

let root: string;
let db: Db;
let server: RunningServer;
let campaign: SeededCampaign;
let lead: Browserless;
let campaignId: string;

const SLUG = 'marks';
const rationale = 'The left one is clearly sharper here.';

async function rows() {
	const [marks, missing, tags, votes] = await Promise.all(
		(['vote_mark', 'vote_missing', 'vote_tag', 'vote'] as const).map((t) =>
			db.kysely
				.selectFrom(t)
				.select((eb) => eb.fn.countAll<number>().as('n'))
				.where('campaign_id', '=', campaignId)
				.executeTakeFirstOrThrow()
		)
	);
	return { marks: Number(marks.n), missing: Number(missing.n), tags: Number(tags.n), votes: Number(votes.n) };
}

async function nextPair(cookie: string) {
	const next = await api(server.url, cookie, `/api/v1/campaigns/${SLUG}/next`);
	expect(next.status).toBe(200);
	return next.body.assignment as { id: string; prompt: string };
}

beforeAll(async () => {
	root = mkdtempSync(join(tmpdir(), 'pickwise-marks-'));
	db = await openMigratedDatabase(`sqlite:${join(root, 'pickwise.db')}`);
	campaign = await seedCampaign(db.kysely, root, { slug: SLUG, systems: 3, prompts: 6, evaluators: 2 });
	campaignId = (await db.kysely.selectFrom('campaign').select('id').where('slug', '=', SLUG).executeTakeFirstOrThrow()).id;
	const user = await createUser(db.kysely, { email: `lead@${SLUG}.test`, password: 'lead-password-long' });
	await addMember(db.kysely, { slug: SLUG, email: `lead@${SLUG}.test`, role: 'lead' });
	server = await startServer(root);
	lead = new Browserless(server.url);
	lead.cookie = `pickwise_session=${(await createSession(db.kysely, user.id)).token}`;
});

afterAll(async () => {
	await server?.stop();
	await db?.close();
	rmSync(root, { recursive: true, force: true });
});

describe('reason tag settings', () => {
	it.each([
		[{ reason_tags: 'Bad Key!: Sharper' }, 'reason_tags', /key/],
		[{ reason_tags: 'a: one\na: two' }, 'reason_tags', /used twice/],
		[{ reason_tags: `sharp: ${'x'.repeat(41)}` }, 'reason_tags', /label/],
		[{ reason_tags: Array.from({ length: 21 }, (_, i) => `t${i}: T${i}`).join('\n') }, 'reason_tags', /at most 20/],
		[{ prompt_phrases: '!!!' }, 'prompt_phrases', /letter or digit/],
		[{ prompt_phrases: 'x'.repeat(81) }, 'prompt_phrases', /1–80/]
	])('refuses %o naming %s', async (form, field, message) => {
		const before = (await db.kysely.selectFrom('campaign').select('settings').where('id', '=', campaignId).executeTakeFirstOrThrow())
			.settings;
		const r = await act(lead, `/c/${SLUG}/manage?/reasonTags`, form);
		expect(r.status).toBe(400);
		expect(r.data.field).toBe(field);
		expect(r.data.message).toMatch(message);
		const after = (await db.kysely.selectFrom('campaign').select('settings').where('id', '=', campaignId).executeTakeFirstOrThrow())
			.settings;
		expect(after).toBe(before);
	});

	it('stores tags (key: label, or a label alone), phrases and the rationale option, audit-logged', async () => {
		const r = await act(lead, `/c/${SLUG}/manage?/reasonTags`, {
			reason_tags: 'sharper: Sharper\nFollows the prompt\n',
			prompt_phrases: 'prompt number\n',
			tags_count: ''
		});
		expect(r.type).toBe('success');
		const settings = JSON.parse(
			(await db.kysely.selectFrom('campaign').select('settings').where('id', '=', campaignId).executeTakeFirstOrThrow()).settings
		);
		expect(settings.reasonTags).toEqual([
			{ key: 'sharper', label: 'Sharper' },
			{ key: 'follows-the-prompt', label: 'Follows the prompt' }
		]);
		expect(settings.promptPhrases).toEqual(['prompt number']);
		expect(settings.tagsCountTowardRationale).toBe(false);
		// the other settings are kept
		expect(settings.goldRate).toBe(0.05);
		const log = await db.kysely.selectFrom('audit_log').select('action').where('action', '=', 'campaign.reason_tags').execute();
		expect(log.length).toBeGreaterThan(0);
	});
});

describe('marks, missing elements and tags with a vote', () => {
	const good = {
		marks: [
			{ side: 'left', kind: 'artifacts', x: 0.1, y: 0.2, w: 0.3, h: 0.25 },
			{ side: 'right', kind: 'watermark', x: 0.9, y: 0.95 },
			{ side: 'left', kind: 'distorted_anatomy', x: 0.5, y: 0.5, w: 0, h: 0 }
		],
		missing: { left: ['prompt number'], right: ['number'] },
		tags: ['sharper']
	};

	it.each([
		['marks', { marks: [{ side: 'left', kind: 'artifacts', x: 1.2, y: 0 }] }, /mark 1/],
		['marks', { marks: [good.marks[0], { side: 'left', kind: 'artifacts', x: -0.5, y: 0.1 }] }, /mark 2: coordinates/],
		['marks', { marks: [{ side: 'left', kind: 'artifacts', x: 0.1, y: 0.1, w: 0.2, h: 0 }] }, /width and a height/],
		['marks', { marks: [{ side: 'left', kind: 'nope', x: 0.1, y: 0.1 }] }, /unknown kind/],
		['marks', { marks: Array.from({ length: 51 }, () => ({ side: 'right', kind: 'artifacts', x: 0.5, y: 0.5 })) }, /at most 50/],
		['marks', { marks: { left: [] } }, /list/],
		['missing', { missing: { left: ['elephant'] } }, /not an element/],
		['missing', { missing: { middle: ['number'] } }, /unknown side/],
		['tags', { tags: ['nope'] }, /unknown tag/],
		['tags', { tags: 'sharper' }, /list/]
	])('refuses bad %s (%o) with a 400 naming it, and writes nothing', async (field, extra, message) => {
		const e = campaign.evaluators[0];
		const pair = await nextPair(e.cookie);
		const before = await rows();
		// the good parts ride along: a bad field anywhere means none of it is written
		const body = { vote_id: crypto.randomUUID(), assignment_id: pair.id, choice: 'left', rationale, ...good, ...extra };
		const r = await api(server.url, e.cookie, `/api/v1/campaigns/${SLUG}/votes`, body);
		expect(r.status).toBe(400);
		expect(r.body.error.field).toBe(field);
		expect(r.body.error.message).toMatch(message);
		expect(await rows()).toEqual(before);
	});

	it('stores a good vote exactly, and undo removes them with the vote', async () => {
		const e = campaign.evaluators[1];
		const pair = await nextPair(e.cookie);
		expect(pair.prompt).toMatch(/^prompt number \d$/);
		const before = await rows();
		const voteId = crypto.randomUUID();
		const body = { vote_id: voteId, assignment_id: pair.id, choice: 'left', rationale, ...good };
		const r = await api(server.url, e.cookie, `/api/v1/campaigns/${SLUG}/votes`, body);
		expect(r.status).toBe(201);
		const marks = await db.kysely
			.selectFrom('vote_mark')
			.select(['side', 'position', 'kind', 'x', 'y', 'w', 'h'])
			.where('vote_id', '=', voteId)
			.orderBy('side')
			.orderBy('position')
			.execute();
		expect(marks).toEqual([
			{ side: 'left', position: 1, kind: 'artifacts', x: 0.1, y: 0.2, w: 0.3, h: 0.25 },
			{ side: 'left', position: 2, kind: 'distorted_anatomy', x: 0.5, y: 0.5, w: 0, h: 0 },
			{ side: 'right', position: 1, kind: 'watermark', x: 0.9, y: 0.95, w: 0, h: 0 }
		]);
		const missing = await db.kysely
			.selectFrom('vote_missing')
			.select(['side', 'element'])
			.where('vote_id', '=', voteId)
			.orderBy('side')
			.execute();
		expect(missing).toEqual([
			{ side: 'left', element: 'prompt number' },
			{ side: 'right', element: 'number' }
		]);
		const tags = await db.kysely.selectFrom('vote_tag').select('tag').where('vote_id', '=', voteId).execute();
		expect(tags).toEqual([{ tag: 'sharper' }]);
		// a retry with the same vote_id stores nothing twice
		const again = await api(server.url, e.cookie, `/api/v1/campaigns/${SLUG}/votes`, body);
		expect(again.status).toBe(200);
		expect(await rows()).toEqual({ votes: before.votes + 1, marks: before.marks + 3, missing: before.missing + 2, tags: before.tags + 1 });

		const undo = await api(server.url, e.cookie, `/api/v1/campaigns/${SLUG}/votes/${voteId}/undo`, {});
		expect(undo.status).toBe(200);
		expect(await rows()).toEqual(before);
	});

	it('tags count toward the minimum rationale only when the lead allows it', async () => {
		const e = campaign.evaluators[0];
		// "Follows the prompt" is 18 characters; the minimum is 20
		const short = 'Crisp.';
		const vote = async () => {
			const pair = await nextPair(e.cookie);
			const body = {
				vote_id: crypto.randomUUID(),
				assignment_id: pair.id,
				choice: 'right',
				rationale: short,
				tags: ['follows-the-prompt']
			};
			return api(server.url, e.cookie, `/api/v1/campaigns/${SLUG}/votes`, body);
		};
		const refused = await vote();
		expect(refused.status).toBe(400);
		expect(refused.body.error.field).toBe('rationale');
		const saved = await act(lead, `/c/${SLUG}/manage?/reasonTags`, {
			reason_tags: 'sharper: Sharper\nfollows-the-prompt: Follows the prompt',
			prompt_phrases: 'prompt number',
			tags_count: 'on'
		});
		expect(saved.type).toBe('success');
		const counted = await vote();
		expect(counted.status).toBe(201);
	});
});
