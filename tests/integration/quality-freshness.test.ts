// A large campaign's quality report takes seconds to compute. After a change the server answers at
// once with the last report, saying which votes it covers and that it is not current, and computes the
// next one in the background; a small campaign's report is computed on request and always current.
// Through the real server on a SQLite file, with the "large" threshold lowered to 10 votes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openMigratedDatabase, type Db } from '../../src/lib/server/db/index.ts';
import { api, seedCampaign, type SeededCampaign } from '../helpers/campaign.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { createUser } from '../../src/lib/server/auth/users.ts';
import { addMember } from '../../src/lib/server/campaigns/campaigns.ts';
import { createSession } from '../../src/lib/server/auth/session.ts';
import { importVotes } from '../../src/lib/server/voting/battle-import.ts';

let root: string;
let db: Db;
let server: RunningServer;
let lead: string;
const seeded: Record<string, SeededCampaign> = {};

async function vote(slug: string, evaluator: number, n: number) {
	const cookie = seeded[slug].evaluators[evaluator].cookie;
	const next = await api(server.url, cookie, `/api/v1/campaigns/${slug}/next`);
	expect(next.status).toBe(200);
	const saved = await api(server.url, cookie, `/api/v1/campaigns/${slug}/votes`, {
		vote_id: crypto.randomUUID(),
		assignment_id: next.body.assignment.id,
		choice: n % 3 === 0 ? 'right' : 'left',
		rationale: `The left one is sharper and better lit, vote ${n}.`
	});
	expect(saved.status).toBe(201);
}

type AsOf = { votes: number; computed_at: string; current: boolean };
const report = async (slug: string): Promise<{ as_of: AsOf; evaluators: { metrics: { votes: number } }[] }> => {
	const r = await api(server.url, lead, `/api/v1/campaigns/${slug}/evaluators?wait=30`);
	expect(r.status).toBe(200);
	return r.body;
};
async function untilCurrent(slug: string) {
	for (let tries = 0; tries < 400; tries++) {
		const r = await report(slug);
		if (r.as_of.current) return r;
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
	throw new Error(`the report of ${slug} did not become current`);
}
const votesIn = (r: Awaited<ReturnType<typeof report>>) => r.evaluators.reduce((n, e) => n + e.metrics.votes, 0);

beforeAll(async () => {
	root = mkdtempSync(join(tmpdir(), 'pickwise-quality-fresh-'));
	db = await openMigratedDatabase(`sqlite:${join(root, 'pickwise.db')}`);
	for (const slug of ['big', 'small']) seeded[slug] = await seedCampaign(db.kysely, root, { slug, systems: 4, prompts: 10, evaluators: 3 });
	const user = await createUser(db.kysely, { email: 'lead@fresh.test', password: 'lead-password-1' });
	for (const slug of ['big', 'small']) await addMember(db.kysely, { slug, email: 'lead@fresh.test', role: 'lead' });
	lead = `pickwise_session=${(await createSession(db.kysely, user.id)).token}`;
	server = await startServer(root, { PICKWISE_QUALITY_WARM_VOTES: '10' });
	for (let n = 0; n < 12; n++) await vote('big', n % 3, n);
	for (let n = 0; n < 6; n++) await vote('small', n % 3, n);
}, 120_000);

afterAll(async () => {
	await server?.stop();
	await db?.close();
	rmSync(root, { recursive: true, force: true });
});

describe('quality report freshness', () => {
	it("serves a large campaign's last report at once after a vote, then the new one", async () => {
		const first = await report('big');
		expect(first.as_of).toMatchObject({ votes: 12, current: true });
		expect(votesIn(first)).toBe(12);
		expect((await report('big')).as_of.current).toBe(true);

		await vote('big', 0, 12);
		// the request does not wait for the new report: it gets the last one, marked as not current
		const stale = await report('big');
		expect(stale.as_of).toMatchObject({ votes: 12, current: false, computed_at: first.as_of.computed_at });
		expect(votesIn(stale)).toBe(12);

		// the new one is computed in the background (no later than the last one took after it)
		const fresh = await untilCurrent('big');
		expect(fresh.as_of.votes).toBe(13);
		expect(votesIn(fresh)).toBe(13);
	});

	it('says so on the evaluators page and the audit queue while a report is not current', async () => {
		const page = async (path: string) => (await fetch(server.url + path, { headers: { cookie: lead } })).text();
		// each page is the first request after a vote: the refresh the previous one started is done
		await vote('big', 1, 13);
		const evaluators = await page('/c/big/evaluators');
		expect(evaluators).toContain('id="quality-as-of"');
		expect(evaluators).toMatch(/covers the 13 votes the campaign had at/);
		await untilCurrent('big');
		expect(await page('/c/big/evaluators')).not.toContain('id="quality-as-of"');
		await vote('big', 2, 14);
		const audit = await page('/c/big/audit');
		expect(audit).toContain('id="quality-as-of"');
		expect(audit).toMatch(/the newer vote has no risk score yet/);
	});

	it('serves the report the last process saved after a restart, not one newer than the database', async () => {
		const restart = async () => {
			await server.stop();
			server = await startServer(root, { PICKWISE_QUALITY_WARM_VOTES: '10' });
			for (let tries = 0; tries < 600 && !/quality report of big \(\d+ votes\) ready/.test(server.output()); tries++)
				await new Promise((r) => setTimeout(r, 50));
			return server.output();
		};
		// the first report of this server (12 votes) was saved beside the database
		const campaign = await db.kysely.selectFrom('campaign').select('id').where('slug', '=', 'big').executeTakeFirstOrThrow();
		expect(existsSync(join(root, 'pickwise.db-cache', `quality-${campaign.id}.v8`))).toBe(true);
		let output = await restart();
		expect(output).toMatch(/quality report of big saved by the last process served \d+ ms after start/);
		expect(output).toMatch(/quality report of big \(15 votes\) ready/);
		expect((await report('big')).as_of).toMatchObject({ votes: 15, current: true });

		// a database older than the saved report (here: without its newest vote) does not get it
		const twelfth = await db.kysely
			.selectFrom('vote')
			.select('id')
			.where('campaign_id', '=', campaign.id)
			.orderBy('submitted_at')
			.offset(11)
			.limit(1)
			.executeTakeFirstOrThrow();
		await db.kysely.deleteFrom('vote').where('id', '=', twelfth.id).execute();
		output = await restart();
		expect(output).not.toMatch(/saved by the last process served/);
		expect(output).toMatch(/quality report of big \(14 votes\) ready/);
	});

	it("computes a small campaign's report on request: current right after a vote", async () => {
		expect((await report('small')).as_of).toMatchObject({ votes: 6, current: true });
		await vote('small', 2, 6);
		const after = await report('small');
		expect(after.as_of).toMatchObject({ votes: 7, current: true });
		expect(votesIn(after)).toBe(7);
		expect(await (await fetch(server.url + '/c/small/evaluators', { headers: { cookie: lead } })).text()).not.toContain(
			'id="quality-as-of"'
		);
	});

	it('answers a page at once while a report is being computed, then shows it (no page wait, nothing computed yet)', async () => {
		// A fresh server whose pages wait 0 ms and where no campaign is "large" (every report is computed
		// on request, none is served stale; the near-duplicate join runs inside the report, not after it).
		// The small campaign gets 20,000 imported battles (another connection, as the CLI would), so each
		// report takes the worker far longer than a request's own work: the first page after a change
		// answers "being computed" whatever the machine's speed.
		await server.stop();
		server = await startServer(root, {
			PICKWISE_QUALITY_WARM_VOTES: '1000000000',
			PICKWISE_QUALITY_INLINE_DUPLICATES: '1000000',
			PICKWISE_QUALITY_WAIT_MS: '0'
		});
		const text = readFileSync(resolve('tests/fixtures/ranking/synthetic_20000_12.csv'), 'utf8');
		expect((await importVotes(db.kysely, { campaign: 'small', text, format: 'csv' })).added).toBe(20000);
		const page = async (path: string, cookie = lead) => {
			const r = await fetch(server.url + path, { headers: { cookie } });
			expect(r.status).toBe(200);
			return r.text();
		};
		const until = async (path: string, cookie: string, pending: string) => {
			const deadline = Date.now() + 60_000;
			let later = await page(path, cookie);
			while (later.includes(pending) && Date.now() < deadline) {
				await new Promise((r) => setTimeout(r, 50));
				later = await page(path, cookie);
			}
			return later;
		};
		for (const [path, content] of [
			['/c/small/evaluators', /<caption[^>]*>Quality signals per evaluator/],
			['/c/small/audit', /data-vote="/]
		] as const) {
			// each page is the first request of this campaign's report after a vote
			await vote('small', 0, path.length);
			const first = await page(path);
			expect(first).toContain('id="quality-pending"');
			expect(first).toMatch(/The quality report is being computed \(\d+\.\d s so far/);
			// without JavaScript the page loads itself again
			expect(first).toContain('<meta http-equiv="refresh" content="2"');
			expect(first).not.toMatch(content);
			const later = await until(path, lead, 'id="quality-pending"');
			expect(later).not.toContain('id="quality-pending"');
			expect(later).toMatch(content);
		}
		// the evaluator's own page says their agreement and time are coming, then shows them
		const own = seeded.small.evaluators[0].cookie;
		await vote('small', 0, 50);
		expect(await page('/c/small/me', own)).toContain('Agreement and time per vote are being computed');
		const mine = await until('/c/small/me', own, 'are being computed');
		expect(mine).not.toContain('are being computed');
		expect(mine).toContain('Agreement with the other evaluators');

		// the JSON API answers 202 with Retry-After while it is computed; a client may say how long it waits
		await vote('small', 1, 100);
		const evaluators = (query = '') => api(server.url, lead, `/api/v1/campaigns/small/evaluators${query}`);
		const computing = await evaluators();
		expect(computing.status).toBe(202);
		expect(Number(computing.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
		expect(computing.body).toMatchObject({ computing: { started_at: expect.any(String), elapsed_ms: expect.any(Number) } });
		expect(computing.body.retry_after_s).toBe(Number(computing.headers.get('retry-after')));
		expect(computing.body.evaluators).toBeUndefined();
		const waited = await evaluators('?wait=30');
		expect(waited.status).toBe(200);
		expect(waited.body.as_of).toMatchObject({ votes: 20011, current: true });
		for (const bad of ['abc', '31', '-1', '1e3', '']) {
			const r = await evaluators(`?wait=${bad}`);
			expect(r.status).toBe(400);
			expect(r.body.error).toMatchObject({ code: 'invalid', field: 'wait' });
		}
	}, 180_000);
});
