// bench/abuse: the availability attacks of issue 11 against the real server (bin/server.js), each
// with the numbers that show whether one user can stall everyone:
//   1. a lead saves 12 kB of "_a " as guidelines; evaluators load the vote page while another
//      evaluator calls `next`: next latency and vote-page p99;
//   2. another process holds SQLite's write lock for 7 s during a vote burst: vote outcomes by
//      status and GET /login p99 while the lock is held;
//   3. 16 parallel `leaderboard?bootstrap=10000` requests (distinct seeds) with a read-only token:
//      page p99, 429 count, peak threads and RSS of the server.
// Run: npm run build && node bin/run-ts.js bench/abuse.ts [--lock-seconds 7]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openMigratedDatabase } from '../src/lib/server/db/index.ts';
import { createUser } from '../src/lib/server/auth/users.ts';
import { addMember } from '../src/lib/server/campaigns/campaigns.ts';
import { createSession } from '../src/lib/server/auth/session.ts';
import { createApiToken } from '../src/lib/server/auth/api-token.ts';
import { seedCampaign } from '../tests/helpers/campaign.ts';
import { pickwise } from '../tests/helpers/cli.ts';
import { startServer } from '../tests/helpers/server.ts';
import { holdWriteLock } from '../tests/helpers/lock-holder.ts';

const { values } = parseArgs({ options: { 'lock-seconds': { type: 'string', default: '7' } } });
const lockMs = Number(values['lock-seconds']) * 1000;

const root = mkdtempSync(join(tmpdir(), 'pickwise-bench-abuse-'));
const file = join(root, 'pickwise.db');
const db = await openMigratedDatabase(`sqlite:${file}`);
const seeded = await seedCampaign(db.kysely, root, { slug: 'abuse', systems: 6, prompts: 40, evaluators: 24 });
const lead = await createUser(db.kysely, { email: 'lead@abuse.test', password: 'lead-password-1' });
await addMember(db.kysely, { slug: 'abuse', email: 'lead@abuse.test', role: 'lead' });
const leadCookie = `pickwise_session=${(await createSession(db.kysely, lead.id)).token}`;
await db.close();
// a campaign with 20,000 historical votes over 12 systems for the bootstrap requests
if (pickwise(root, ['campaign', 'create', '--slug', 'hist', '--name', 'Historical']).code !== 0) throw new Error('campaign create failed');
const imported = pickwise(root, [
	'import',
	'votes',
	'--campaign',
	'hist',
	'--file',
	resolve('tests/fixtures/ranking/synthetic_20000_12.csv')
]);
if (imported.code !== 0) throw new Error(imported.stderr);
const db2 = await openMigratedDatabase(`sqlite:${file}`);
const researcher = await createUser(db2.kysely, { email: 'rae@hist.test', password: 'researcher-pw-1' });
await addMember(db2.kysely, { slug: 'hist', email: 'rae@hist.test', role: 'researcher' });
const { token } = await createApiToken(db2.kysely, researcher.id, 'bench');
await db2.close();

const server = await startServer(root);
const pid = server.process.pid!;
const status = () => readFileSync(`/proc/${pid}/status`, 'utf8');
const threads = () => Number(/^Threads:\s+(\d+)/m.exec(status())![1]);
const rssMb = () => Number(/^VmRSS:\s+(\d+)/m.exec(status())![1]) / 1024;

async function timed(
	path: string,
	init: RequestInit = {}
): Promise<{ status: number; ms: number; body: string; retryAfter: string | null }> {
	const t = performance.now();
	try {
		const r = await fetch(server.url + path, { ...init, headers: { origin: server.url, ...(init.headers as Record<string, string>) } });
		const body = await r.text();
		return { status: r.status, ms: performance.now() - t, body, retryAfter: r.headers.get('retry-after') };
	} catch {
		// the connection failed or was reset: status 0
		return { status: 0, ms: performance.now() - t, body: '', retryAfter: null };
	}
}
const pct = (xs: number[], q: number) => {
	if (!xs.length) return NaN;
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const ms = (x: number) => `${x.toFixed(0)} ms`;
/** Runs `step` in a loop until `until` resolves; returns its latencies. */
async function loop(until: Promise<unknown>, step: () => Promise<number>): Promise<number[]> {
	let done = false;
	void until.finally(() => (done = true));
	const out: number[] = [];
	while (!done) out.push(await step());
	return out;
}
const sleep = (t: number) => new Promise((r) => setTimeout(r, t));
const ev = seeded.evaluators;
const json = (cookie: string) => ({ cookie, 'content-type': 'application/json', accept: 'application/json' });

// warm-up: every page once
await timed('/login');
await timed('/c/abuse/vote', { headers: { cookie: ev[0].cookie } });
await timed('/api/v1/campaigns/hist/leaderboard', { headers: { authorization: `Bearer ${token}` } });

// 1. heavy guidelines
{
	const saved = await timed('/c/abuse/manage?/guidelines', {
		method: 'POST',
		headers: { cookie: leadCookie, 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ guidelines: '_a '.repeat(4096) }).toString()
	});
	const window = sleep(6000);
	const pageLoops = [1, 2, 3, 4].map((i) =>
		loop(window, async () => (await timed('/c/abuse/vote', { headers: { cookie: ev[i].cookie } })).ms)
	);
	const nexts = await loop(
		window,
		async () => (await timed('/api/v1/campaigns/abuse/next', { headers: { cookie: ev[5].cookie, accept: 'application/json' } })).ms
	);
	const pages = (await Promise.all(pageLoops)).flat();
	console.log(
		`1. guidelines of 12 kB "_a " (save: ${saved.status}): next p50 ${ms(pct(nexts, 0.5))}, p99 ${ms(pct(nexts, 0.99))}, max ${ms(Math.max(...nexts))} (${nexts.length} calls); vote page p99 ${ms(pct(pages, 0.99))} (${pages.length} loads)`
	);
}

// 2. external write lock during a vote burst
{
	const statuses = new Map<number, number>();
	let stop = false;
	const voters = ev.slice(6, 22).map(async (e) => {
		while (!stop) {
			const next = await timed('/api/v1/campaigns/abuse/next', { headers: { cookie: e.cookie, accept: 'application/json' } });
			if (next.status !== 200) {
				statuses.set(next.status, (statuses.get(next.status) ?? 0) + 1);
				if (next.status === 204) return;
				await sleep(100);
				continue;
			}
			const assignment = JSON.parse(next.body).assignment.id;
			const r = await timed('/api/v1/campaigns/abuse/votes', {
				method: 'POST',
				headers: json(e.cookie),
				body: JSON.stringify({
					vote_id: crypto.randomUUID(),
					assignment_id: assignment,
					choice: 'left',
					rationale: 'The left one follows the prompt better.'
				})
			});
			statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
		}
	});
	await sleep(1000);
	const holder = await holdWriteLock(file);
	const released = sleep(lockMs).then(() => holder.release());
	const logins = await loop(released, async () => (await timed('/login')).ms);
	await sleep(2000);
	stop = true;
	await Promise.all(voters);
	const counts = [...statuses]
		.sort(([a], [b]) => a - b)
		.map(([s, n]) => `${s}: ${n}`)
		.join(', ');
	console.log(
		`2. write lock held ${lockMs / 1000} s during a vote burst of 16 evaluators: vote/next statuses {${counts}}; GET /login while locked p99 ${ms(pct(logins, 0.99))}, max ${ms(Math.max(...logins))} (${logins.length} requests)`
	);
}

// 3. 16 parallel bootstrap requests
{
	const threadsBefore = threads();
	const rssBefore = rssMb();
	let peakThreads = threadsBefore;
	let peakRss = rssBefore;
	const burst = Promise.all(
		Array.from({ length: 16 }, (_, i) =>
			timed(`/api/v1/campaigns/hist/leaderboard?bootstrap=10000&seed=${1000 + i}`, { headers: { authorization: `Bearer ${token}` } })
		)
	);
	const sampler = loop(burst, async () => {
		peakThreads = Math.max(peakThreads, threads());
		peakRss = Math.max(peakRss, rssMb());
		await sleep(20);
		return 0;
	});
	const t = performance.now();
	const pages = await loop(burst, async () => (await timed('/login')).ms);
	const answers = await burst;
	const burstMs = performance.now() - t;
	await sampler;
	const by = new Map<number, number>();
	for (const a of answers) by.set(a.status, (by.get(a.status) ?? 0) + 1);
	console.log(
		`3. 16 parallel bootstrap=10000: statuses {${[...by].map(([s, n]) => `${s}: ${n}`).join(', ')}} in ${(burstMs / 1000).toFixed(1)} s; ` +
			`page p50 ${ms(pct(pages, 0.5))}, p99 ${ms(pct(pages, 0.99))}, max ${ms(Math.max(...pages))} (${pages.length}); threads ${threadsBefore} → peak ${peakThreads}; RSS ${rssBefore.toFixed(0)} → peak ${peakRss.toFixed(0)} MB`
	);
}

await server.stop();
rmSync(root, { recursive: true, force: true });
