// bench/votes: the real server (bin/server.js, as `npm start` runs it) over HTTP, N concurrent simulated evaluators each
// looping next → vote. Prints votes/s and latency percentiles per concurrency level.
// Run: npm run build && npm run bench:votes [-- --levels 10,100 --seconds 10 --systems 20 --prompts 1000]
// PostgreSQL: `--database postgres` starts a throwaway server (tests/helpers/postgres.ts); `--instances N`
// (PostgreSQL) runs N app instances on it, the requests spread round-robin over them as a load
// balancer would. On one machine the instances share its cores: compare ratios, not capacities.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import http from 'node:http';
import { openMigratedDatabase } from '../src/lib/server/db/index.ts';
import { hashPassword } from '../src/lib/server/auth/password.ts';
import { startServer, type RunningServer } from '../tests/helpers/server.ts';
import { startPostgres } from '../tests/helpers/postgres.ts';
import { seedBenchCampaign, seedEvaluators } from './seed.ts';

const { values } = parseArgs({
	options: {
		levels: { type: 'string', default: '10,100' },
		seconds: { type: 'string', default: '10' },
		systems: { type: 'string', default: '20' },
		prompts: { type: 'string', default: '1000' },
		database: { type: 'string', default: 'sqlite' },
		instances: { type: 'string', default: '1' }
	}
});
const levels = values.levels.split(',').map(Number);
const seconds = Number(values.seconds);
const systems = Number(values.systems);
const prompts = Number(values.prompts);
const instanceCount = Number(values.instances);
const onPostgres = values.database === 'postgres' || instanceCount > 1;
if (!onPostgres && values.database !== 'sqlite') throw new Error('--database is sqlite or postgres');
if (!(Number.isInteger(instanceCount) && instanceCount >= 1)) throw new Error('--instances must be a whole number from 1');

const root = mkdtempSync(join(tmpdir(), 'pickwise-bench-votes-'));
const pg = onPostgres ? await startPostgres() : null;
const databaseUrl = pg ? pg.url : `sqlite:${join(root, 'pickwise.db')}`;
const db = await openMigratedDatabase(databaseUrl);
const k = db.kysely;
await seedBenchCampaign(k, { slug: 'bench', systems, prompts });
const campaign = await k.selectFrom('campaign').select('id').where('slug', '=', 'bench').executeTakeFirstOrThrow();
const maxLevel = Math.max(...levels);
const cookies = (await seedEvaluators(k, campaign.id, maxLevel, await hashPassword('bench-password'))).map((t) => `pickwise_session=${t}`);
await db.close();

// the lane's Server-Timing (its own time per request) is sent only when asked for: evaluators never get it
const servers: RunningServer[] = [];
for (let i = 0; i < instanceCount; i++)
	servers.push(await startServer(root, { PICKWISE_SERVER_TIMING: '1', ...(pg ? { DATABASE_URL: pg.url } : {}) }));
const rationale = 'The left image is sharper and closer to the prompt.';
/** Round-robin over the instances, per request (as a load balancer without sticky sessions). */
let turn = 0;

function request(
	agents: http.Agent[],
	method: string,
	path: string,
	cookie: string,
	body?: string
): Promise<{ status: number; body: string; serverMs: number }> {
	const i = turn++ % servers.length;
	const base = servers[i].url;
	const { hostname, port } = new URL(base);
	return new Promise((done, fail) => {
		const req = http.request(
			{
				host: hostname,
				port,
				path,
				method,
				agent: agents[i],
				headers: {
					cookie,
					origin: base,
					'content-type': 'application/json',
					...(body ? { 'content-length': Buffer.byteLength(body) } : {})
				}
			},
			(res) => {
				let text = '';
				res.setEncoding('utf8');
				res.on('data', (chunk) => (text += chunk));
				// the fast lane reports its own time (Server-Timing: lane;dur=…); NaN when SvelteKit answered
				const timing = /lane;dur=([\d.]+)/.exec(String(res.headers['server-timing'] ?? ''));
				res.on('end', () => done({ status: res.statusCode ?? 0, body: text, serverMs: timing ? Number(timing[1]) : NaN }));
			}
		);
		req.on('error', fail);
		req.end(body);
	});
}

function percentile(sorted: number[], p: number) {
	if (!sorted.length) return NaN;
	const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
	return sorted[i];
}

console.log(
	`pickwise bench/votes: ${systems} systems × ${prompts} prompts, ${seconds} s per level, ${pg ? 'PostgreSQL' : 'SQLite'} × ${instanceCount} instance(s)`
);
console.log(
	'evaluators  votes/s   vote p50   vote p95   vote p99   next p50   next p99   loop p99   errors   server next p99   server vote p99'
);
for (const level of levels) {
	const voteLatency: number[] = [];
	const nextLatency: number[] = [];
	const loopLatency: number[] = [];
	const serverNext: number[] = [];
	const serverVote: number[] = [];
	let errors = 0;
	let votes = 0;
	const deadline = performance.now() + seconds * 1000;
	const start = performance.now();
	// node:http with keep-alive: Node's fetch costs the client more CPU than the server spends.
	const agents = servers.map(() => new http.Agent({ keepAlive: true, maxSockets: level }));
	await Promise.all(
		cookies.slice(0, level).map(async (cookie) => {
			while (performance.now() < deadline) {
				const t0 = performance.now();
				const next = await request(agents, 'GET', '/api/v1/campaigns/bench/next', cookie);
				const t1 = performance.now();
				nextLatency.push(t1 - t0);
				serverNext.push(next.serverMs);
				if (next.status !== 200) {
					errors++;
					continue;
				}
				const { assignment } = JSON.parse(next.body);
				const t2 = performance.now();
				const vote = await request(
					agents,
					'POST',
					'/api/v1/campaigns/bench/votes',
					cookie,
					JSON.stringify({
						vote_id: crypto.randomUUID(),
						assignment_id: assignment.id,
						choice: Math.random() < 0.5 ? 'left' : 'right',
						rationale
					})
				);
				const t3 = performance.now();
				if (vote.status === 201) votes++;
				else errors++;
				voteLatency.push(t3 - t2);
				serverVote.push(vote.serverMs);
				loopLatency.push(t3 - t0);
			}
		})
	);
	for (const agent of agents) agent.destroy();
	const elapsed = (performance.now() - start) / 1000;
	for (const list of [voteLatency, nextLatency, loopLatency, serverNext, serverVote]) list.sort((a, b) => a - b);
	const ms = (v: number) => `${v.toFixed(1)} ms`.padStart(9);
	console.log(
		`${String(level).padStart(10)}  ${(votes / elapsed).toFixed(0).padStart(7)}  ${ms(percentile(voteLatency, 50))}  ${ms(percentile(voteLatency, 95))}  ${ms(percentile(voteLatency, 99))}  ${ms(percentile(nextLatency, 50))}  ${ms(percentile(nextLatency, 99))}  ${ms(percentile(loopLatency, 99))}  ${String(errors).padStart(7)}  ${ms(percentile(serverNext, 99)).padStart(16)}  ${ms(percentile(serverVote, 99)).padStart(16)}`
	);
}
await Promise.all(servers.map((server) => server.stop()));
const check = await openMigratedDatabase(databaseUrl);
const stored = await check.kysely
	.selectFrom('vote')
	.select((eb) => eb.fn.countAll<number>().as('n'))
	.executeTakeFirstOrThrow();
console.log(`stored votes: ${stored.n}`);
await check.close();
await pg?.stop();
rmSync(root, { recursive: true, force: true });
