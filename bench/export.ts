// bench/export: a campaign with a million votes over 100 systems (made with SQL, not through the
// vote API), then the real server: leaderboard time with 1,000-round intervals once the counts
// exist, and the streamed battle export — time, size and the server's peak memory while it streams.
// Run: npm run build && node bin/run-ts.js bench/export.ts [--votes 1000000]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import { parseArgs } from 'node:util';
import { openMigratedDatabase } from '../src/lib/server/db/index.ts';
import { createCampaign, addMember } from '../src/lib/server/campaigns/campaigns.ts';
import { createUser } from '../src/lib/server/auth/users.ts';
import { createApiToken } from '../src/lib/server/auth/api-token.ts';
import { randomId } from '../src/lib/server/ids.ts';
import { startServer } from '../tests/helpers/server.ts';

const { values } = parseArgs({ options: { votes: { type: 'string', default: '1000000' }, systems: { type: 'string', default: '100' } } });
const N = Number(values.votes);
const K = Number(values.systems);
const root = mkdtempSync(join(tmpdir(), 'pickwise-bench-export-'));
const db = await openMigratedDatabase(`sqlite:${join(root, 'pickwise.db')}`);
await createCampaign(db.kysely, { slug: 'big', name: 'Big' });
const campaign = await db.kysely.selectFrom('campaign').select('id').executeTakeFirstOrThrow();
const researcher = await createUser(db.kysely, { email: 'r@big.test', password: 'password-123' });
await addMember(db.kysely, { slug: 'big', email: 'r@big.test', role: 'researcher' });
const judge = await createUser(db.kysely, { email: 'j@big.test', password: 'password-123' });
const { token } = await createApiToken(db.kysely, researcher.id, 'bench');

const t0 = performance.now();
const sqlite = db.sqlite!;
const prompt = randomId();
sqlite
	.prepare('insert into prompt (id, campaign_id, external_id, text, category) values (?, ?, ?, ?, null)')
	.run(prompt, campaign.id, 'p', 'a prompt');
const systems: string[] = [];
const images: string[] = [];
// strengths on a known scale so that the counts look like real votes
const strength = Array.from({ length: K }, (_, i) => (i - K / 2) / (K / 6));
for (let s = 0; s < K; s++) {
	systems.push(randomId());
	images.push(randomId());
	sqlite
		.prepare('insert into system (id, campaign_id, name) values (?, ?, ?)')
		.run(systems[s], campaign.id, `system-${String(s).padStart(3, '0')}`);
	sqlite
		.prepare(
			"insert into image (id, campaign_id, prompt_id, system_id, sha256, stored_path, width, height, format, bytes, created_at) values (?, ?, ?, ?, ?, '', 0, 0, 'none', 0, 0)"
		)
		.run(images[s], campaign.id, prompt, systems[s], randomId());
}
const insertAssignment = sqlite.prepare(
	"insert into assignment (id, campaign_id, user_id, left_image_id, right_image_id, kind, issued_at, expires_at, answered_at) values (?, ?, ?, ?, ?, 'normal', ?, ?, ?)"
);
const insertVote = sqlite.prepare(
	"insert into vote (id, assignment_id, campaign_id, user_id, prompt_id, left_image_id, right_image_id, left_system_id, right_system_id, kind, choice, rationale, flags, guidelines_version, shown_at, submitted_at, active_ms, status) values (?, ?, ?, ?, ?, ?, ?, ?, ?, 'normal', ?, ?, '{}', 1, ?, ?, 5000, 'counted')"
);
let seed = 12345;
const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296;
const start = Date.UTC(2026, 0, 1);
const batch = sqlite.transaction((from: number, to: number) => {
	for (let v = from; v < to; v++) {
		const a = Math.floor(rand() * K);
		let b = Math.floor(rand() * (K - 1));
		if (b >= a) b++;
		const p = 1 / (1 + Math.exp(strength[b] - strength[a]));
		const r = rand();
		const choice = r < 0.1 ? 'tie' : r < 0.1 + 0.9 * p ? 'left' : 'right';
		const at = start + v * 1000;
		const assignment = randomId();
		insertAssignment.run(assignment, campaign.id, judge.id, images[a], images[b], at, at, at);
		insertVote.run(
			crypto.randomUUID(),
			assignment,
			campaign.id,
			judge.id,
			prompt,
			images[a],
			images[b],
			systems[a],
			systems[b],
			choice,
			'a rationale of ordinary length, about so long',
			at,
			at
		);
	}
});
for (let v = 0; v < N; v += 50_000) batch(v, Math.min(N, v + 50_000));
// pair_stat as the vote service would have kept it
sqlite.exec(`insert into pair_stat (campaign_id, criterion, system_a, system_b, a_wins, b_wins, ties, both_bad)
	select campaign_id, 'overall', min(left_system_id, right_system_id), max(left_system_id, right_system_id),
		sum(case when (choice = 'left') = (left_system_id < right_system_id) and choice in ('left', 'right') then 1 else 0 end),
		sum(case when (choice = 'right') = (left_system_id < right_system_id) and choice in ('left', 'right') then 1 else 0 end),
		sum(case when choice = 'tie' then 1 else 0 end), sum(case when choice = 'both_bad' then 1 else 0 end)
	from vote group by campaign_id, min(left_system_id, right_system_id), max(left_system_id, right_system_id)`);
await db.close();
console.log(`setup: ${N.toLocaleString()} votes over ${K} systems in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const server = await startServer(root);
const pid = server.process.pid!;
const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
const { hostname, port } = new URL(server.url);
function get(path: string, onChunk?: (n: number) => void): Promise<{ status: number; bytes: number; ms: number; body: string }> {
	const t = performance.now();
	return new Promise((done, fail) => {
		http
			.get({ host: hostname, port, path, headers: { authorization: `Bearer ${token}` } }, (res) => {
				let bytes = 0;
				let body = '';
				res.on('data', (chunk: Buffer) => {
					bytes += chunk.length;
					if (!onChunk && body.length < 1e6) body += chunk;
					onChunk?.(chunk.length);
				});
				res.on('end', () => done({ status: res.statusCode ?? 0, bytes, ms: performance.now() - t, body }));
			})
			.on('error', fail);
	});
}
await get('/api/v1/campaigns/big/leaderboard?bootstrap=0');
const idle = rss();
const times: number[] = [];
for (const seedParam of [1, 2, 3]) {
	const r = await get(`/api/v1/campaigns/big/leaderboard?bootstrap=1000&seed=${seedParam}`);
	if (r.status !== 200) throw new Error(r.body);
	times.push(r.ms);
}
times.sort((a, b) => a - b);
const cached = await get('/api/v1/campaigns/big/leaderboard?bootstrap=1000&seed=1');
console.log(
	`leaderboard, 1,000 rounds, ${K} systems, ${N.toLocaleString()} votes (from pair_stat): median ${times[1].toFixed(0)} ms cold, ${cached.ms.toFixed(1)} ms cached`
);

let peak = idle;
const sampler = setInterval(() => (peak = Math.max(peak, rss())), 50);
let lines = 0;
const exported = await get('/api/v1/campaigns/big/votes?format=battles', () => lines++);
clearInterval(sampler);
console.log(
	`battle export: ${(exported.bytes / 1048576).toFixed(0)} MiB in ${(exported.ms / 1000).toFixed(1)} s (${Math.round(N / (exported.ms / 1000)).toLocaleString()} votes/s); server RSS ${idle.toFixed(0)} MB before, peak ${peak.toFixed(0)} MB while streaming`
);
await server.stop();
rmSync(root, { recursive: true, force: true });
