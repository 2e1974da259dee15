// Campaigns and members from the browser over real HTTP: who may create one, the draft → active →
// paused → closed moves (evaluators get pairs only while active; closed is read-only but stays in
// results and exports), members by email (an unknown one becomes an invitation), role and quota
// changes, removal (votes stay), and the progress page's numbers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMigratedDatabase, type Db } from '../../src/lib/server/db/index.ts';
import { createUser } from '../../src/lib/server/auth/users.ts';
import { importImages } from '../../src/lib/server/images/import.ts';
import { solidPng } from '../helpers/images.ts';
import { api } from '../helpers/campaign.ts';
import { Browserless, startServer, type RunningServer } from '../helpers/server.ts';
import { act, linkPath } from '../helpers/actions.ts';

let root: string;
let db: Db;
let server: RunningServer;
let admin: Browserless;
let lead: Browserless;
let evaluator: Browserless;
const PASSWORD = 'lifecycle-password';
const SLUG = 'lifecycle';

beforeAll(async () => {
	root = mkdtempSync(join(tmpdir(), 'pickwise-lifecycle-'));
	db = await openMigratedDatabase(`sqlite:${join(root, 'pickwise.db')}`);
	await createUser(db.kysely, { email: 'admin@life.test', password: PASSWORD, isAdmin: true });
	await createUser(db.kysely, { email: 'lead@life.test', password: PASSWORD });
	await createUser(db.kysely, { email: 'eva@life.test', password: PASSWORD });
	server = await startServer(root);
	admin = new Browserless(server.url);
	lead = new Browserless(server.url);
	evaluator = new Browserless(server.url);
	await admin.login('admin@life.test', PASSWORD);
	await lead.login('lead@life.test', PASSWORD);
	await evaluator.login('eva@life.test', PASSWORD);
});

afterAll(async () => {
	await server?.stop();
	await db?.close();
	rmSync(root, { recursive: true, force: true });
});

const campaignRow = () => db.kysely.selectFrom('campaign').selectAll().where('slug', '=', SLUG).executeTakeFirstOrThrow();
const userId = async (email: string) =>
	(await db.kysely.selectFrom('user').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
const html = async (client: Browserless, path: string) => {
	const r = await client.fetch(path, { headers: { accept: 'text/html' } });
	return { status: r.status, text: await r.text() };
};
const setStatus = (to: string) => act(lead, `/c/${SLUG}/progress?/status`, { status: to });
const nextPair = () => api(server.url, evaluator.cookie, `/api/v1/campaigns/${SLUG}/next`);

async function importSet() {
	const set = join(root, 'set');
	mkdirSync(set, { recursive: true });
	const lines = ['image_path,prompt,system'];
	for (let p = 0; p < 2; p++) {
		for (let s = 0; s < 3; s++) {
			writeFileSync(join(set, `${p}-${s}.png`), await solidPng(8, 8, { r: p * 40, g: s * 60, b: 9 }));
			lines.push(`${p}-${s}.png,prompt ${p},system-${s}`);
		}
	}
	writeFileSync(join(set, 'manifest.csv'), lines.join('\n') + '\n');
	await importImages(db.kysely, { campaign: SLUG, manifestPath: join(set, 'manifest.csv'), dataDir: root });
}

describe('creating a campaign', () => {
	it('is for admins and for members an admin allowed', async () => {
		expect((await html(lead, '/campaigns/new')).status).toBe(403);
		expect((await act(lead, '/campaigns/new', { slug: SLUG, name: 'Lifecycle' })).status).toBe(403);
		const allow = await act(admin, '/admin?/creators', { user_id: await userId('lead@life.test'), allowed: 'on' });
		expect(allow.type).toBe('success');
		expect((await html(lead, '/campaigns/new')).status).toBe(200);
		expect((await html(lead, '/')).text).toContain('New campaign');
	});

	it('refuses bad input at the field and writes nothing', async () => {
		const bad = await act(lead, '/campaigns/new', { slug: 'Not A Slug', name: 'Lifecycle' });
		expect(bad).toMatchObject({ type: 'failure', status: 400, data: { field: 'slug', values: { slug: 'Not A Slug' } } });
		const rate = await act(lead, '/campaigns/new', { slug: SLUG, name: 'Lifecycle', gold_rate: '80' });
		expect(rate).toMatchObject({ type: 'failure', status: 400, data: { field: 'gold_rate' } });
		const target = await act(lead, '/campaigns/new', { slug: SLUG, name: 'Lifecycle', target_battles: '0' });
		expect(target).toMatchObject({ type: 'failure', status: 400, data: { field: 'target_battles' } });
		expect(await db.kysely.selectFrom('campaign').select('id').execute()).toHaveLength(0);
	});

	it('creates a draft with the voting rules given, its creator its lead', async () => {
		const r = await act(lead, '/campaigns/new', {
			slug: SLUG,
			name: 'Lifecycle',
			description: 'Three systems',
			guidelines: '# Pick the better image\r\nWhy.',
			rationale_min_chars: '5',
			gold_rate: '0',
			repeat_rate: '0',
			allow_tie: 'on',
			blind: 'on',
			target_battles: '4'
		});
		expect(r).toMatchObject({ type: 'redirect', location: `/c/${SLUG}/progress` });
		const c = await campaignRow();
		expect(c).toMatchObject({
			status: 'draft',
			allow_tie: 1,
			allow_both_bad: 0,
			blind: 1,
			rationale_min_chars: 5,
			target_battles: 4,
			guidelines_md: '# Pick the better image\nWhy.'
		});
		expect(JSON.parse(c.settings)).toMatchObject({ goldRate: 0, repeatRate: 0 });
		const member = await db.kysely.selectFrom('campaign_member').selectAll().where('campaign_id', '=', c.id).executeTakeFirstOrThrow();
		expect(member).toMatchObject({ user_id: await userId('lead@life.test'), role: 'lead' });
		const dup = await act(lead, '/campaigns/new', { slug: SLUG, name: 'Again' });
		expect(dup).toMatchObject({ type: 'failure', status: 409, data: { field: 'slug' } });
	});
});

describe('members', () => {
	it('adds a known account with a role and quota; a second add of the same email is refused at the field', async () => {
		const r = await act(lead, `/c/${SLUG}/members?/add`, { email: 'Eva@life.test', role: 'evaluator', quota: '10' });
		expect(r).toMatchObject({ type: 'success', data: { link: null } });
		const again = await act(lead, `/c/${SLUG}/members?/add`, { email: 'eva@life.test', role: 'researcher' });
		expect(again).toMatchObject({ type: 'failure', status: 409, data: { field: 'email' } });
		expect(await act(lead, `/c/${SLUG}/members?/add`, { email: 'x@life.test', role: 'evaluator', quota: '-1' })).toMatchObject({
			type: 'failure',
			status: 400,
			data: { field: 'quota' }
		});
		expect(await act(lead, `/c/${SLUG}/members?/add`, { email: 'x@life.test', role: 'owner' })).toMatchObject({
			type: 'failure',
			status: 400,
			data: { field: 'role' }
		});
		expect(await db.kysely.selectFrom('user').select('id').where('email', '=', 'x@life.test').execute()).toHaveLength(0);
	});

	it('turns an unknown email into an invitation the lead sees, and the person joins by it', async () => {
		const r = await act(lead, `/c/${SLUG}/members?/add`, { email: 'newbie@life.test', role: 'researcher' });
		expect(r.type).toBe('success');
		expect(r.data.link).toMatch(/\/invite\//);
		const page = await html(lead, `/c/${SLUG}/members`);
		expect(page.text).toContain('newbie@life.test');
		expect(page.text).toContain('invited');
		// a lead may renew a pending invitation, never take over an account in use
		const renewed = await act(lead, `/c/${SLUG}/members?/relink`, { user_id: await userId('newbie@life.test') });
		expect(renewed.type).toBe('success');
		expect(await act(lead, `/c/${SLUG}/members?/relink`, { user_id: await userId('eva@life.test') })).toMatchObject({
			type: 'failure',
			status: 409
		});
		const newbie = new Browserless(server.url);
		expect(
			(await act(newbie, linkPath(r.data.link).path, { password: 'newbie password', password_confirm: 'newbie password' })).status
		).toBe(404);
		expect(
			(await act(newbie, linkPath(renewed.data.link).path, { password: 'newbie password', password_confirm: 'newbie password' })).type
		).toBe('redirect');
		expect((await html(newbie, `/c/${SLUG}/progress`)).status).toBe(200);
	});

	it('changes a role and a quota', async () => {
		const id = await userId('newbie@life.test');
		expect(await act(lead, `/c/${SLUG}/members?/change`, { user_id: id, role: 'evaluator', quota: '3' })).toMatchObject({
			type: 'success'
		});
		const m = await db.kysely.selectFrom('campaign_member').selectAll().where('user_id', '=', id).executeTakeFirstOrThrow();
		expect(m).toMatchObject({ role: 'evaluator', quota: 3 });
		expect(await act(lead, `/c/${SLUG}/members?/change`, { user_id: id, role: 'evaluator', quota: '1.5' })).toMatchObject({
			type: 'failure',
			data: { field: 'quota' }
		});
	});
});

describe('status', () => {
	it('gives evaluators no pairs in a draft, and cannot activate without images from two systems', async () => {
		expect((await nextPair()).status).toBe(409);
		const r = await setStatus('active');
		expect(r).toMatchObject({ type: 'failure', status: 409, data: { field: 'status' } });
		expect((await campaignRow()).status).toBe('draft');
		// evaluators and researchers do not change the status
		expect((await act(evaluator, `/c/${SLUG}/progress?/status`, { status: 'active' })).status).toBe(403);
	});

	it('draft → active: pairs and votes; → paused: none; → active again; → closed: final and read-only', async () => {
		await importSet();
		expect(await setStatus('active')).toMatchObject({ type: 'success' });
		const pair = await nextPair();
		expect(pair.status).toBe(200);
		const vote = await api(server.url, evaluator.cookie, `/api/v1/campaigns/${SLUG}/votes`, {
			vote_id: crypto.randomUUID(),
			assignment_id: pair.body.assignment.id,
			choice: 'left',
			rationale: 'Sharper.'
		});
		expect(vote.status).toBe(201);

		expect(await setStatus('paused')).toMatchObject({ type: 'success' });
		expect(await nextPair()).toMatchObject({ status: 409, body: { error: { code: 'campaign_not_active' } } });
		// the manage page's settings form follows the same status rules
		const settings = (status: string) =>
			act(lead, `/c/${SLUG}/manage?/settings`, { status, rationale_min_chars: '5', gold_rate: '0', repeat_rate: '0' });
		expect(await settings('draft')).toMatchObject({ type: 'failure', status: 409, data: { field: 'status' } });
		expect(await setStatus('draft')).toMatchObject({ type: 'failure', status: 409 });
		expect(await setStatus('active')).toMatchObject({ type: 'success' });
		expect((await nextPair()).status).toBe(200);

		expect(await setStatus('closed')).toMatchObject({ type: 'success' });
		expect(await nextPair()).toMatchObject({ status: 409 });
		const reopen = await setStatus('active');
		expect(reopen).toMatchObject({ type: 'failure', status: 409, data: { field: 'status' } });
		expect(reopen.data.message).toMatch(/closed is final/);
		// read-only: members and the target stay as they are
		expect(await act(lead, `/c/${SLUG}/members?/add`, { email: 'late@life.test', role: 'evaluator' })).toMatchObject({
			type: 'failure',
			status: 409
		});
		expect(await act(lead, `/c/${SLUG}/members?/remove`, { user_id: await userId('eva@life.test') })).toMatchObject({
			type: 'failure',
			status: 409
		});
		expect(await act(lead, `/c/${SLUG}/progress?/target`, { target_battles: '9' })).toMatchObject({ type: 'failure', status: 409 });
		// and so do the rules, the guidelines and the criteria
		expect(await settings('closed')).toMatchObject({ type: 'failure', status: 409 });
		expect(await act(lead, `/c/${SLUG}/manage?/guidelines`, { guidelines: 'New rules.' })).toMatchObject({ type: 'failure', status: 409 });
		expect(await act(lead, `/c/${SLUG}/manage?/criterion`, { key: 'late', label: 'Late' })).toMatchObject({ type: 'failure', status: 409 });
		// and still in results and exports
		expect((await html(lead, `/c/${SLUG}/results`)).status).toBe(200);
		const exported = await lead.fetch(`/api/v1/campaigns/${SLUG}/votes?format=csv`);
		expect(exported.status).toBe(200);
		expect((await exported.text()).trim().split('\n')).toHaveLength(2);
	});
});

describe('progress and removal', () => {
	it('shows votes, coverage and the estimate of votes still needed', async () => {
		const page = await html(lead, `/c/${SLUG}/progress`);
		expect(page.status).toBe(200);
		// 3 systems → 3 pairs × 4 battles = 12 wanted; one counted battle so far
		expect(page.text).toMatch(/Votes still needed<\/dt>\s*<dd[^>]*>11<\/dd>/);
		expect(page.text).toMatch(/Prompts covered<\/dt>\s*<dd[^>]*>1 of 2<\/dd>/);
		expect(page.text).toMatch(/Evaluators active today \(UTC\)<\/dt>\s*<dd[^>]*>1<\/dd>/);
		expect(page.text).toContain('Battles per system pair');
		expect((await html(evaluator, `/c/${SLUG}/progress`)).status).toBe(403);
		const members = await html(lead, `/c/${SLUG}/members`);
		expect(members.text).toMatch(/eva@life\.test[\s\S]*?1 \/ 10/);
		// the home page: status and numbers for the lead, own votes for the evaluator
		expect((await html(lead, '/')).text).toMatch(/closed[\s\S]*?<td>6<\/td>\s*<td>3<\/td>\s*<td>1<\/td>/);
		expect((await html(evaluator, '/')).text).toContain('you: 1 of 10 judged');
	});

	it('removing a member keeps their votes', async () => {
		// a second campaign, open, to vote in and then remove someone from
		expect((await act(lead, '/campaigns/new', { slug: 'second', name: 'Second', rationale_min_chars: '0' })).type).toBe('redirect');
		await importImages(db.kysely, { campaign: 'second', manifestPath: join(root, 'set', 'manifest.csv'), dataDir: root });
		expect((await act(lead, '/c/second/members?/add', { email: 'eva@life.test', role: 'evaluator' })).type).toBe('success');
		expect((await act(lead, '/c/second/progress?/status', { status: 'active' })).type).toBe('success');
		const pair = await api(server.url, evaluator.cookie, '/api/v1/campaigns/second/next');
		const vote = await api(server.url, evaluator.cookie, '/api/v1/campaigns/second/votes', {
			vote_id: crypto.randomUUID(),
			assignment_id: pair.body.assignment.id,
			choice: 'right',
			rationale: ''
		});
		expect(vote.status).toBe(201);
		const eva = await userId('eva@life.test');
		const c = await db.kysely.selectFrom('campaign').select('id').where('slug', '=', 'second').executeTakeFirstOrThrow();
		expect(await act(lead, '/c/second/members?/remove', { user_id: eva })).toMatchObject({ type: 'success' });
		expect(
			await db.kysely.selectFrom('campaign_member').select('user_id').where('campaign_id', '=', c.id).where('user_id', '=', eva).execute()
		).toHaveLength(0);
		expect(
			await db.kysely.selectFrom('vote').select('id').where('campaign_id', '=', c.id).where('user_id', '=', eva).execute()
		).toHaveLength(1);
		expect((await html(evaluator, '/c/second')).status).toBe(404);
		expect((await html(lead, '/c/second/results')).status).toBe(200);
	});
});
