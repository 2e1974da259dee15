// The pure part of the evaluator quality report at the scale of a large campaign, from scratch (cold):
// the computation the quality worker runs after reading the votes (src/lib/server/audit/quality-worker.ts),
// without the read and without packing. Reads campaign `big` (or --campaign SLUG) read-only from a
// pickwise database, builds the vote columns once, then per run (a fresh rationale-stance map each run):
// assessQualityColumns with no near-duplicates known (as the worker does above 20,000 votes: the join
// runs on its own thread), the reasons of every signalled vote (what packReport asks for), and the mark
// signals. Prints the median wall and CPU time of each step over --runs (default 5), and a digest of the
// results so that two versions of the code can be checked to give the same report.
//
// Run: node bin/run-ts.js bench/quality-report.ts --data /path/to/pickwise.db [--runs 5] [--campaign big]
import SQLite from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { assessQualityColumns, VoteColumnsBuilder, type ColumnarQuality, type VoteColumns } from '../src/lib/quality/index.ts';
import { markRecord, markSignalsColumns, type MarkRow, type MarkSignal } from '../src/lib/quality/marks.ts';
import type { Side } from '../src/lib/quality/stance.ts';
import { predictorFromPairStats } from '../src/lib/server/audit/quality-worker.ts';

function arg(name: string, fallback?: string): string {
	const at = process.argv.indexOf(`--${name}`);
	if (at >= 0 && process.argv[at + 1] !== undefined) return process.argv[at + 1];
	if (fallback === undefined) {
		console.error('usage: node bin/run-ts.js bench/quality-report.ts --data FILE.db [--runs 5] [--campaign big]');
		process.exit(2);
	}
	return fallback;
}

const file = arg('data');
const runs = Math.max(1, Number(arg('runs', '5')));
const slug = arg('campaign', 'big');

// ---- the input, as the worker reads it (VOTE_COLUMNS, GOLD_PAIRS, OVERALL_PAIR_STATS, CAMPAIGN_MARKS)
const db = new SQLite(file, { readonly: true, fileMustExist: true });
const campaign = db.prepare('SELECT id FROM campaign WHERE slug = ?').get(slug) as { id: string } | undefined;
if (!campaign) throw new Error(`no campaign ${slug} in ${file}`);
const read0 = performance.now();
const votesQuery = db
	.prepare(
		`SELECT id, user_id, left_image_id, right_image_id, left_system_id, right_system_id, choice, rationale, active_ms,
			submitted_at, kind, status FROM vote WHERE campaign_id = ? ORDER BY submitted_at`
	)
	.raw(true);
type Row = Parameters<VoteColumnsBuilder['add']>;
const rows = votesQuery.all(campaign.id) as Row[];
const gold = db.prepare('SELECT left_image_id, right_image_id, expected_choice FROM gold_pair WHERE campaign_id = ?').all(campaign.id) as {
	left_image_id: string;
	right_image_id: string;
	expected_choice: 'left' | 'right' | 'tie' | 'both_bad';
}[];
const stats = db.prepare("SELECT * FROM pair_stat WHERE campaign_id = ? AND criterion = 'overall'").all(campaign.id) as {
	system_a: string;
	system_b: string;
	a_wins: number;
	b_wins: number;
	ties: number;
	both_bad: number;
}[];
const markRows = db.prepare('SELECT vote_id, side, kind, x, y, w, h FROM vote_mark WHERE campaign_id = ?').all(campaign.id) as MarkRow[];
db.close();
const readMs = performance.now() - read0;

// the prediction as the worker makes it: the point fit on the overall pair statistics
const predict = predictorFromPairStats(stats);
const goldOption = gold.map((g) => ({ leftImageId: g.left_image_id, rightImageId: g.right_image_id, expected: g.expected_choice }));
const marks = markRows.map(markRecord);

function build(): VoteColumns {
	const b = new VoteColumnsBuilder();
	for (const v of rows) b.add(...v);
	return b.build();
}

interface Times {
	wall: number;
	cpu: number;
}
const cpuNow = () => {
	const u = process.cpuUsage();
	return (u.user + u.system) / 1000;
};
function time<T>(f: () => T): [T, Times] {
	const c = cpuNow();
	const t = performance.now();
	const out = f();
	return [out, { wall: performance.now() - t, cpu: cpuNow() - c }];
}

const steps = ['columns build', 'assessQualityColumns', 'reasons (signalled)', 'markSignalsColumns', 'total (3 steps)'] as const;
const samples = new Map<string, Times[]>(steps.map((s) => [s, []]));
let digest = '';
let signalledCount = 0;
for (let r = 0; r < runs; r++) {
	const [columns, tBuild] = time(build);
	const n = columns.ids.length;
	const duplicates = { own: new Int32Array(n).fill(-1), others: new Int32Array(n).fill(-1) };
	// a fresh map: every rationale's stance is read again (a cold report)
	const stanceSides = new Map<string, Side | null>();
	const [q, tAssess] = time(() => assessQualityColumns(columns, { gold: goldOption, predict, duplicates, stanceSides }));
	const [reasons, tReasons] = time(() => {
		const out: (ReturnType<ColumnarQuality['reasons']> | null)[] = [];
		for (let k = 0; k < n; k++) {
			const i = q.order[k];
			out.push(q.signalled[i] ? q.reasons(i) : null);
		}
		return out;
	});
	const [signals, tMarks] = time(() => markSignalsColumns(columns, marks));
	samples.get('columns build')!.push(tBuild);
	samples.get('assessQualityColumns')!.push(tAssess);
	samples.get('reasons (signalled)')!.push(tReasons);
	samples.get('markSignalsColumns')!.push(tMarks);
	samples.get('total (3 steps)')!.push({ wall: tAssess.wall + tReasons.wall + tMarks.wall, cpu: tAssess.cpu + tReasons.cpu + tMarks.cpu });
	if (r === 0) {
		signalledCount = reasons.filter((x) => x !== null).length;
		digest = digestOf(q, reasons, signals);
	}
}

function digestOf(q: ColumnarQuality, reasons: unknown[], signals: MarkSignal[]): string {
	const h = createHash('sha256');
	h.update(JSON.stringify(q.evaluators));
	h.update(JSON.stringify(q.agreement));
	h.update(Buffer.from(q.order.buffer));
	h.update(Buffer.from(q.score.buffer));
	h.update(Buffer.from(q.signalled.buffer));
	h.update(JSON.stringify(reasons));
	h.update(JSON.stringify(signals));
	return h.digest('hex').slice(0, 16);
}

const median = (xs: number[]) => {
	const s = [...xs].sort((a, b) => a - b);
	const m = s.length >> 1;
	return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const load = await import('node:os').then((os) =>
	os
		.loadavg()
		.map((x) => x.toFixed(2))
		.join(' ')
);
console.log(
	`${rows.length} votes, ${new Set(rows.map((r) => r[1])).size} evaluators, ${marks.length} marks, ${gold.length} gold pairs; ` +
		`${signalledCount} signalled votes; read ${readMs.toFixed(0)} ms; load ${load}`
);
console.log(`median of ${runs} runs (ms):`);
console.log(`${'step'.padEnd(24)}${'wall'.padStart(8)}${'cpu'.padStart(8)}`);
for (const s of steps) {
	const t = samples.get(s)!;
	console.log(
		`${s.padEnd(24)}${median(t.map((x) => x.wall))
			.toFixed(0)
			.padStart(8)}${median(t.map((x) => x.cpu))
			.toFixed(0)
			.padStart(8)}`
	);
}
console.log(`digest of evaluators, alpha, order, scores, reasons, mark signals: ${digest}`);
