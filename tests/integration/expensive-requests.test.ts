// Expensive leaderboard requests must not exhaust the machine: one process-wide bootstrap pool
// (the thread count stays put however many requests arrive), a bounded queue, a per-user limit,
// 429 with Retry-After beyond it, and pages keep answering during a burst.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openMigratedDatabase } from '../../src/lib/server/db/index.ts';
import { addMember, createCampaign } from '../../src/lib/server/campaigns/campaigns.ts';
import { createUser } from '../../src/lib/server/auth/users.ts';
import { createApiToken } from '../../src/lib/server/auth/api-token.ts';
import { importVotes } from '../../src/lib/server/voting/battle-import.ts';
import { Browserless, startServer, type RunningServer } from '../helpers/server.ts';

let root: string;
let server: RunningServer;
let token: string;

beforeAll(async () => {
	root = mkdtempSync(join(tmpdir(), 'pickwise-expensive-'));
	const db = await openMigratedDatabase(`sqlite:${join(root, 'pickwise.db')}`);
	await createCampaign(db.kysely, { slug: 'boot', name: 'Bootstrap' });
	const researcher = await createUser(db.kysely, { email: 'rae@boot.test', password: 'researcher-password' });
	await addMember(db.kysely, { slug: 'boot', email: 'rae@boot.test', role: 'researcher' });
	token = (await createApiToken(db.kysely, researcher.id, 'notebook')).token;
	// 20,000 battles over 12 systems: a 10,000-round bootstrap takes the server a while
	const text = readFileSync(resolve('tests/fixtures/ranking/synthetic_20000_12.csv'), 'utf8');
	expect((await importVotes(db.kysely, { campaign: 'boot', text, format: 'csv' })).added).toBe(20000);
	await db.close();
	server = await startServer(root);
}, 300_000);

afterAll(async () => {
	await server?.stop();
	rmSync(root, { recursive: true, force: true });
});

function threads(pid: number): number {
	return Number(/^Threads:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
}

const leaderboard = (query: string) =>
	fetch(`${server.url}/api/v1/campaigns/boot/leaderboard?${query}`, { headers: { authorization: `Bearer ${token}` } });

describe('expensive leaderboard requests', () => {
	it('share one bounded pool, refuse the excess with 429 + Retry-After, and leave pages answering', async () => {
		const pid = server.process.pid!;
		// warm up: the default board (starts the pool), a page, a sign-in
		expect((await leaderboard('')).status).toBe(200);
		const researcher = new Browserless(server.url);
		expect((await researcher.login('rae@boot.test', 'researcher-password')).status).toBe(303);
		expect((await researcher.fetch('/c/boot/results')).status).toBe(200);
		const baseline = threads(pid);

		let peak = baseline;
		let done = false;
		const burst = Promise.all(
			Array.from({ length: 16 }, (_, i) =>
				leaderboard(`bootstrap=10000&seed=${i + 1}`).then(async (r) => ({
					status: r.status,
					retryAfter: r.headers.get('retry-after'),
					body: await r.json()
				}))
			)
		).finally(() => (done = true));
		const sampler = (async () => {
			while (!done) {
				peak = Math.max(peak, threads(pid));
				await new Promise((r) => setTimeout(r, 5));
			}
		})();
		// pages during the burst
		const login = await fetch(`${server.url}/login`);
		expect(login.status).toBe(200);
		const results = await researcher.fetch('/c/boot/results');
		expect(results.status).toBe(200);
		const answers = await burst;
		await sampler;

		const statuses = answers.map((a) => a.status);
		expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
		const refused = answers.filter((a) => a.status === 429);
		expect(refused.length).toBeGreaterThan(0);
		for (const a of refused) {
			expect(Number(a.retryAfter)).toBeGreaterThan(0);
			expect(a.body.error.code).toBe('too_many_requests');
			expect(typeof a.body.error.message).toBe('string');
		}
		for (const a of answers.filter((x) => x.status === 200)) expect(a.body.bootstrap.rounds).toBe(10000);
		// Per-request workers added two threads per request on a 2-core machine (16 requests: +32);
		// the shared pool adds none once started. The slack of 4 covers libuv's lazily started
		// threadpool (4 threads), which the burst may be the first to use.
		expect(peak).toBeLessThanOrEqual(baseline + 4);
	}, 180_000);
});
