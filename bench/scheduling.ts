// Next-pair latency of the pure scheduler at the size of the performance budget: 100 systems × 5,000 prompts (500,000 images),
// with existing history, 100 simulated evaluators and 20,000 next-pair calls per strategy.
// Run: node bin/run-ts.js bench/scheduling.ts [--systems 100] [--prompts 5000] [--calls 20000]
//      [--evaluators 100] [--history 20000] [--seed 1] [--strategy balanced,uniform]
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
	createRng,
	PairScheduler,
	type Lease,
	type LeaseRecord,
	type CampaignImage,
	type ComparisonCount
} from '../src/lib/scheduling/index.ts';

function option(name: string, fallback: string): string {
	const i = process.argv.indexOf(`--${name}`);
	return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const systems = Number(option('systems', '100'));
const prompts = Number(option('prompts', '5000'));
const calls = Number(option('calls', '20000'));
const evaluatorCount = Number(option('evaluators', '100'));
const historyVotes = Number(option('history', '20000'));
const seed = Number(option('seed', '1'));
const strategies = option('strategy', 'balanced,uniform').split(',');

// A forced collection before each heap reading makes the memory figures mean something.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** JS heap plus typed-array buffers (which live outside the heap). */
const used = () => {
	const m = process.memoryUsage();
	return m.heapUsed + m.arrayBuffers;
};
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const ms = (x: number) => `${x.toFixed(3)} ms`;

function percentile(sorted: Float64Array, q: number): number {
	return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

// Opaque random-looking ids, like the real `image.id`.
const images: CampaignImage[] = [];
for (let p = 0; p < prompts; p++) {
	for (let s = 0; s < systems; s++) {
		images.push({
			id: `img_${(p * systems + s).toString(36)}_${((p * 7919 + s * 104729) % 999983).toString(36)}`,
			promptId: `prompt-${p}`,
			systemId: `system-${s}`
		});
	}
}

// History: counted comparisons per system pair (as from pair_stat) and each past vote's assignment row.
const historyRng = createRng(seed + 1000);
const comparisons = new Map<string, ComparisonCount>();
const assignments: LeaseRecord[] = [];
for (let v = 0; v < historyVotes; v++) {
	const p = Math.floor(historyRng() * prompts);
	const a = Math.floor(historyRng() * systems);
	let b = Math.floor(historyRng() * (systems - 1));
	if (b >= a) b++;
	const key = a < b ? `${a}:${b}` : `${b}:${a}`;
	const row = comparisons.get(key) ?? { systemA: `system-${Math.min(a, b)}`, systemB: `system-${Math.max(a, b)}`, count: 0 };
	row.count++;
	comparisons.set(key, row);
	assignments.push({
		id: `h${v}`,
		userId: `evaluator-${v % evaluatorCount}`,
		leftImageId: images[p * systems + a].id,
		rightImageId: images[p * systems + b].id,
		expiresAt: 0,
		answered: true
	});
}

console.log(
	`scheduler bench: ${systems} systems × ${prompts} prompts = ${images.length} images; ` +
		`${historyVotes} votes of history; ${evaluatorCount} evaluators; ${calls} next-pair calls; seed ${seed}`
);
const baseline = used();
const baselineRss = process.memoryUsage().rss;

for (const strategy of strategies) {
	gc();
	const heapBefore = used();
	const t0 = performance.now();
	let scheduler: PairScheduler | null = new PairScheduler({
		images,
		comparisons: comparisons.values(),
		assignments,
		now: 0,
		strategy,
		rng: createRng(seed)
	});
	const buildMs = performance.now() - t0;
	gc();
	const heapAfterBuild = used();

	// Each evaluator keeps one pair on screen and one prefetched (two open leases), answers the
	// older one, and now and then abandons a pair so that leases also expire.
	const sim = createRng(seed + 7);
	const open = new Map<string, Lease[]>();
	const times = new Float64Array(calls);
	let now = 1_000_000;
	let nulls = 0;
	for (let i = 0; i < calls; i++) {
		const userId = `evaluator-${i % evaluatorCount}`;
		const mine = open.get(userId) ?? [];
		open.set(userId, mine);
		now += 50 + Math.floor(sim() * 50);
		const start = performance.now();
		const assignment = scheduler.issue(userId, { now });
		times[i] = performance.now() - start;
		if (!assignment) nulls++;
		else mine.push(assignment);
		if (mine.length >= 2) {
			const oldest = mine.shift()!;
			if (sim() < 0.97) {
				scheduler.recordVote({
					assignmentId: oldest.id,
					userId,
					leftImageId: oldest.leftImageId,
					rightImageId: oldest.rightImageId
				});
			}
		}
	}
	times.sort();
	const counts = scheduler.systemPairCounts().map((c) => c.votes);
	const openLeases = scheduler.stats().openLeases;
	open.clear();
	gc();
	const heapAfterRun = used();
	const rss = process.memoryUsage().rss;
	// drop the last reference before the next strategy builds its own (the heap numbers are per strategy)
	// eslint-disable-next-line no-useless-assignment
	scheduler = null;
	console.log(
		[
			`\n[${strategy}]`,
			`build ${ms(buildMs)} (index + history); scheduler memory ${mb(heapAfterBuild - heapBefore)} after build, ` +
				`${mb(heapAfterRun - heapBefore)} after the run`,
			`next pair: p50 ${ms(percentile(times, 0.5))}  p90 ${ms(percentile(times, 0.9))}  ` +
				`p99 ${ms(percentile(times, 0.99))}  max ${ms(times[times.length - 1])}  (null: ${nulls})`,
			`votes per system pair after the run: min ${Math.min(...counts)}, max ${Math.max(...counts)}`,
			`process heap + buffers ${mb(heapAfterRun)}, rss ${mb(rss)}; open leases at the end ${openLeases}`
		].join('\n  ')
	);
}
console.log(`\nprocess before any build: heap + buffers ${mb(baseline)} (mostly the input rows), rss ${mb(baselineRss)}`);
