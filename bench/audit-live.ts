// bench/audit-live: a lead auditing a large campaign while evaluators keep voting. On the database that
// bench/audit.ts made (200,000 votes by 200 evaluators), the built server starts, computes the report
// at start, and then another connection (as the voting service or a CLI import would) commits votes at a
// steady rate while the lead opens the evaluator report (API) and the audit queue (page) in turn. The
// report is recomputed after every change; the server answers with the last finished one meanwhile
// (audit/evaluator-quality.ts campaignQuality). Printed: request times per view, how many votes the
// answered report was behind and how old it was, how many reports were computed, the server's CPU
// (the share of one core), with and without the votes coming in.
// Run: npm run build && node bin/run-ts.js bench/audit.ts --data DIR --runs 1 (once, to make the
// database), then node bin/run-ts.js bench/audit-live.ts --data DIR [--seconds 60 --rate 5 --every 500]
// The votes it adds are deleted at the end, so DIR can be used again.
import { rationaleFacts } from '../src/lib/quality/rationale-facts.ts';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import http from 'node:http';
import { parseArgs } from 'node:util';
import SQLite from 'better-sqlite3';
import { startServer, type RunningServer } from '../tests/helpers/server.ts';

const { values } = parseArgs({
	options: {
		data: { type: 'string' },
		seconds: { type: 'string', default: '60' },
		rate: { type: 'string', default: '5' },
		every: { type: 'string', default: '500' },
		quiet: { type: 'string', default: '15' }
	}
});
if (!values.data) throw new Error('--data DIR: the directory bench/audit.ts --data DIR made');
const root = resolve(values.data);
const cookie = readFileSync(join(root, 'bench-cookie.txt'), 'utf8');
const SECONDS = Number(values.seconds);
const RATE = Number(values.rate);
const EVERY = Number(values.every);
const QUIET = Number(values.quiet);

const writer = new SQLite(join(root, 'pickwise.db'));
writer.pragma('busy_timeout = 5000');
const campaign = writer.prepare("select id from campaign where slug = 'big'").get() as { id: string };
const base = (writer.prepare('select count(*) as n from vote where campaign_id = ?').get(campaign.id) as { n: number }).n;
// new votes copy the fields of existing ones (evaluators, pairs, rationales of the same kinds)
const templates = writer
	.prepare('select * from vote where campaign_id = ? order by submitted_at desc limit 2000')
	.all(campaign.id) as Record<string, unknown>[];
const insertAssignment = writer.prepare(
	"insert into assignment (id, campaign_id, user_id, left_image_id, right_image_id, kind, issued_at, expires_at, answered_at) values (?, ?, ?, ?, ?, 'normal', ?, ?, ?)"
);
const insertVote = writer.prepare(
	"insert into vote (id, assignment_id, campaign_id, user_id, prompt_id, left_image_id, right_image_id, left_system_id, right_system_id, kind, choice, rationale, rationale_facts, flags, guidelines_version, shown_at, submitted_at, active_ms, status) values (?, ?, ?, ?, ?, ?, ?, ?, ?, 'normal', ?, ?, ?, '{}', 1, ?, ?, ?, 'counted')"
);
let added = 0;
const addVote = writer.transaction(() => {
	const t = templates[added % templates.length];
	const at = Date.now();
	const assignment = `live-a-${added}-${at}`;
	insertAssignment.run(assignment, campaign.id, t.user_id, t.left_image_id, t.right_image_id, at, at, at);
	insertVote.run(
		`live-v-${added}-${at}`,
		assignment,
		campaign.id,
		t.user_id,
		t.prompt_id,
		t.left_image_id,
		t.right_image_id,
		t.left_system_id,
		t.right_system_id,
		t.choice,
		`${t.rationale} (again ${added})`,
		rationaleFacts(`${t.rationale} (again ${added})`),
		at,
		at,
		t.active_ms
	);
	added++;
});
const cleanUp = () => {
	writer.prepare("delete from vote where id like 'live-v-%'").run();
	writer.prepare("delete from assignment where id like 'live-a-%'").run();
};
cleanUp();

function get(server: RunningServer, path: string): Promise<{ status: number; ms: number; body: string }> {
	const { hostname, port } = new URL(server.url);
	const t = performance.now();
	return new Promise((done, fail) => {
		http
			.get({ host: hostname, port, path, headers: { cookie } }, (res) => {
				let body = '';
				res.on('data', (d) => (body += d));
				res.on('end', () => done({ status: res.statusCode ?? 0, ms: performance.now() - t, body }));
			})
			.on('error', fail);
	});
}

/** user + system CPU seconds of a process (Linux /proc; clock ticks of 1/100 s) */
function cpuSeconds(pid: number): number {
	const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
	return (Number(fields[11]) + Number(fields[12])) / 100;
}

const percentile = (xs: number[], p: number) => {
	if (!xs.length) return NaN;
	const sorted = [...xs].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const f0 = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : '—');

const server = await startServer(root);
let log = '';
server.process.stdout!.on('data', (d) => (log += d));
const ready = Date.now() + 120_000;
while (!/quality report of big .* ready/.test(log) && Date.now() < ready) await new Promise((r) => setTimeout(r, 100));
if (!/quality report of big .* ready/.test(log)) throw new Error(`no report at start:\n${log}`);

interface Phase {
	name: string;
	api: number[];
	page: number[];
	behind: number[];
	age: number[];
	reports: Set<string>;
	cpu: number;
	seconds: number;
	notCurrent: number;
}

async function phase(name: string, seconds: number, rate: number): Promise<Phase> {
	const p: Phase = { name, api: [], page: [], behind: [], age: [], reports: new Set(), cpu: 0, seconds, notCurrent: 0 };
	const cpu0 = cpuSeconds(server.process.pid!);
	const end = Date.now() + seconds * 1000;
	const voting =
		rate > 0
			? setInterval(() => {
					try {
						addVote();
					} catch (error) {
						console.error(`vote: ${String(error)}`);
					}
				}, 1000 / rate)
			: null;
	for (let turn = 0; Date.now() < end; turn++) {
		const next = Date.now() + EVERY;
		if (turn % 2 === 0) {
			const r = await get(server, '/api/v1/campaigns/big/evaluators');
			// 202 would mean no report to serve while the next is computed: the last one should always be there
			if (r.status !== 200) throw new Error(`evaluators API: ${r.status}`);
			const asOf = JSON.parse(r.body).as_of as { votes: number; computed_at: string; current: boolean };
			p.api.push(r.ms);
			p.behind.push(base + added - asOf.votes);
			p.age.push(Date.now() - Date.parse(asOf.computed_at));
			p.reports.add(asOf.computed_at);
			if (!asOf.current) p.notCurrent++;
		} else {
			const r = await get(server, '/c/big/audit');
			if (r.status !== 200) throw new Error(`audit queue: ${r.status}`);
			p.page.push(r.ms);
		}
		await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
	}
	if (voting) clearInterval(voting);
	p.cpu = cpuSeconds(server.process.pid!) - cpu0;
	return p;
}

const phases: Phase[] = [];
try {
	phases.push(await phase('no votes coming in', QUIET, 0));
	phases.push(await phase(`${RATE} votes/s coming in`, SECONDS, RATE));
} finally {
	await server.stop();
	cleanUp();
	writer.close();
}

console.log(
	`${base.toLocaleString()} votes at start; a lead request every ${EVERY} ms, evaluator report (API) and audit queue (page) in turn`
);
console.log(
	'phase                   API median / p90 / max ms   queue page median / p90 / max ms   votes behind median / max   report age median / max s   reports computed   answers not current   server CPU (share of a core)'
);
for (const p of phases)
	console.log(
		[
			p.name.padEnd(23),
			`${f0(percentile(p.api, 50))} / ${f0(percentile(p.api, 90))} / ${f0(Math.max(...p.api))}`.padEnd(27),
			`${f0(percentile(p.page, 50))} / ${f0(percentile(p.page, 90))} / ${f0(Math.max(...p.page))}`.padEnd(34),
			`${f0(percentile(p.behind, 50))} / ${f0(Math.max(...p.behind))}`.padEnd(27),
			`${(percentile(p.age, 50) / 1000).toFixed(1)} / ${(Math.max(...p.age) / 1000).toFixed(1)}`.padEnd(27),
			String(p.reports.size).padEnd(18),
			`${p.notCurrent} of ${p.api.length}`.padEnd(21),
			`${((100 * p.cpu) / p.seconds).toFixed(0)}%`
		].join(' ')
	);
