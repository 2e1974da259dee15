// bench/audit: the lead's audit queue and the evaluator dashboard at scale — 200,000 votes by 200
// evaluators (made with prepared statements, not through the vote API), then the real server, for the
// audit queue's first page in the default risk order and with a rationale search, and the evaluator
// report (page and API). The server computes a large campaign's report at start and logs when it is
// ready (audit/evaluator-quality.ts warmQualityReports), so per view and run it measures on three freshly
// started servers: (1) with no report saved by an earlier server: the time from start to that log line,
// the first request sent at once (the cold case: a page answers after PICKWISE_QUALITY_WAIT_MS
// saying the report is being computed, and is loaded again every 250 ms as the browser does until it
// shows the report — both times are printed; the API answers 202 with Retry-After instead, and is
// asked again every 250 ms here), then the median of five
// warm requests; (2) the first request sent once the report is ready; (3) a restart: the first
// request sent at once to a server that found the report the last one saved (served while it computes
// its own). Budgets: 2 s for the
// first request, 200 ms warm. While the first requests run another client asks for a cheap page
// (/login) every 20 ms, and the server's event-loop delay is recorded (perf_hooks.monitorEventLoopDelay
// in the server process) over each first request and over the warm ones: the report, the queue's
// search, scores and order and its counts run off the event loop (quality-worker.ts), so it stays small.
// Run: npm run build && node bin/run-ts.js bench/audit.ts [--votes 200000 --evaluators 200] [--data DIR] [--runs 3]
// (--data keeps the generated database in DIR and reuses it on the next run with the same DIR.)
// The generator makes 178,000 distinct rationales from a 16-word template; the exact near-duplicate
// join over them takes minutes, so above 20,000 votes it runs on its own thread and the report does not
// wait for it (it says how many votes the check has not covered yet: quality-worker.ts). The votes also
// carry region marks, whose signals the worker computes in the same pass.
import { rationaleFacts } from '../src/lib/quality/rationale-facts.ts';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
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
		prompts: { type: 'string', default: '2000' },
		data: { type: 'string' },
		runs: { type: 'string', default: '3' }
	}
});
const N = Number(values.votes);
const E = Number(values.evaluators);
const K = Number(values.systems);
const P = Number(values.prompts);
const keep = values.data !== undefined;
const root = keep ? resolve(values.data!) : mkdtempSync(join(tmpdir(), 'pickwise-bench-audit-'));
if (keep) mkdirSync(root, { recursive: true });
const cookieFile = join(root, 'bench-cookie.txt');
let cookie: string;
if (keep && existsSync(cookieFile)) {
	cookie = readFileSync(cookieFile, 'utf8');
	console.log(`setup: reusing the database in ${root}`);
} else {
	cookie = await setUp();
	if (keep) writeFileSync(cookieFile, cookie);
}

async function setUp(): Promise<string> {
	const db = await openMigratedDatabase(`sqlite:${join(root, 'pickwise.db')}`);
	await createCampaign(db.kysely, { slug: 'big', name: 'Big' });
	const campaign = await db.kysely.selectFrom('campaign').select('id').executeTakeFirstOrThrow();
	const lead = await createUser(db.kysely, { email: 'lead@big.test', password: 'password-123' });
	await addMember(db.kysely, { slug: 'big', email: 'lead@big.test', role: 'lead' });
	const cookie = `pickwise_session=${(await createSession(db.kysely, lead.id)).token}`;

	const t0 = performance.now();
	const sqlite = db.sqlite!;
	let seed = 12345;
	// Math.imul: the product of two 32-bit numbers overflows a double's 53 bits and lost its low bits, which
	// cut the generator to a short cycle (732 distinct rationales in 200,000 votes)
	const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
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
		"insert into vote (id, assignment_id, campaign_id, user_id, prompt_id, left_image_id, right_image_id, left_system_id, right_system_id, kind, choice, rationale, rationale_facts, flags, guidelines_version, shown_at, submitted_at, active_ms, status) values (?, ?, ?, ?, ?, ?, ?, ?, ?, 'normal', ?, ?, ?, '{}', 1, ?, ?, ?, 'counted')"
	);
	// region marks (their own generator, so the votes and rationales stay those of earlier runs): a third of
	// the images get one or two marks; evaluators 5, 15, … never mark, 7, 17, … always mark the same corner
	const insertMark = sqlite.prepare(
		"insert into vote_mark (vote_id, campaign_id, side, position, kind, x, y, w, h) values (?, ?, ?, ?, 'artifact', ?, ?, ?, ?)"
	);
	let markSeed = 777;
	const markRand = () => (markSeed = (Math.imul(markSeed, 1103515245) + 12345) >>> 0) / 4294967296;
	const addMarks = (voteId: string, e: number) => {
		if (e % 10 === 5) return;
		for (const side of ['left', 'right'])
			if (markRand() < 0.33)
				for (let position = 1, count = 1 + Math.floor(markRand() * 2); position <= count; position++)
					if (e % 10 === 7) insertMark.run(voteId, campaign.id, side, position, 0.02, 0.03, 0.05, 0.05);
					else insertMark.run(voteId, campaign.id, side, position, markRand() * 0.8, markRand() * 0.8, markRand() * 0.2, markRand() * 0.2);
	};
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
			const voteId = crypto.randomUUID();
			insertVote.run(
				voteId,
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
				// as the app stores them with each vote (lib/quality rationale-facts.ts)
				rationaleFacts(rationale),
				at,
				at,
				careless ? 800 : 4000 + Math.floor(rand() * 20000)
			);
			addMarks(voteId, e);
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
	console.log(
		`setup: ${N.toLocaleString()} votes by ${E} evaluators over ${K} systems in ${((performance.now() - t0) / 1000).toFixed(1)} s`
	);
	return cookie;
}

/** One GET; `pending`: a page that says the report is still being computed (QualityPending.svelte), or the API's 202. */
function get(server: RunningServer, path: string, signedIn = true): Promise<{ status: number; ms: number; pending: boolean }> {
	const { hostname, port } = new URL(server.url);
	const t = performance.now();
	return new Promise((done, fail) => {
		http
			.get({ host: hostname, port, path, headers: signedIn ? { cookie } : {} }, (res) => {
				let body = '';
				res.setEncoding('utf8');
				res.on('data', (d: string) => (body += d));
				res.on('end', () =>
					done({
						status: res.statusCode ?? 0,
						ms: performance.now() - t,
						pending: res.statusCode === 202 || body.includes('id="quality-pending"')
					})
				);
			})
			.on('error', fail);
	});
}

// the server process reports its event-loop delay since the last report on SIGUSR2 (a preloaded probe)
const probe = join(root, 'bench-loop-delay-probe.mjs');
writeFileSync(
	probe,
	`import { monitorEventLoopDelay } from 'node:perf_hooks';
const h = monitorEventLoopDelay({ resolution: 10 });
h.enable();
process.on('SIGUSR2', () => {
	process.stdout.write('loop-delay ' + JSON.stringify({ p99: h.percentile(99) / 1e6, max: h.max / 1e6 }) + '\\n');
	h.reset();
});
`
);
process.env.PICKWISE_NODE_ARGS = `${process.env.PICKWISE_NODE_ARGS ?? ''} --import ${probe}`.trim();

function loopDelay(server: RunningServer): Promise<{ p99: number; max: number }> {
	return new Promise((done) => {
		const onData = (chunk: Buffer) => {
			const line = String(chunk)
				.split('\n')
				.find((l) => l.startsWith('loop-delay '));
			if (!line) return;
			server.process.stdout!.off('data', onData);
			done(JSON.parse(line.slice('loop-delay '.length)));
		};
		server.process.stdout!.on('data', onData);
		server.process.kill('SIGUSR2');
	});
}

const percentile = (xs: number[], p: number) => {
	const sorted = [...xs].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const median = (xs: number[]) => percentile(xs, 50);

interface Run {
	/**
	 * the first request right after the server is ready: answered (a page says the report is being
	 * computed once it has waited PICKWISE_QUALITY_WAIT_MS; the API then answers 202)
	 */
	cold: number;
	/** …and the report shown: that page loading itself again until it has the report */
	coldShown: number;
	/** the first request right after a restart that found the report the last server saved */
	restart: number;
	/** the first request once the server says the report is ready (a lead arriving a few seconds later) */
	afterReady: number;
	/** server ready → the report computed at start is ready (the server's log line) */
	ready: number;
	warm: number;
	min: number;
	max: number;
	/** /login (signed out) asked every 20 ms while the cold request ran: p99 and count */
	pageP99: number;
	pages: number;
	loopP99: number;
	loopMax: number;
	/** event-loop delay during the five warm requests and during the request after ready */
	warmLoopMax: number;
	readyLoopMax: number;
}

/** The report thread's phases of each report computed at a start: read, computed, packed, saved (ms). */
const phases: number[][] = [];

/** Resolves with the ms the server reports from its start to the report being ready (its log line). */
function reportReady(server: RunningServer): Promise<number> {
	return new Promise((done, fail) => {
		let seen = '';
		const timer = setTimeout(() => fail(new Error('no "quality report … ready" line within 300 s')), 300_000);
		const onData = (chunk: Buffer) => {
			seen += String(chunk);
			const m = /quality report of big \(\d+ votes\) ready (\d+) ms after start/.exec(seen);
			if (!m) return;
			// the report thread's phases (quality-worker.ts logs them for large campaigns)
			const p = /votes read (\d+) ms, computed (\d+) ms, packed (\d+) ms, saved (\d+) ms/.exec(seen);
			if (p) phases.push(p.slice(1).map(Number));
			clearTimeout(timer);
			server.process.stdout!.off('data', onData);
			done(Number(m[1]));
		};
		server.process.stdout!.on('data', onData);
	});
}

/** One request with /login polled every 20 ms meanwhile, and the event-loop delay over it. */
async function underLoad(server: RunningServer, path: string) {
	await loopDelay(server); // reset
	let running = true;
	const pages: number[] = [];
	const poller = (async () => {
		while (running) {
			const t = performance.now();
			const r = await get(server, '/login', false);
			if (r.status !== 200) throw new Error(`/login: ${r.status}`);
			pages.push(r.ms);
			await new Promise((d) => setTimeout(d, Math.max(0, 20 - (performance.now() - t))));
		}
	})();
	const t0 = performance.now();
	const r = await get(server, path);
	// a page that says the report is being computed loads itself again 250 ms after each answer
	// (QualityPending.svelte), and a client of the API asks again; the report is shown when an answer
	// no longer says so
	let last = r;
	while ((last.status === 200 || last.status === 202) && last.pending) {
		await new Promise((d) => setTimeout(d, 250));
		last = await get(server, path);
	}
	const shown = performance.now() - t0;
	running = false;
	await poller;
	if (r.status !== 200 && r.status !== 202) throw new Error(`${path}: ${r.status}`);
	if (last.status !== 200) throw new Error(`${path}: ${last.status}`);
	return { ms: r.ms, shown, pages, loop: await loopDelay(server) };
}

async function measure(path: string): Promise<Run> {
	// 1. a fresh server with no report saved by an earlier one, the request at once: it waits for the
	// report the server started computing at start
	rmSync(join(root, 'pickwise.db-cache'), { recursive: true, force: true });
	let server = await startServer(root);
	let ready: Promise<number>;
	let cold: Awaited<ReturnType<typeof underLoad>>;
	const warm: { status: number; ms: number }[] = [];
	let warmLoop: { p99: number; max: number };
	try {
		ready = reportReady(server);
		cold = await underLoad(server, path);
		await ready;
		// warm: the median of five more requests (the first of them also pays for collecting the garbage
		// the cold computation left)
		await loopDelay(server); // reset
		for (let i = 0; i < 5; i++) warm.push(await get(server, path));
		warmLoop = await loopDelay(server);
		for (const r of warm) if (r.status !== 200) throw new Error(`${path}: ${r.status}`);
	} finally {
		await server.stop();
	}
	// 2. a fresh server, the request once the report is ready
	server = await startServer(root);
	let afterReady: Awaited<ReturnType<typeof underLoad>>;
	let readyMs: number;
	try {
		readyMs = await reportReady(server);
		afterReady = await underLoad(server, path);
	} finally {
		await server.stop();
	}
	// 3. a restart: a fresh server with the report the last one saved (audit/evaluator-quality.ts
	// saveQualityReports), the request at once: it is served from that report while the new one is computed
	server = await startServer(root);
	let restart: Awaited<ReturnType<typeof underLoad>>;
	try {
		restart = await underLoad(server, path);
	} finally {
		await server.stop();
	}
	const ms = warm.map((r) => r.ms).sort((a, b) => a - b);
	return {
		cold: cold.ms,
		coldShown: cold.shown,
		restart: restart.ms,
		afterReady: afterReady.ms,
		ready: Math.max(await ready, readyMs),
		warm: ms[2],
		min: ms[0],
		max: ms[4],
		pageP99: percentile(cold.pages, 99),
		pages: cold.pages.length,
		loopP99: cold.loop.p99,
		loopMax: cold.loop.max,
		warmLoopMax: warmLoop.max,
		readyLoopMax: afterReady.loop.max
	};
}

const views = [
	['audit queue, page 1, risk order', '/c/big/audit'],
	['audit queue, page 1, search "sharp"', '/c/big/audit?q=sharp'],
	['evaluator report (page)', '/c/big/evaluators'],
	['evaluator report (API)', '/api/v1/campaigns/big/evaluators']
] as const;
const runs = new Map<string, Run[]>(views.map(([label]) => [label, []]));
const RUNS = Number(values.runs);
// each measured view on freshly started servers (see measure); medians of the runs reported
for (let run = 0; run < RUNS; run++) for (const [label, path] of views) runs.get(label)!.push(await measure(path));
const over = (ms: number, budget: number) => (ms > budget ? ' OVER' : '');
const f = (ms: number) => `${ms.toFixed(0)} ms`;
console.log(`medians of ${RUNS} runs, each on freshly started servers`);
console.log(
	'view                                 report ready after start  first request at start, nothing saved: answered / report shown  first request at a restart (report saved)  first request once ready (budget 2 s)  warm (budget 200 ms)  /login p99 at start  event-loop delay max: at start / once ready / warm (p99 at start)'
);
for (const [label] of views) {
	const r = runs.get(label)!;
	const m = (key: keyof Run) => median(r.map((x) => x[key]));
	console.log(
		[
			label.padEnd(36),
			f(m('ready')).padEnd(25),
			`${f(m('cold'))}${over(m('cold'), 2000)} / ${f(m('coldShown'))}`.padEnd(63),
			f(m('restart')).padEnd(42),
			`${f(m('afterReady'))}${over(m('afterReady'), 2000)}`.padEnd(38),
			`${f(m('warm'))}${over(m('warm'), 200)}`.padEnd(21),
			`${f(m('pageP99'))} (${m('pages')})`.padEnd(20),
			`${f(m('loopMax'))} / ${f(m('readyLoopMax'))} / ${f(m('warmLoopMax'))} (${f(m('loopP99'))})`
		].join(' ')
	);
}
console.log(
	`the report computed at start, medians of ${phases.length}: ${['read', 'computed', 'packed', 'saved']
		.map((name, k) => `${name} ${f(median(phases.map((p) => p[k])))}`)
		.join(', ')}`
);
for (const key of ['ready', 'cold', 'coldShown', 'restart', 'afterReady', 'warm'] as const)
	console.log(
		`${key} per run: ${views
			.map(
				([label]) =>
					`${label}: ${runs
						.get(label)!
						.map((x) => f(x[key]))
						.join(', ')}`
			)
			.join('; ')}`
	);
if (!keep) rmSync(root, { recursive: true, force: true });
