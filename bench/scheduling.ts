// Next-pair latency of the pure scheduler at the size of the performance budget: 100 systems (4,950 system
// pairs) × 5,000 prompts (500,000 images), with existing history, 500 simulated evaluators each holding 2
// leases (1,000 concurrent leases) and 20,000 next-pair calls per strategy. Budget: p99 < 1 ms for adaptive.
// Run: node bin/run-ts.js bench/scheduling.ts [--systems 100] [--prompts 5000] [--calls 20000]
//      [--evaluators 500] [--hold 2] [--history 20000] [--seed 1] [--strategy adaptive,balanced,uniform]
import { availableParallelism, loadavg } from 'node:os';
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
const evaluatorCount = Number(option('evaluators', '500'));
/** open leases each evaluator keeps (on screen, prefetched, …): evaluators × hold concurrent leases */
const hold = Number(option('hold', '2'));
const historyVotes = Number(option('history', '20000'));
const seed = Number(option('seed', '1'));
const strategies = option('strategy', 'adaptive,balanced,uniform').split(',');

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
	const row = comparisons.get(key) ?? {
		systemA: `system-${Math.min(a, b)}`,
		systemB: `system-${Math.max(a, b)}`,
		count: 0,
		aWins: 0,
		bWins: 0,
		ties: 0,
		bothBad: 0
	};
	row.count++;
	// outcomes for the adaptive strategy's variances: the lower-numbered system wins 55%, 25% ties
	const u = historyRng();
	if (u < 0.25) row.ties!++;
	else if (u < 0.25 + 0.75 * 0.55) row.aWins!++;
	else row.bWins!++;
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
	`load average ${loadavg()
		.map((x) => x.toFixed(1))
		.join(' ')} on ${availableParallelism()} cores`
);
console.log(
	`scheduler bench: ${systems} systems × ${prompts} prompts = ${images.length} images; ` +
		`${historyVotes} votes of history; ${evaluatorCount} evaluators holding ${hold} leases each; ${calls} next-pair calls; seed ${seed}`
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

	// Each evaluator keeps `hold` pairs open (on screen and prefetched), answers the oldest, and now
	// and then abandons a pair so that leases also expire. The first round of calls fills the leases;
	// the percentiles are over the calls after it, with evaluators × hold leases open.
	const sim = createRng(seed + 7);
	const open = new Map<string, Lease[]>();
	const times = new Float64Array(calls);
	// CPU time of this process per call as well: on a shared, loaded machine the wall-clock tail is
	// mostly time spent descheduled (the load average is printed), the CPU time is the decision's cost
	const cpuTimes = new Float64Array(calls);
	let now = 1_000_000;
	let nulls = 0;
	const warmup = evaluatorCount * hold;
	let openAtMeasure = 0;
	for (let i = 0; i < warmup + calls; i++) {
		if (i === warmup) openAtMeasure = scheduler.stats().openLeases;
		const userId = `evaluator-${i % evaluatorCount}`;
		const mine = open.get(userId) ?? [];
		open.set(userId, mine);
		now += 50 + Math.floor(sim() * 50);
		const cpuStart = process.cpuUsage();
		const start = performance.now();
		const assignment = scheduler.issue(userId, { now });
		const took = performance.now() - start;
		const cpu = process.cpuUsage(cpuStart);
		if (i >= warmup) {
			times[i - warmup] = took;
			cpuTimes[i - warmup] = (cpu.user + cpu.system) / 1000;
		}
		if (!assignment) nulls++;
		else mine.push(assignment);
		if (mine.length >= hold + 1) {
			const oldest = mine.shift()!;
			if (sim() < 0.97) {
				const u = sim();
				scheduler.recordVote({
					assignmentId: oldest.id,
					userId,
					leftImageId: oldest.leftImageId,
					rightImageId: oldest.rightImageId,
					choice: u < 0.25 ? 'tie' : u < 0.65 ? 'left' : 'right'
				});
			}
		}
	}
	times.sort();
	cpuTimes.sort();
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
			`next pair, CPU time: p50 ${ms(percentile(cpuTimes, 0.5))}  p90 ${ms(percentile(cpuTimes, 0.9))}  ` +
				`p99 ${ms(percentile(cpuTimes, 0.99))}  max ${ms(cpuTimes[cpuTimes.length - 1])}`,
			`votes per system pair after the run: min ${Math.min(...counts)}, max ${Math.max(...counts)}`,
			`process heap + buffers ${mb(heapAfterRun)}, rss ${mb(rss)}; open leases when measuring began ${openAtMeasure}, at the end ${openLeases}`
		].join('\n  ')
	);
}
console.log(`\nprocess before any build: heap + buffers ${mb(baseline)} (mostly the input rows), rss ${mb(baselineRss)}`);
