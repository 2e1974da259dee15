// Another process holding SQLite's write lock (a CLI import during voting) must not freeze the
// server: pages keep answering while votes wait off the event loop and are then committed (201), or
// after the bounded wait get a 503 with Retry-After; never a 500, and every 201 is stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMigratedDatabase, type Db } from '../../src/lib/server/db/index.ts';
import { api, seedCampaign, type SeededCampaign } from '../helpers/campaign.ts';
import { Browserless, startServer, type RunningServer } from '../helpers/server.ts';
import { holdWriteLock } from '../helpers/lock-holder.ts';

let root: string;
let file: string;
let db: Db;
let campaign: SeededCampaign;

const rationale = 'The right one follows the prompt better.';

beforeAll(async () => {
	root = mkdtempSync(join(tmpdir(), 'pickwise-lock-'));
	file = join(root, 'pickwise.db');
	db = await openMigratedDatabase(`sqlite:${file}`);
	campaign = await seedCampaign(db.kysely, root, { slug: 'lock', systems: 4, prompts: 10, evaluators: 6 });
});

afterAll(async () => {
	await db?.close();
	rmSync(root, { recursive: true, force: true });
});

/** One lease per evaluator, taken before the lock (issuing a lease writes too). */
async function leases(server: RunningServer) {
	return Promise.all(
		campaign.evaluators.map(async (e) => {
			const next = await api(server.url, e.cookie, '/api/v1/campaigns/lock/next');
			expect(next.status).toBe(200);
			return { e, assignmentId: next.body.assignment.id as string };
		})
	);
}

function vote(server: RunningServer, cookie: string, voteId: string, assignmentId: string) {
	return fetch(`${server.url}/api/v1/campaigns/lock/votes`, {
		method: 'POST',
		headers: { cookie, origin: server.url, 'content-type': 'application/json', accept: 'application/json' },
		body: JSON.stringify({ vote_id: voteId, assignment_id: assignmentId, choice: 'right', rationale })
	}).then(async (r) => ({ status: r.status, retryAfter: r.headers.get('retry-after'), body: await r.json() }));
}

async function storedVoteIds(): Promise<Set<string>> {
	return new Set((await db.kysely.selectFrom('vote').select('id').execute()).map((v) => v.id));
}

describe('an external write lock', () => {
	it('keeps pages answering while votes wait, then commits and acknowledges every vote', async () => {
		const server = await startServer(root);
		try {
			const pending = await leases(server);
			const holder = await holdWriteLock(file);
			const settled = new Set<string>();
			const votes = pending.map(({ e, assignmentId }) => {
				const voteId = crypto.randomUUID();
				return vote(server, e.cookie, voteId, assignmentId).then((r) => (settled.add(voteId), { voteId, ...r }));
			});
			// a sign-in writes through the query builder (a session row): it must wait as well
			const signIn = new Browserless(server.url).login(campaign.evaluators[0].email, 'evaluator-password');
			// reads and pages answer while the lock is held and the writes are still waiting
			for (let round = 0; round < 5; round++) {
				expect((await fetch(`${server.url}/login`)).status).toBe(200);
				const home = await fetch(`${server.url}/`, { headers: { cookie: campaign.evaluators[1].cookie } });
				expect(home.status).toBe(200);
				await home.text();
			}
			expect(holder.released).toBe(false);
			expect(settled.size, 'a vote was answered while another process held the write lock').toBe(0);
			await holder.release();
			const results = await Promise.all(votes);
			for (const r of results) expect(r.status, JSON.stringify(r.body)).toBe(201);
			expect((await signIn).status).toBe(303);
			const stored = await storedVoteIds();
			for (const r of results) expect(stored.has(r.voteId), `acknowledged vote ${r.voteId} lost`).toBe(true);
		} finally {
			await server.stop();
		}
	});

	it('answers 503 with Retry-After after the bounded wait, stores nothing of those votes, and takes them again later', async () => {
		const server = await startServer(root, { PICKWISE_WRITE_WAIT_MS: '300' });
		try {
			const pending = await leases(server);
			const holder = await holdWriteLock(file);
			const results = await Promise.all(
				pending.map(async ({ e, assignmentId }) => {
					const voteId = crypto.randomUUID();
					return { e, assignmentId, voteId, ...(await vote(server, e.cookie, voteId, assignmentId)) };
				})
			);
			expect(holder.released).toBe(false);
			for (const r of results) {
				expect(r.status).toBe(503);
				expect(r.body.error.code).toBe('busy');
				expect(Number(r.retryAfter)).toBeGreaterThan(0);
			}
			await holder.release();
			const stored = await storedVoteIds();
			for (const r of results) expect(stored.has(r.voteId)).toBe(false);
			// the client retries with the same vote_id once the lock is gone
			for (const r of results) expect((await vote(server, r.e.cookie, r.voteId, r.assignmentId)).status).toBe(201);
			const after = await storedVoteIds();
			for (const r of results) expect(after.has(r.voteId)).toBe(true);
		} finally {
			await server.stop();
		}
	});
});
