// Accounts from the browser over real HTTP: invitations (hashed, single use, expiry, password
// rules, duplicate email), disabling (sessions end, votes stay), reset links, own password change
// (other sessions end), own sessions, last sign-in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMigratedDatabase, type Db } from '../../src/lib/server/db/index.ts';
import { createUser } from '../../src/lib/server/auth/users.ts';
import { issueLink } from '../../src/lib/server/auth/invitations.ts';
import { sha256Hex } from '../../src/lib/server/ids.ts';
import { requireCampaign } from '../../src/lib/server/campaigns/campaigns.ts';
import { nextAssignment } from '../../src/lib/server/voting/leases.ts';
import { castVote } from '../../src/lib/server/voting/cast-vote.ts';
import { seedCampaign } from '../helpers/campaign.ts';
import { Browserless, startServer, type RunningServer } from '../helpers/server.ts';
import { act, linkPath } from '../helpers/actions.ts';

let root: string;
let db: Db;
let server: RunningServer;
let admin: Browserless;
const ADMIN_PASSWORD = 'admin-password';

beforeAll(async () => {
	root = mkdtempSync(join(tmpdir(), 'pickwise-accounts-'));
	db = await openMigratedDatabase(`sqlite:${join(root, 'pickwise.db')}`);
	await createUser(db.kysely, { email: 'admin@accounts.test', password: ADMIN_PASSWORD, isAdmin: true });
	server = await startServer(root);
	admin = new Browserless(server.url);
	expect((await admin.login('admin@accounts.test', ADMIN_PASSWORD)).status).toBe(303);
});

afterAll(async () => {
	await server?.stop();
	await db?.close();
	rmSync(root, { recursive: true, force: true });
});

const userRow = (email: string) => db.kysely.selectFrom('user').selectAll().where('email', '=', email).executeTakeFirstOrThrow();
const signedIn = async (client: Browserless) => (await client.fetch('/', { headers: { accept: 'text/html' } })).status === 200;

async function invite(email: string, extra: Record<string, string> = {}) {
	const r = await act(admin, '/admin?/invite', { email, display_name: email.split('@')[0], kind: 'member', ...extra });
	expect(r.type, JSON.stringify(r.data)).toBe('success');
	return linkPath(r.data.link);
}

async function accept(path: string, password: string) {
	const client = new Browserless(server.url);
	const r = await act(client, path, { password, password_confirm: password });
	return { client, r };
}

describe('invitations', () => {
	it('creates an account without a password and a link whose secret is stored only as a hash', async () => {
		const { path, token } = await invite('ann@accounts.test');
		expect(path).toBe(`/invite/${token}`);
		const [id, secret] = token.split('.');
		const user = await userRow('ann@accounts.test');
		expect(user.password_hash).toBeNull();
		const row = await db.kysely.selectFrom('invitation').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
		expect(row.secret_hash).toBe(sha256Hex(secret));
		expect(JSON.stringify(row)).not.toContain(secret);
		expect(row.expires_at - row.created_at).toBe(7 * 24 * 3600 * 1000);
		// the link page greets the person, anonymously
		const page = await new Browserless(server.url).fetch(path, { headers: { accept: 'text/html' } });
		expect(page.status).toBe(200);
		expect(await page.text()).toContain('ann@accounts.test');
	});

	it('refuses a weak password and two different passwords at their fields, then works exactly once', async () => {
		const { path } = await invite('bob@accounts.test');
		const client = new Browserless(server.url);
		const weak = await act(client, path, { password: 'short', password_confirm: 'short' });
		expect(weak).toMatchObject({ type: 'failure', status: 400, data: { field: 'password' } });
		expect(weak.data.message).toMatch(/at least 8 characters/);
		const differ = await act(client, path, { password: 'a good long password', password_confirm: 'another one entirely' });
		expect(differ).toMatchObject({ type: 'failure', status: 400, data: { field: 'password_confirm' } });
		expect((await userRow('bob@accounts.test')).password_hash).toBeNull();

		const ok = await act(client, path, { password: 'a good long password', password_confirm: 'a good long password' });
		expect(ok).toMatchObject({ type: 'redirect', location: '/' });
		expect(await signedIn(client)).toBe(true);
		expect((await userRow('bob@accounts.test')).password_hash).toMatch(/^\$argon2id\$/);
		expect((await userRow('bob@accounts.test')).last_login_at).not.toBeNull();

		// used: the page says so (410), and a second use changes nothing
		expect((await new Browserless(server.url).fetch(path, { headers: { accept: 'text/html' } })).status).toBe(410);
		const again = await accept(path, 'an attacker password');
		expect(again.r).toMatchObject({ type: 'failure', status: 410, data: { field: 'token' } });
		expect(again.r.data.message).toMatch(/already been used/);
		expect((await new Browserless(server.url).login('bob@accounts.test', 'an attacker password')).status).toBe(400);
		expect((await new Browserless(server.url).login('bob@accounts.test', 'a good long password')).status).toBe(303);
	});

	it('refuses an expired link and a forged secret', async () => {
		const user = await userRow('ann@accounts.test');
		const eightDaysAgo = Date.now() - 8 * 24 * 3600 * 1000;
		const old = await db.kysely.transaction().execute((trx) => issueLink(trx, user.id, 'invite', null, eightDaysAgo));
		expect((await new Browserless(server.url).fetch(old.path, { headers: { accept: 'text/html' } })).status).toBe(410);
		const r = await accept(old.path, 'a good long password');
		expect(r.r).toMatchObject({ type: 'failure', status: 410, data: { field: 'token' } });
		expect(r.r.data.message).toMatch(/expired/);
		expect((await userRow('ann@accounts.test')).password_hash).toBeNull();
		const [id] = old.token.split('.');
		expect((await new Browserless(server.url).fetch(`/invite/${id}.${'a'.repeat(24)}`, { headers: { accept: 'text/html' } })).status).toBe(
			404
		);
	});

	it('refuses a duplicate email at the field, and writes nothing', async () => {
		const before = await db.kysely.selectFrom('user').select('id').execute();
		const r = await act(admin, '/admin?/invite', { email: 'BOB@accounts.test', display_name: 'Bob again', kind: 'member' });
		expect(r).toMatchObject({ type: 'failure', status: 409, data: { field: 'email', values: { email: 'BOB@accounts.test' } } });
		expect(r.data.message).toMatch(/already exists/);
		expect(await db.kysely.selectFrom('user').select('id').execute()).toHaveLength(before.length);
	});

	it('a newer link replaces an older one', async () => {
		const { path: first } = await invite('cy@accounts.test');
		const user = await userRow('cy@accounts.test');
		const r = await act(admin, '/admin?/reset', { user_id: user.id });
		expect(r).toMatchObject({ type: 'success', data: { purpose: 'invite' } });
		expect((await accept(first, 'a good long password')).r).toMatchObject({ type: 'failure', status: 404 });
		expect((await accept(linkPath(r.data.link).path, 'a good long password')).r.type).toBe('redirect');
	});
});

describe('disabling, resets and own passwords', () => {
	it('disabling ends every session at once and keeps the votes; re-enabling lets the person back in', async () => {
		const seeded = await seedCampaign(db.kysely, root, { slug: 'disable', systems: 2, prompts: 2, evaluators: 1 });
		const ev = seeded.evaluators[0];
		const campaign = await requireCampaign(db.kysely, 'disable');
		const pair = (await nextAssignment(db.kysely, campaign, ev.id, null))!;
		await castVote(db.kysely, campaign, ev.id, {
			voteId: crypto.randomUUID(),
			assignmentId: pair.assignment.id,
			choice: 'left',
			rationale: 'Left is sharper and on prompt.'
		});
		const a = new Browserless(server.url);
		const b = new Browserless(server.url);
		expect((await a.login(ev.email, 'evaluator-password')).status).toBe(303);
		expect((await b.login(ev.email, 'evaluator-password')).status).toBe(303);
		expect(await signedIn(a)).toBe(true);

		expect(await act(admin, '/admin?/disable', { user_id: ev.id })).toMatchObject({ type: 'success' });
		expect(await signedIn(a)).toBe(false);
		expect(await signedIn(b)).toBe(false);
		expect(await db.kysely.selectFrom('session').select('id').where('user_id', '=', ev.id).execute()).toHaveLength(0);
		expect((await new Browserless(server.url).login(ev.email, 'evaluator-password')).status).toBe(400);
		expect(await db.kysely.selectFrom('vote').select('id').where('user_id', '=', ev.id).execute()).toHaveLength(1);
		// no reset link for a disabled account, and an admin cannot disable themselves
		expect(await act(admin, '/admin?/reset', { user_id: ev.id })).toMatchObject({
			type: 'failure',
			status: 409,
			data: { field: 'user_id' }
		});
		const me = await userRow('admin@accounts.test');
		expect(await act(admin, '/admin?/disable', { user_id: me.id })).toMatchObject({ type: 'failure', status: 409 });

		expect(await act(admin, '/admin?/enable', { user_id: ev.id })).toMatchObject({ type: 'success' });
		expect((await a.login(ev.email, 'evaluator-password')).status).toBe(303);
		expect(await signedIn(a)).toBe(true);
	});

	it('a reset link sets a new password and ends the sessions of whoever had the account', async () => {
		await createUser(db.kysely, { email: 'dee@accounts.test', password: 'old password 1' });
		const victim = new Browserless(server.url);
		expect((await victim.login('dee@accounts.test', 'old password 1')).status).toBe(303);
		const user = await userRow('dee@accounts.test');
		const r = await act(admin, '/admin?/reset', { user_id: user.id });
		expect(r).toMatchObject({ type: 'success', data: { purpose: 'reset' } });
		// the old password works until the link is used
		expect(await signedIn(victim)).toBe(true);
		const { client } = await accept(linkPath(r.data.link).path, 'new password 2');
		expect(await signedIn(client)).toBe(true);
		expect(await signedIn(victim)).toBe(false);
		expect((await new Browserless(server.url).login('dee@accounts.test', 'old password 1')).status).toBe(400);
	});

	it('changing one’s own password needs the current one and ends the other sessions', async () => {
		await createUser(db.kysely, { email: 'eve@accounts.test', password: 'first password' });
		const here = new Browserless(server.url);
		const elsewhere = new Browserless(server.url);
		expect((await here.login('eve@accounts.test', 'first password')).status).toBe(303);
		expect((await elsewhere.login('eve@accounts.test', 'first password')).status).toBe(303);
		const change = (current: string, next: string, confirm = next) =>
			act(here, '/settings?/password', { current_password: current, new_password: next, new_password_confirm: confirm });

		expect(await change('wrong password', 'second password')).toMatchObject({
			type: 'failure',
			status: 400,
			data: { field: 'current_password' }
		});
		expect(await change('first password', 'short')).toMatchObject({ type: 'failure', status: 400, data: { field: 'new_password' } });
		expect(await change('first password', 'second password', 'typo password')).toMatchObject({
			type: 'failure',
			data: { field: 'new_password_confirm' }
		});
		expect(await signedIn(elsewhere)).toBe(true);

		const ok = await change('first password', 'second password');
		expect(ok).toMatchObject({ type: 'success' });
		expect(ok.data.saved).toMatch(/1 other session ended/);
		expect(await signedIn(here)).toBe(true);
		expect(await signedIn(elsewhere)).toBe(false);
		expect((await new Browserless(server.url).login('eve@accounts.test', 'second password')).status).toBe(303);
	});

	it('lists one’s own sessions and ends one of them, never another person’s', async () => {
		await createUser(db.kysely, { email: 'fay@accounts.test', password: 'fay password' });
		const one = new Browserless(server.url);
		const two = new Browserless(server.url);
		await one.login('fay@accounts.test', 'fay password');
		await two.login('fay@accounts.test', 'fay password');
		const fay = await userRow('fay@accounts.test');
		const sessions = await db.kysely.selectFrom('session').select('id').where('user_id', '=', fay.id).execute();
		expect(sessions).toHaveLength(2);
		const twoId = two.cookie.split('=')[1].split('.')[0];
		// the admin's session id is not Fay's to end
		const adminSession = admin.cookie.split('=')[1].split('.')[0];
		expect(await act(one, '/settings?/endSession', { session_id: adminSession })).toMatchObject({ type: 'failure', status: 404 });
		expect(await signedIn(admin)).toBe(true);
		const page = await (await one.fetch('/settings', { headers: { accept: 'text/html' } })).text();
		expect(page).toContain('this session');
		expect(await act(one, '/settings?/endSession', { session_id: twoId })).toMatchObject({ type: 'success' });
		expect(await signedIn(two)).toBe(false);
		expect(await signedIn(one)).toBe(true);
	});

	it('records the last sign-in and shows it to admins', async () => {
		const before = Date.now();
		const client = new Browserless(server.url);
		await client.login('fay@accounts.test', 'fay password');
		const row = await userRow('fay@accounts.test');
		expect(row.last_login_at).toBeGreaterThanOrEqual(before);
		const html = await (await admin.fetch('/admin', { headers: { accept: 'text/html' } })).text();
		expect(html).toContain(new Date(row.last_login_at!).toISOString().slice(0, 16).replace('T', ' '));
		// a failed sign-in does not count
		await new Browserless(server.url).login('fay@accounts.test', 'wrong password');
		expect((await userRow('fay@accounts.test')).last_login_at).toBe(row.last_login_at);
	});
});

describe('API tokens on the settings page', () => {
	it('refuses a token without a name at its field, shows a new one once, and names a token it cannot revoke', async () => {
		const empty = await act(admin, '/settings?/create', { name: '' });
		expect(empty).toMatchObject({ type: 'failure', status: 400, data: { action: 'create', field: 'name' } });
		const created = await act(admin, '/settings?/create', { name: 'notebook' });
		expect(created.type).toBe('success');
		expect(created.data.created.name).toBe('notebook');
		expect(created.data.created.token).toMatch(/\./);
		const page = await (await admin.fetch('/settings', { headers: { accept: 'text/html' } })).text();
		expect(page).toContain('notebook');
		expect(page).not.toContain(created.data.created.token);
		const unknown = await act(admin, '/settings?/revoke', { id: 'no-such-token' });
		expect(unknown).toMatchObject({ type: 'failure', status: 404, data: { action: 'revoke', message: 'No such active token.' } });
	});
});
