// The fast lane (bin/server.js → lib/server/fast-lane.ts) answers `next` and JSON vote posts before
// SvelteKit. It must answer exactly as the SvelteKit routes do — same statuses, bodies and headers —
// and hand everything it does not fully own back to SvelteKit. Each check sends the same request
// once through the lane and once in a form the lane declines (a query string, a text/plain body).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMigratedDatabase, type Db } from '../../src/lib/server/db/index.ts';
import { seedCampaign, type SeededCampaign } from '../helpers/campaign.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { createApiToken } from '../../src/lib/server/auth/api-token.ts';

let root: string;
let db: Db;
let server: RunningServer;
let campaign: SeededCampaign;

beforeAll(async () => {
	root = mkdtempSync(join(tmpdir(), 'pickwise-lane-'));
	db = await openMigratedDatabase(`sqlite:${join(root, 'pickwise.db')}`);
	campaign = await seedCampaign(db.kysely, root, { slug: 'lane', systems: 4, prompts: 6, evaluators: 2 });
	// the lane says it answered through Server-Timing, sent only under PICKWISE_SERVER_TIMING=1 (blind.test.ts: not otherwise)
	server = await startServer(root, { PICKWISE_SERVER_TIMING: '1' });
});

afterAll(async () => {
	await server?.stop();
	await db?.close();
	rmSync(root, { recursive: true, force: true });
});

async function call(
	path: string,
	init: { cookie?: string; method?: string; type?: string; body?: string; headers?: Record<string, string> } = {}
) {
	const response = await fetch(server.url + path, {
		method: init.method ?? 'GET',
		headers: {
			origin: server.url,
			...(init.cookie ? { cookie: init.cookie } : {}),
			...(init.type ? { 'content-type': init.type } : {}),
			...init.headers
		},
		body: init.body
	});
	const text = await response.text();
	return { status: response.status, headers: response.headers, text, json: text ? JSON.parse(text) : null };
}

/** The headers that must agree between the lane and SvelteKit (not date, length or connection). */
const compared = (h: Headers) =>
	Object.fromEntries(
		[
			'content-type',
			'cache-control',
			'x-content-type-options',
			'referrer-policy',
			'x-frame-options',
			'cross-origin-opener-policy',
			'permissions-policy',
			'content-security-policy'
		].map((n) => [n, h.get(n)])
	);

const cookieAttributes = (h: Headers) =>
	(h.get('set-cookie') ?? '')
		.split(';')
		.slice(1)
		.map((a) => a.trim().split('=')[0].toLowerCase())
		.sort();

describe('fast lane', () => {
	it('answers next like the SvelteKit route: same JSON shape, headers and refreshed session cookie', async () => {
		const e = campaign.evaluators[0];
		const lane = await call('/api/v1/campaigns/lane/next', { cookie: e.cookie });
		// the held lease comes back again from SvelteKit (a query string sends it there)
		const kit = await call('/api/v1/campaigns/lane/next?via=kit', { cookie: e.cookie });
		expect(lane.status).toBe(200);
		expect(kit.status).toBe(200);
		expect(lane.json).toEqual(kit.json);
		expect(Object.keys(lane.json.assignment).sort()).toEqual(['expires_at', 'id', 'left', 'prompt', 'right']);
		expect(compared(lane.headers)).toEqual(compared(kit.headers));
		expect(lane.headers.get('cache-control')).toBe('no-store');
		// the lane says it answered (Server-Timing), SvelteKit does not
		expect(lane.headers.get('server-timing')).toMatch(/^lane;dur=\d+(\.\d+)?$/);
		expect(kit.headers.get('server-timing')).toBeNull();
		expect(lane.headers.get('set-cookie')).toMatch(/^pickwise_session=[^;]+; Path=\/; Expires=/);
		expect(cookieAttributes(lane.headers)).toEqual(cookieAttributes(kit.headers));
	});

	it('stores a JSON vote and refuses bad ones with the same errors as SvelteKit', async () => {
		const e = campaign.evaluators[0];
		const next = await call('/api/v1/campaigns/lane/next', { cookie: e.cookie });
		const assignment = next.json.assignment.id;
		const post = (body: unknown, type: string) =>
			call('/api/v1/campaigns/lane/votes', { cookie: e.cookie, method: 'POST', type, body: JSON.stringify(body) });
		// the same invalid votes through the lane (application/json) and through SvelteKit (text/plain)
		for (const bad of [
			{ vote_id: 'nope', assignment_id: assignment, choice: 'left', rationale: 'The left one is sharper.' },
			{ vote_id: crypto.randomUUID(), assignment_id: assignment, choice: 'left', rationale: 'short' },
			{ vote_id: crypto.randomUUID(), assignment_id: assignment, choice: 'sideways', rationale: 'The left one is sharper.' },
			{ vote_id: crypto.randomUUID(), assignment_id: 'missing', choice: 'left', rationale: 'The left one is sharper.' },
			[1, 2]
		]) {
			const lane = await post(bad, 'application/json');
			const kit = await post(bad, 'text/plain;charset=UTF-8');
			expect(lane.status).toBeGreaterThanOrEqual(400);
			expect([lane.status, lane.json]).toEqual([kit.status, kit.json]);
			expect(compared(lane.headers)).toEqual(compared(kit.headers));
		}
		const invalidJson = await call('/api/v1/campaigns/lane/votes', {
			cookie: e.cookie,
			method: 'POST',
			type: 'application/json',
			body: '{"vote_id":'
		});
		expect([invalidJson.status, invalidJson.json.error.code]).toEqual([400, 'invalid_json']);

		const vote = {
			vote_id: crypto.randomUUID(),
			assignment_id: assignment,
			choice: 'left',
			rationale: 'The left one is sharper and follows the prompt.'
		};
		const created = await post(vote, 'application/json');
		expect([created.status, created.json]).toEqual([201, { vote_id: vote.vote_id }]);
		expect(created.headers.get('server-timing')).toMatch(/^lane;/);
		const replayLane = await post(vote, 'application/json');
		const replayKit = await post(vote, 'text/plain;charset=UTF-8');
		expect(replayLane.status).toBe(200);
		expect(replayLane.json).toEqual(replayKit.json);
		const stored = await db.kysely.selectFrom('vote').select(['id', 'choice']).where('assignment_id', '=', assignment).execute();
		expect(stored).toEqual([{ id: vote.vote_id, choice: 'left' }]);
	});

	it('refuses a body over 64 kB with 413 and stores nothing', async () => {
		const e = campaign.evaluators[1];
		const next = await call('/api/v1/campaigns/lane/next', { cookie: e.cookie });
		const body = JSON.stringify({
			vote_id: crypto.randomUUID(),
			assignment_id: next.json.assignment.id,
			choice: 'left',
			rationale: 'x'.repeat(70_000)
		});
		const response = await call('/api/v1/campaigns/lane/votes', { cookie: e.cookie, method: 'POST', type: 'application/json', body });
		expect(response.status).toBe(413);
		expect(response.json.error.code).toBe('too_large');
		expect(await db.kysely.selectFrom('vote').select('id').where('assignment_id', '=', next.json.assignment.id).execute()).toEqual([]);
		// the connection still serves the next request
		expect((await call('/api/v1/campaigns/lane/next', { cookie: e.cookie })).status).toBe(200);
	});

	it('leaves what it does not own to SvelteKit: no session, a stale session, API tokens, other campaigns', async () => {
		const anonymous = await call('/api/v1/campaigns/lane/next');
		expect([anonymous.status, anonymous.json.error.code]).toEqual([401, 'unauthenticated']);
		const stale = await call('/api/v1/campaigns/lane/next', { cookie: 'pickwise_session=nothing.here' });
		expect(stale.status).toBe(401);
		// SvelteKit clears a cookie that names no session
		expect(stale.headers.get('set-cookie')).toMatch(/^pickwise_session=;.*Max-Age=0/i);
		expect(stale.headers.get('server-timing')).toBeNull();
		const e = campaign.evaluators[0];
		const { token } = await createApiToken(db.kysely, e.id, 'lane test');
		const bearer = await call('/api/v1/campaigns/lane/next', { headers: { authorization: `Bearer ${token}` } });
		expect([bearer.status, bearer.json.error.message]).toEqual([403, 'API tokens are read-only']);
		const unknown = await call('/api/v1/campaigns/nowhere/next', { cookie: e.cookie });
		expect([unknown.status, unknown.json.error.code]).toEqual([404, 'not_found']);
	});
});
