// The vote API over real HTTP on a real SQLite file: idempotency under concurrency, validation with
// named fields, nothing half-written, and every acknowledged vote surviving a killed server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMigratedDatabase, type Db } from '../../src/lib/server/db/index.ts';
import { api, seedCampaign, type SeededCampaign } from '../helpers/campaign.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { holdWriteLock } from '../helpers/lock-holder.ts';

let root: string;
let db: Db;
let server: RunningServer;
let campaign: SeededCampaign;

const rationale = 'The left one is clearly sharper here.';

async function counts(slug: string) {
	const c = await db.kysely.selectFrom('campaign').select('id').where('slug', '=', slug).executeTakeFirstOrThrow();
	const votes = await db.kysely.selectFrom('vote').select(['id', 'choice', 'kind']).where('campaign_id', '=', c.id).execute();
	const stats = await db.kysely
		.selectFrom('pair_stat')
		.selectAll()
		.where('campaign_id', '=', c.id)
		.where('criterion', '=', 'overall')
		.execute();
	const statTotal = stats.reduce((n, s) => n + s.a_wins + s.b_wins + s.ties + s.both_bad, 0);
	// hidden repeats (mixed in at the campaign's rate) measure evaluators and stay out of pair_stat
	return { votes, statTotal, ranked: votes.filter((v) => v.kind === 'normal').length };
}

beforeAll(async () => {
	root = mkdtempSync(join(tmpdir(), 'pickwise-votes-'));
	db = await openMigratedDatabase(`sqlite:${join(root, 'pickwise.db')}`);
	campaign = await seedCampaign(db.kysely, root, { slug: 'votes', systems: 5, prompts: 12, evaluators: 10 });
	server = await startServer(root);
});

afterAll(async () => {
	await server?.stop();
	await db?.close();
	rmSync(root, { recursive: true, force: true });
});

describe('vote API', () => {
	it('counts 50 parallel submissions with duplicate vote_ids exactly once each', async () => {
		const submissions: { cookie: string; body: Record<string, unknown> }[] = [];
		for (const e of campaign.evaluators) {
			const held: string[] = [];
			for (let k = 0; k < 3; k++) {
				const next = await api(server.url, e.cookie, `/api/v1/campaigns/votes/next?${held.map((h) => `exclude=${h}`).join('&')}`);
				expect(next.status).toBe(200);
				held.push(next.body.assignment.id);
				submissions.push({
					cookie: e.cookie,
					body: { vote_id: crypto.randomUUID(), assignment_id: next.body.assignment.id, choice: ['left', 'right', 'tie'][k], rationale }
				});
			}
		}
		expect(submissions).toHaveLength(30);
		const withDuplicates = [...submissions, ...submissions.slice(0, 20)];
		const results = await Promise.all(withDuplicates.map((s) => api(server.url, s.cookie, '/api/v1/campaigns/votes/votes', s.body)));
		expect(results.filter((r) => r.status === 201)).toHaveLength(30);
		expect(results.filter((r) => r.status === 200)).toHaveLength(20);
		for (const r of results) expect(submissions.map((s) => s.body.vote_id)).toContain(r.body.vote_id);
		const { votes, statTotal, ranked } = await counts('votes');
		expect(votes).toHaveLength(30);
		expect(ranked).toBe(30);
		expect(statTotal).toBe(30);
		// the same vote_id for another pair is a conflict, not a silent success
		const other = await api(server.url, submissions[0].cookie, '/api/v1/campaigns/votes/next');
		const reuse = await api(server.url, submissions[0].cookie, '/api/v1/campaigns/votes/votes', {
			...submissions[0].body,
			assignment_id: other.body.assignment.id
		});
		expect(reuse.status).toBe(409);
		expect(reuse.body.error.field).toBe('vote_id');
	});

	it('refuses bad votes with the right status and field, writing nothing', async () => {
		const [e1, e2] = campaign.evaluators.slice(8);
		const mine = (await api(server.url, e1.cookie, '/api/v1/campaigns/votes/next')).body.assignment.id;
		const before = await counts('votes');
		const post = (cookie: string, body: Record<string, unknown>) =>
			api(server.url, cookie, '/api/v1/campaigns/votes/votes', {
				vote_id: crypto.randomUUID(),
				assignment_id: mine,
				choice: 'left',
				rationale,
				...body
			});
		const cases: [Record<string, unknown>, number, string, string?][] = [
			[{ choice: 'maybe' }, 400, 'choice'],
			[{ rationale: 'too short' }, 400, 'rationale', 'at least 20 characters'],
			[{ rationale: 'x'.repeat(2001) }, 400, 'rationale', 'at most 2000'],
			[{ flags: { left: ['no_such_flag'] } }, 400, 'flags'],
			[{ criteria: { sharpness: 'left' } }, 400, 'criteria'],
			[{ vote_id: 'not-a-uuid' }, 400, 'vote_id'],
			[{ assignment_id: 'nope' }, 404, 'assignment_id']
		];
		for (const [body, status, field, text] of cases) {
			const r = await post(e1.cookie, body);
			expect(r.status, JSON.stringify(body)).toBe(status);
			expect(r.body.error.field).toBe(field);
			if (text) expect(r.body.error.message).toContain(text);
		}
		const theirs = await post(e2.cookie, {});
		expect(theirs.status).toBe(403);
		expect((await counts('votes')).votes).toHaveLength(before.votes.length);
		// still open: the good vote goes through, then a second one for the same pair is refused
		expect((await post(e1.cookie, { flags: { left: ['artifacts'], right: [] } })).status).toBe(201);
		const again = await post(e1.cookie, {});
		expect(again.status).toBe(409);
		expect(again.body.error.field).toBe('assignment_id');
	});

	it('refuses a vote on an expired lease with 410', async () => {
		const e = campaign.evaluators[7];
		const id = (await api(server.url, e.cookie, '/api/v1/campaigns/votes/next')).body.assignment.id;
		await db.kysely
			.updateTable('assignment')
			.set({ expires_at: Date.now() - 1000 })
			.where('id', '=', id)
			.execute();
		const r = await api(server.url, e.cookie, '/api/v1/campaigns/votes/votes', {
			vote_id: crypto.randomUUID(),
			assignment_id: id,
			choice: 'left',
			rationale
		});
		expect(r.status).toBe(410);
		expect(r.body.error.field).toBe('assignment_id');
	});

	it('keeps every acknowledged vote when the server is killed mid-load and restarted', async () => {
		const acknowledged = new Set<string>();
		let stop = false;
		const loops = campaign.evaluators.slice(0, 6).map(async (e) => {
			while (!stop) {
				try {
					const next = await api(server.url, e.cookie, '/api/v1/campaigns/votes/next');
					if (next.status !== 200) return;
					const voteId = crypto.randomUUID();
					const r = await api(server.url, e.cookie, '/api/v1/campaigns/votes/votes', {
						vote_id: voteId,
						assignment_id: next.body.assignment.id,
						choice: 'right',
						rationale
					});
					if (r.status === 201 || r.status === 200) acknowledged.add(voteId);
				} catch {
					return; // the server is gone
				}
			}
		});
		// kill it mid-load: after 700 ms of load and more than 5 acknowledged votes (given up to 20 s,
		// for a slow machine; ends early if every loop has stopped)
		let loopsDone = false;
		void Promise.allSettled(loops).then(() => (loopsDone = true));
		const started = Date.now();
		while (Date.now() - started < 20_000 && !loopsDone && (Date.now() - started < 700 || acknowledged.size <= 5)) {
			await new Promise((r) => setTimeout(r, 25));
		}
		await server.stop('SIGKILL');
		stop = true;
		await Promise.all(loops);
		expect(acknowledged.size).toBeGreaterThan(5);
		server = await startServer(root);
		const stored = new Set((await counts('votes')).votes.map((v) => v.id));
		for (const id of acknowledged) expect(stored.has(id), `acknowledged vote ${id} lost`).toBe(true);
		const { statTotal, ranked } = await counts('votes');
		expect(statTotal).toBe(ranked);
		// the restarted server still serves and counts
		const e = campaign.evaluators[0];
		const next = await api(server.url, e.cookie, '/api/v1/campaigns/votes/next');
		expect([200, 204]).toContain(next.status);
	});

	it('keeps every acknowledged vote when another process held the write lock mid-burst and the server is then killed', async () => {
		const acknowledged = new Set<string>();
		const statuses: number[] = [];
		let inFlight = 0;
		let stop = false;
		const loops = campaign.evaluators.slice(4, 10).map(async (e) => {
			while (!stop) {
				try {
					inFlight++;
					const next = await api(server.url, e.cookie, '/api/v1/campaigns/votes/next').finally(() => inFlight--);
					if (next.status !== 200) return;
					const voteId = crypto.randomUUID();
					inFlight++;
					const r = await api(server.url, e.cookie, '/api/v1/campaigns/votes/votes', {
						vote_id: voteId,
						assignment_id: next.body.assignment.id,
						choice: 'left',
						rationale
					}).finally(() => inFlight--);
					statuses.push(r.status);
					if (r.status === 201 || r.status === 200) acknowledged.add(voteId);
				} catch {
					return; // the server is gone
				}
			}
		});
		let loopsDone = false;
		void Promise.allSettled(loops).then(() => (loopsDone = true));
		const waitFor = async (ok: () => boolean) => {
			const started = Date.now();
			while (!ok() && !loopsDone && Date.now() - started < 20_000) await new Promise((r) => setTimeout(r, 10));
		};
		await waitFor(() => acknowledged.size > 5);
		const holder = await holdWriteLock(join(root, 'pickwise.db'));
		// every evaluator's next write (a lease or a vote) waits behind the other process's lock
		await waitFor(() => inFlight === 6);
		for (let i = 0; i < 3; i++) expect((await fetch(`${server.url}/login`)).status).toBe(200);
		const beforeRelease = acknowledged.size;
		await holder.release();
		await waitFor(() => acknowledged.size > beforeRelease + 5);
		await server.stop('SIGKILL');
		stop = true;
		await Promise.all(loops);
		server = await startServer(root);
		expect(acknowledged.size).toBeGreaterThan(beforeRelease + 5);
		expect(statuses.filter((s) => s >= 500 && s !== 503)).toEqual([]);
		const stored = new Set((await counts('votes')).votes.map((v) => v.id));
		for (const id of acknowledged) expect(stored.has(id), `acknowledged vote ${id} lost`).toBe(true);
		const { statTotal, ranked } = await counts('votes');
		expect(statTotal).toBe(ranked);
	});
});
