// bench/audit: the lead's audit queue and the evaluator dashboard at scale — 200,000 votes by 200
// evaluators (made with prepared statements, not through the vote API), then the real server: cold
// (first request after start) and warm (the median of the same request five times again) times of the audit queue's first page
// in the default risk order and with a rationale search, and of the evaluator report. Budgets: cold
// < 2 s, warm < 200 ms.
// Run: npm run build && node bin/run-ts.js bench/audit.ts [--votes 200000 --evaluators 200]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import { parseArgs } from 'node:util';
import { openMigratedDatabase } from '../src/lib/server/db/index.ts';
import { createCampaign, addMember } from '../src/lib/server/campaigns/campaigns.ts';
import { createUser } from '../src/lib/server/auth/users.ts';
import { createSession } from '../src/lib/server/auth/session.ts';
import { randomId } from '../src/lib/server/ids.ts';
import { startServer, type RunningServer } from '../tests/helpers/server.ts';

const { values } = parseArgs({
	options: {
		votes: { type: 'string', default: '200000' },
		evaluators: { type: 'string', default: '200' },
		systems: { type: 'string', default: '20' },
		prompts: { type: 'string', default: '2000' }
	}
});
const N = Number(values.votes);
const E = Number(values.evaluators);
const K = Number(values.systems);
const P = Number(values.prompts);
const root = mkdtempSync(join(tmpdir(), 'pickwise-bench-audit-'));
const db = await openMigratedDatabase(`sqlite:${join(root, 'pickwise.db')}`);
await createCampaign(db.kysely, { slug: 'big', name: 'Big' });
const campaign = await db.kysely.selectFrom('campaign').select('id').executeTakeFirstOrThrow();
const lead = await createUser(db.kysely, { email: 'lead@big.test', password: 'password-123' });
await addMember(db.kysely, { slug: 'big', email: 'lead@big.test', role: 'lead' });
const cookie = `pickwise_session=${(await createSession(db.kysely, lead.id)).token}`;

const t0 = performance.now();
const sqlite = db.sqlite!;
let seed = 12345;
const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296;
const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
const evaluators: string[] = [];
sqlite.transaction(() => {
	const insertUser = sqlite.prepare(
		"insert into user (id, email, display_name, password_hash, is_admin, disabled_at, created_at) values (?, ?, ?, 'x', 0, null, 0)"
	);
	const insertMember = sqlite.prepare("insert into campaign_member (campaign_id, user_id, role, quota) values (?, ?, 'evaluator', null)");
	for (let e = 0; e < E; e++) {
		const id = randomId();
		evaluators.push(id);
		insertUser.run(id, `e${e}@big.test`, `Evaluator ${e}`);
		insertMember.run(campaign.id, id);
	}
})();
const systems: string[] = [];
const images: string[][] = [];
const prompts: string[] = [];
sqlite.transaction(() => {
	for (let s = 0; s < K; s++) {
		systems.push(randomId());
		sqlite
			.prepare('insert into system (id, campaign_id, name) values (?, ?, ?)')
			.run(systems[s], campaign.id, `system-${String(s).padStart(2, '0')}`);
	}
	const insertPrompt = sqlite.prepare('insert into prompt (id, campaign_id, external_id, text, category) values (?, ?, ?, ?, null)');
	const insertImage = sqlite.prepare(
		"insert into image (id, campaign_id, prompt_id, system_id, sha256, stored_path, width, height, format, bytes, created_at) values (?, ?, ?, ?, ?, '', 0, 0, 'none', 0, 0)"
	);
	for (let p = 0; p < P; p++) {
		prompts.push(randomId());
		insertPrompt.run(prompts[p], campaign.id, `p${p}`, `prompt number ${p}: a lighthouse at dusk, style ${p % 17}`);
		images.push(
			systems.map((s) => {
				const id = randomId();
				insertImage.run(id, campaign.id, prompts[p], s, randomId());
				return id;
			})
		);
	}
})();
const strength = Array.from({ length: K }, (_, i) => (i - K / 2) / (K / 6));
// rationales of ordinary variety; a tenth of the evaluators paste the same few texts again and
// again (what the near-duplicate check looks for), a few answer far too fast
const words =
	'sharp blurry hands text colour composition lighting faithful prompt detail artefacts face background sky water shadows'.split(' ');
const pasted = ['Left is better.', 'The right one looks better overall.', 'Both fine, left slightly sharper.'];
const insertAssignment = sqlite.prepare(
	"insert into assignment (id, campaign_id, user_id, left_image_id, right_image_id, kind, issued_at, expires_at, answered_at) values (?, ?, ?, ?, ?, 'normal', ?, ?, ?)"
);
const insertVote = sqlite.prepare(
	"insert into vote (id, assignment_id, campaign_id, user_id, prompt_id, left_image_id, right_image_id, left_system_id, right_system_id, kind, choice, rationale, flags, guidelines_version, shown_at, submitted_at, active_ms, status) values (?, ?, ?, ?, ?, ?, ?, ?, ?, 'normal', ?, ?, '{}', 1, ?, ?, ?, 'counted')"
);
const start = Date.UTC(2026, 0, 1);
const batch = sqlite.transaction((from: number, to: number) => {
	for (let v = from; v < to; v++) {
		const e = Math.floor(rand() * E);
		const p = Math.floor(rand() * P);
		const a = Math.floor(rand() * K);
		let b = Math.floor(rand() * (K - 1));
		if (b >= a) b++;
		const careless = e % 10 === 0;
		const prob = 1 / (1 + Math.exp(strength[b] - strength[a]));
		const r = rand();
		const choice = careless
			? rand() < 0.5
				? 'left'
				: 'right'
			: r < 0.08
				? 'tie'
				: r < 0.1
					? 'both_bad'
					: r < 0.1 + 0.9 * prob
						? 'left'
						: 'right';
		const rationale = careless
			? pick(pasted)
			: `${choice === 'right' ? 'Right' : 'Left'}: ${pick(words)} and ${pick(words)} are better, ${pick(words)} ${Math.floor(rand() * 1000)}.`;
		const at = start + v * 1000;
		const assignment = randomId();
		insertAssignment.run(assignment, campaign.id, evaluators[e], images[p][a], images[p][b], at, at, at);
		insertVote.run(
			crypto.randomUUID(),
			assignment,
			campaign.id,
			evaluators[e],
			prompts[p],
			images[p][a],
			images[p][b],
			systems[a],
			systems[b],
			choice,
			rationale,
			at,
			at,
			careless ? 800 : 4000 + Math.floor(rand() * 20000)
		);
	}
});
for (let v = 0; v < N; v += 50_000) batch(v, Math.min(N, v + 50_000));
sqlite.exec(`insert into pair_stat (campaign_id, criterion, system_a, system_b, a_wins, b_wins, ties, both_bad)
	select campaign_id, 'overall', min(left_system_id, right_system_id), max(left_system_id, right_system_id),
		sum(case when (choice = 'left') = (left_system_id < right_system_id) and choice in ('left', 'right') then 1 else 0 end),
		sum(case when (choice = 'right') = (left_system_id < right_system_id) and choice in ('left', 'right') then 1 else 0 end),
		sum(case when choice = 'tie' then 1 else 0 end), sum(case when choice = 'both_bad' then 1 else 0 end)
	from vote group by campaign_id, min(left_system_id, right_system_id), max(left_system_id, right_system_id)`);
await db.close();
console.log(`setup: ${N.toLocaleString()} votes by ${E} evaluators over ${K} systems in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

function get(server: RunningServer, path: string): Promise<{ status: number; ms: number }> {
	const { hostname, port } = new URL(server.url);
	const t = performance.now();
	return new Promise((done, fail) => {
		http
			.get({ host: hostname, port, path, headers: { cookie } }, (res) => {
				res.resume();
				res.on('end', () => done({ status: res.statusCode ?? 0, ms: performance.now() - t }));
			})
			.on('error', fail);
	});
}

const rows: [string, number, number, number, number][] = [];
async function measure(server: RunningServer, label: string, path: string) {
	const cold = await get(server, path);
	// warm: the median of five more requests (the first of them also pays for collecting the garbage
	// the cold computation left)
	const warm: { status: number; ms: number }[] = [];
	for (let i = 0; i < 5; i++) warm.push(await get(server, path));
	for (const r of [cold, ...warm]) if (r.status !== 200) throw new Error(`${path}: ${r.status}`);
	const ms = warm.map((r) => r.ms).sort((a, b) => a - b);
	rows.push([label, cold.ms, ms[2], ms[0], ms[4]]);
}

// each measured view on a freshly started server: "cold" is the first request after start
for (const [label, path] of [
	['audit queue, page 1, risk order', '/c/big/audit'],
	['audit queue, page 1, search "sharp"', '/c/big/audit?q=sharp'],
	['evaluator report (page)', '/c/big/evaluators'],
	['evaluator report (API)', '/api/v1/campaigns/big/evaluators']
] as const) {
	const server = await startServer(root);
	await get(server, '/login');
	await measure(server, label, path);
	await server.stop();
}
const over = (ms: number, budget: number) => (ms > budget ? '  OVER' : '');
console.log('view                                     cold (budget 2 s)   warm median (budget 200 ms), min–max of 5');
for (const [label, cold, warm, min, max] of rows) {
	console.log(
		`${label.padEnd(40)} ${`${cold.toFixed(0)} ms${over(cold, 2000)}`.padEnd(19)} ${`${warm.toFixed(0)} ms${over(warm, 200)}`.padEnd(14)} ${min.toFixed(0)}–${max.toFixed(0)} ms`
	);
}
rmSync(root, { recursive: true, force: true });
