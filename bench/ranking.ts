// Ranking engine at a million votes: 1,000,000 battles over 100 systems with a known Bradley–Terry truth,
// timed stage by stage, end to end through `pickwise rank`, and against the public arena pipeline.
// Run: npm run bench:ranking [-- --runs 3] [--arena-runs 3] [--no-arena] [--regen] [--tsx-runs 1] [--controlled-only]
//      [--boards-only]: the leaderboard with rank spreads and robustness from the counts, and the
//      controlled fit, --runs times each, medians (what the results pages compute on a cold cache); --no-controlled: the board alone
//      [--server [--server-root DIR]]: the same board through the built server's API (see serverBench)
// The arena pipeline is /work/shared/tools/ranking-reference/arena_pipeline.py (or ARENA_PIPELINE=path):
// when it is absent the side-by-side figure is skipped and the bench says so.
import { createRng } from '../src/lib/scheduling/rng.ts';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
	addRankSpread,
	adjacentRobustness,
	countsFromBattleTable,
	fitBradleyTerry,
	parseBattles,
	rankBoard,
	rankSystems
} from '../src/lib/ranking/index.ts';
import { FALLBACK_PRIOR } from '../src/lib/ranking/leaderboard.ts';
import { BOOTSTRAP_TOLERANCE } from '../src/lib/ranking/fit.ts';
import { runBootstrap } from '../src/lib/ranking/pool.ts';
import { aggregateCovariates, rankControlled, type CovariateVotes } from '../src/lib/ranking/covariates.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
	const i = args.indexOf(`--${name}`);
	return i >= 0 ? Number(args[i + 1]) : fallback;
};
const RUNS = option('runs', 3);
const ARENA_RUNS = option('arena-runs', 3);
const N = 1_000_000;
const K = 100;
const ARENA = process.env.ARENA_PIPELINE ?? '/work/shared/tools/ranking-reference/arena_pipeline.py';
const TSX_RUNS = option('tsx-runs', 1);

const median = (xs: number[]) => {
	const s = [...xs].sort((a, b) => a - b);
	const m = s.length >> 1;
	return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ms = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(0)) + ' ms';
function time<T>(fn: () => T): [T, number] {
	const t = performance.now();
	const r = fn();
	return [r, performance.now() - t];
}
async function timeAsync<T>(fn: () => Promise<T>): Promise<[T, number]> {
	const t = performance.now();
	const r = await fn();
	return [r, performance.now() - t];
}

// ------------------------------------------------------------------ data with a known truth
// mulberry32 (the scheduler's seeded generator), independent of the engine's xoshiro; outcomes as in gen_synthetic.py (tie cap 0.25,
// 70% of ties both-bad), so E[score of A] is exactly the BT probability and 'half' targets the truth.
const mulberry32 = (seed: number) => createRng(seed);
const outDir = join(root, 'bench', 'out');
const csvPath = join(outDir, `synthetic_${N}_${K}.csv`);
const truthPath = join(outDir, `synthetic_${N}_${K}_truth.json`);
if (!existsSync(csvPath) || !existsSync(truthPath) || args.includes('--regen')) {
	mkdirSync(outDir, { recursive: true });
	const rand = mulberry32(7);
	const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
	const truth = Array.from({ length: K }, () => 1000 + 120 * normal());
	const shift = 1000 - truth.reduce((s, x) => s + x, 0) / K;
	for (let i = 0; i < K; i++) truth[i] += shift;
	const names = truth.map((_, i) => `m${String(i).padStart(3, '0')}`);
	const parts: string[] = ['model_a,model_b,winner\n'];
	for (let r = 0; r < N; r++) {
		const i = Math.floor(rand() * K);
		const j = (i + 1 + Math.floor(rand() * (K - 1))) % K;
		const p = 1 / (1 + Math.pow(10, (truth[j] - truth[i]) / 400));
		const t = Math.min(0.25, 2 * Math.min(p, 1 - p));
		const u = rand();
		const w = u < p - t / 2 ? 'model_a' : u < 1 - t ? 'model_b' : rand() < 0.7 ? 'tie (bothbad)' : 'tie';
		parts.push(`${names[i]},${names[j]},${w}\n`);
	}
	writeFileSync(csvPath, parts.join(''));
	writeFileSync(truthPath, JSON.stringify(Object.fromEntries(names.map((n, i) => [n, truth[i]])), null, 1));
	console.log(`wrote ${csvPath}`);
}
const truth: Record<string, number> = JSON.parse(readFileSync(truthPath, 'utf8'));
console.log(`data: ${N.toLocaleString('en')} battles over ${K} systems, ${(statSync(csvPath).size / 1e6).toFixed(1)} MB CSV`);
console.log(
	`runs: ${RUNS} per stage, medians reported; machine: ${(await import('node:os')).availableParallelism()} cores, Node ${process.version}\n`
);

// ------------------------------------------------------------------ controlled fit (covariates)
// The same 1M votes' shape with two covariates: a constant left-side term and the pixel-count ratio
// (p_left − p_right)/(p_left + p_right) of the two images, on a grid (the "feature bucket"); each
// system has its own typical image size. Votes with identical (left, right, bucket, outcome) are merged
// before the fit, as the arena pipeline merges (pair, outcome) cells.
async function controlledBench(grid: number, workers: number, rounds = 1000) {
	const rand = mulberry32(11);
	const size = Array.from({ length: K }, () => 0.7 + 0.6 * rand());
	const theta = Array.from({ length: K }, () => 0.7 * Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand()));
	const votes: CovariateVotes = {
		systems: Array.from({ length: K }, (_, i) => `m${String(i).padStart(3, '0')}`),
		features: ['left', 'pixels'],
		a: new Int32Array(N),
		b: new Int32Array(N),
		outcome: new Uint8Array(N),
		x: new Float64Array(2 * N),
		weight: null
	};
	for (let v = 0; v < N; v++) {
		const i = Math.floor(rand() * K);
		const j = (i + 1 + Math.floor(rand() * (K - 1))) % K;
		const pa = size[i] * (0.8 + 0.4 * rand());
		const pb = size[j] * (0.8 + 0.4 * rand());
		const x = (pa - pb) / (pa + pb);
		const eta = theta[i] - theta[j] + 0.1 + 1.5 * x;
		const p = 1 / (1 + Math.exp(-eta));
		const t = Math.min(0.2, 2 * Math.min(p, 1 - p));
		const u = rand();
		votes.a[v] = i;
		votes.b[v] = j;
		votes.outcome[v] = u < p - t / 2 ? 0 : u < 1 - t ? 1 : 2;
		votes.x[2 * v] = 1;
		votes.x[2 * v + 1] = x;
	}
	const c0 = process.cpuUsage();
	const [cells, tAgg] = time(() => aggregateCovariates(votes, { grid }));
	const [result, tFit] = await timeAsync(() => rankControlled(cells, { bootstrap: rounds, workers }));
	const cpu = process.cpuUsage(c0);
	const px = result.board.coefficients[1];
	const total = tAgg + tFit;
	console.log(
		`controlled fit, grid ${grid} (${cells.rows.toLocaleString('en')} rows): aggregate ${ms(tAgg)}, fit + ${rounds} rounds on ${workers} workers ${ms(tFit)}` +
			` — total ${ms(tAgg + tFit)} wall, ${ms((cpu.user + cpu.system) / 1000)} CPU; γ_pixels ${px.logit.toFixed(3)} (planted 1.5, binned)`
	);
	return { wall: total, cpu: (cpu.user + cpu.system) / 1000 };
}

/**
 * The results page's board on a cold cache, from the counts (pair_stat rows, already aggregated), as the
 * service computes it (rankBoard): fit + 1000 bootstrap rounds on 2 workers, rank spreads, and the
 * robustness of all adjacent pairs (greedy), which runs in this thread while the rounds run on the
 * workers. Also spreads and robustness alone, in this thread (their own CPU time).
 */
async function boardBench(counts: ReturnType<typeof countsFromBattleTable>) {
	const c0 = process.cpuUsage();
	const [, tBoard] = await timeAsync(() => rankBoard(counts, { workers: 2 }));
	const cpu = process.cpuUsage(c0);
	const fit = fitBradleyTerry(counts);
	const order = Array.from({ length: K }, (_, i) => i).sort((x, y) => fit.ratings[y] - fit.ratings[x]);
	const c1 = process.cpuUsage();
	const [, tExtra] = time(() => {
		addRankSpread({ leaderboard: order.map((i, k) => ({ ci_low: fit.ratings[i] - 10, ci_high: fit.ratings[i] + 10, rank: k + 1 })) });
		adjacentRobustness(counts, order, { exclude: false });
	});
	const extraCpu = process.cpuUsage(c1);
	const ms2 = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
	console.log(
		`leaderboard from counts (fit + 1000 rounds on 2 workers, rank spreads, robustness of ${K - 1} pairs beside the rounds): ` +
			`${ms(tBoard)} wall, ${ms(ms2(cpu))} CPU; spreads + robustness alone ${ms(tExtra)} wall, ${ms(ms2(extraCpu))} CPU`
	);
	return { wall: tBoard, cpu: ms2(cpu), extra: tExtra, extraCpu: ms2(extraCpu) };
}

/**
 * The server's path (--server): the built server (bin/server.js of --server-root, default this
 * checkout; `npm run build` first) on a data folder holding the same 1M votes imported into a campaign
 * (bench/out/server-1m, made once). After one default board (which also computes the online Elo from
 * the votes once), each run asks GET …/leaderboard?seed=N for a new N: a board not in the cache,
 * computed from the stored pair counts exactly as the default board is after a vote (counts from
 * pair_stat, rankBoard with the server's bootstrap threads, the online Elo advanced), through the
 * same admission control, on an otherwise idle server. Wall time of the request and the server
 * process's CPU time (all threads, /proc).
 */
async function serverBench() {
	const { openMigratedDatabase } = await import('../src/lib/server/db/index.ts');
	const { createUser } = await import('../src/lib/server/auth/users.ts');
	const { addMember } = await import('../src/lib/server/campaigns/campaigns.ts');
	const { createApiToken } = await import('../src/lib/server/auth/api-token.ts');
	const { startServer } = await import('../tests/helpers/server.ts');
	const data = join(outDir, 'server-1m');
	const db = join(data, 'pickwise.db');
	const cliRun = (argv: string[]) => {
		const r = spawnSync(process.execPath, [join(root, 'bin', 'pickwise.js'), ...argv], {
			env: { ...process.env, DATA_DIR: data, DATABASE_URL: '' },
			encoding: 'utf8',
			timeout: 3_600_000
		});
		if (r.status !== 0) throw new Error(`pickwise ${argv.join(' ')}: ${r.stderr}`);
	};
	if (!existsSync(db)) {
		mkdirSync(data, { recursive: true });
		const t = performance.now();
		cliRun(['campaign', 'create', '--slug', 'board', '--name', 'Board bench']);
		cliRun(['import', 'votes', '--campaign', 'board', '--file', csvPath]);
		console.log(`imported ${N.toLocaleString('en')} votes into ${data} in ${((performance.now() - t) / 1000).toFixed(0)} s`);
	}
	const conn = await openMigratedDatabase(`sqlite:${db}`);
	const email = `bench-${Date.now()}@board.test`;
	const user = await createUser(conn.kysely, { email, password: 'bench-password-1' });
	await addMember(conn.kysely, { slug: 'board', email, role: 'researcher' });
	const { token } = await createApiToken(conn.kysely, user.id, 'bench');
	await conn.close();

	const serverRoot = args.includes('--server-root') ? args[args.indexOf('--server-root') + 1] : root;
	const here = process.cwd();
	process.chdir(serverRoot);
	const server = await startServer(data);
	process.chdir(here);
	const pid = server.process.pid!;
	// utime + stime in ms (clock ticks of 10 ms): of every thread of the server, and of its main thread
	const ticks = (stat: string) => {
		const fields = stat.split(') ')[1].split(' ');
		return (Number(fields[11]) + Number(fields[12])) * 10;
	};
	const serverCpu = () => ticks(readFileSync(`/proc/${pid}/stat`, 'utf8'));
	const mainCpu = () => ticks(readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8'));
	const get = async (query: string) => {
		const c = serverCpu();
		const m = mainCpu();
		const t = performance.now();
		const r = await fetch(`${server.url}/api/v1/campaigns/board/leaderboard${query}`, { headers: { authorization: `Bearer ${token}` } });
		const body = await r.text();
		const wall = performance.now() - t;
		if (r.status !== 200) throw new Error(`leaderboard${query}: ${r.status} ${body}`);
		return { wall, cpu: serverCpu() - c, main: mainCpu() - m, board: JSON.parse(body) };
	};
	const first = await get('');
	console.log(
		`server (${serverRoot}): first default board, online Elo of ${first.board.votes.toLocaleString('en')} votes included: ` +
			`${ms(first.wall)} wall, ${ms(first.cpu)} server CPU`
	);
	const runs = [];
	for (let r = 0; r < RUNS; r++) {
		const run = await get(`?seed=${r + 1}`);
		runs.push(run);
		console.log(`  cold board (seed ${r + 1}): ${ms(run.wall)} wall, ${ms(run.cpu)} server CPU (${ms(run.main)} of it the main thread)`);
	}
	const cached = await get('');
	console.log(
		`medians of ${RUNS}: cold board from the stored counts through the server ${ms(median(runs.map((x) => x.wall)))} wall, ` +
			`${ms(median(runs.map((x) => x.cpu)))} server CPU (main thread ${ms(median(runs.map((x) => x.main)))}); from the cache ${ms(cached.wall)}; load average ${(await import('node:os')).loadavg()[0].toFixed(1)}`
	);
	await server.stop();
}

if (args.includes('--server')) {
	await serverBench();
	process.exit(0);
}

if (args.includes('--boards-only')) {
	const counts = countsFromBattleTable(parseBattles(readFileSync(csvPath), 'csv'));
	const boards = [];
	for (let r = 0; r < RUNS; r++) boards.push(await boardBench(counts));
	const controlled = [];
	if (!args.includes('--no-controlled')) for (let r = 0; r < RUNS; r++) controlled.push(await controlledBench(option('grid', 0.2), 2));
	console.log(
		`medians of ${RUNS}: leaderboard + spreads + robustness ${ms(median(boards.map((b) => b.wall)))} wall, ` +
			`${ms(median(boards.map((b) => b.cpu)))} CPU (spreads + robustness alone ${ms(median(boards.map((b) => b.extraCpu)))} CPU); ` +
			`controlled fit ${ms(median(controlled.map((c) => c.wall)))} wall, ${ms(median(controlled.map((c) => c.cpu)))} CPU; ` +
			`load average ${(await import('node:os')).loadavg()[0].toFixed(1)}`
	);
	process.exit(0);
}

if (args.includes('--controlled-only')) {
	await controlledBench(option('grid', 0.2), option('controlled-workers', 2), option('controlled-rounds', 1000));
	process.exit(0);
}

// ------------------------------------------------------------------ stages
const readTimes: number[] = [];
const parseTimes: number[] = [];
let counts = null as unknown as ReturnType<typeof countsFromBattleTable>;
for (let r = 0; r < RUNS; r++) {
	const [bytes, tRead] = time(() => readFileSync(csvPath));
	const [c, tParse] = time(() => countsFromBattleTable(parseBattles(bytes, 'csv')));
	readTimes.push(tRead);
	parseTimes.push(tParse);
	counts = c;
}
console.log(`read file               ${ms(median(readTimes))}`);
console.log(`parse + aggregate       ${ms(median(parseTimes))}   (${counts.pairI.length} pairs, ${4 * counts.pairI.length} cells)`);

for (let r = 0; r < 5; r++) fitBradleyTerry(counts); // warm the JIT as a long-running server would be
const fitTimes: number[] = [];
let fit = fitBradleyTerry(counts);
for (let r = 0; r < 21; r++) {
	const [f, t] = time(() => fitBradleyTerry(counts));
	fit = f;
	fitTimes.push(t);
}
console.log(`point fit (Newton)      ${ms(median(fitTimes))}   (${fit.iterations} iterations, tolerance 1e-9)`);
const rmse = Math.sqrt(fit.systems.reduce((s, name, i) => s + (fit.ratings[i] - truth[name]) ** 2, 0) / K);
console.log(`                        RMSE vs truth ${rmse.toFixed(2)} Elo`);

const job = {
	K,
	P: counts.pairI.length,
	pairI: counts.pairI,
	pairJ: counts.pairJ,
	cells: fit.internal.cells,
	mode: fit.internal.mode,
	prior: 0,
	fallbackPrior: FALLBACK_PRIOR,
	point: fit.internal.params,
	seed: 0,
	// what the service's rounds use (rankBoard)
	tol: BOOTSTRAP_TOLERANCE,
	maxIter: 200
};
for (const workers of [0, 1, 2]) {
	const times: number[] = [];
	const cpu: number[] = [];
	for (let r = 0; r < RUNS; r++) {
		// process CPU time counts every thread, so it shows the work whatever else loads the machine
		const c = process.cpuUsage();
		times.push((await timeAsync(() => runBootstrap(job, 1000, workers)))[1]);
		const u = process.cpuUsage(c);
		cpu.push((u.user + u.system) / 1000);
	}
	const label = workers === 0 ? 'in this thread' : `${workers} worker thread${workers > 1 ? 's' : ''}, startup included`;
	console.log(`bootstrap 1000 rounds   ${ms(median(times))} wall, ${ms(median(cpu))} CPU   (${label})`);
}
const [, tRank] = await timeAsync(() => rankSystems(counts, { workers: 2 }));
console.log(`rankSystems (fit + 1000 rounds, 2 workers, percentiles, Elo)  ${ms(tRank)}`);
await controlledBench(0.2, 2);
await controlledBench(0.1, 2);
console.log(`peak RSS of this process ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB (includes generating the data)\n`);

// ------------------------------------------------------------------ end to end, side by side
// Runs of pickwise rank and of the arena pipeline alternate, so that load from anything else on the
// machine hits both alike; /usr/bin/time gives CPU seconds (all threads) and peak RSS of each run.
interface Run {
	wall: number;
	cpu: number;
	rssMb: number;
	stdout: string;
}
function timed(cmd: string, argv: string[], env: NodeJS.ProcessEnv = process.env): Run {
	const t = performance.now();
	const res = spawnSync('/usr/bin/time', ['-f', '%U %S %M', cmd, ...argv], { encoding: 'utf8', maxBuffer: 64 << 20, env });
	const wall = performance.now() - t;
	if (res.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed: ${res.stderr}`);
	const [user, sys, rss] = res.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
	return { wall, cpu: (user + sys) * 1000, rssMb: rss / 1024, stdout: res.stdout };
}
const cli = join(root, 'bin', 'pickwise.js');
// the command as installed: compiled JavaScript (build/cli, made by `npm run build`); compiled here so
// the bench never measures a stale build or silently the tsx fallback
execFileSync(process.execPath, [join(root, 'bin', 'build-cli.js')], { stdio: 'inherit' });
const withArena = existsSync(ARENA) && !args.includes('--no-arena');
const arenaEnv = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
const mine: Run[] = [];
const theirs: Run[] = [];
const help: number[] = [];
const load0 = (await import('node:os')).loadavg()[0];
for (let r = 0; r < Math.max(RUNS, withArena ? ARENA_RUNS : 0); r++) {
	if (r < RUNS) mine.push(timed(process.execPath, [cli, 'rank', csvPath, '--format', 'json']));
	if (withArena && r < ARENA_RUNS) theirs.push(timed('python3', [ARENA, csvPath, '--rounds', '1000'], arenaEnv));
	if (r < RUNS) help.push(time(() => execFileSync(process.execPath, [cli, '--help']))[1]);
}
// the same command through tsx (the sources, as before the CLI was compiled), for comparison
const viaTsx: Run[] = [];
for (let r = 0; r < TSX_RUNS; r++)
	viaTsx.push(timed(process.execPath, [cli, 'rank', csvPath, '--format', 'json'], { ...process.env, PICKWISE_CLI: 'ts' }));
const load1 = (await import('node:os')).loadavg()[0];
const summary = (runs: Run[]) =>
	`${ms(median(runs.map((x) => x.wall)))} wall, ${ms(median(runs.map((x) => x.cpu)))} CPU, peak RSS ${median(runs.map((x) => x.rssMb)).toFixed(0)} MB   ` +
	`(wall per run: ${runs.map((x) => x.wall.toFixed(0)).join(', ')} ms)`;
console.log(
	`load average (1 min) around the end-to-end runs: ${load0.toFixed(2)} → ${load1.toFixed(2)} on ${(await import('node:os')).availableParallelism()} cores`
);
console.log(`pickwise rank (whole CLI, compiled: node startup, read, parse, fit, 1000 rounds on 2 workers, JSON)`);
console.log(`                        ${summary(mine)}`);
console.log(`  of which CLI startup  ${ms(median(help))}   (pickwise --help)`);
if (viaTsx.length > 0) console.log(`the same through tsx    ${summary(viaTsx)}`);
const ours: Awaited<ReturnType<typeof rankSystems>> = JSON.parse(mine.at(-1)!.stdout);
if (withArena) {
	console.log(`arena pipeline (numpy + scipy L-BFGS refit per round, OPENBLAS_NUM_THREADS=1)`);
	console.log(`                        ${summary(theirs)}`);
	const wallRatio = median(mine.map((x) => x.wall)) / median(theirs.map((x) => x.wall));
	const cpuRatio = median(mine.map((x) => x.cpu)) / median(theirs.map((x) => x.cpu));
	console.log(
		`pickwise rank / arena pipeline: ${wallRatio.toFixed(3)}× wall, ${cpuRatio.toFixed(3)}× CPU (medians; speed-up ${(1 / wallRatio).toFixed(1)}×)`
	);
	const arena: { leaderboard: { system: string; rating: number; ci_low: number; ci_high: number }[] } = JSON.parse(theirs.at(-1)!.stdout);
	const byName = new Map(ours.leaderboard.map((e) => [e.system, e]));
	let dr = 0;
	let dc = 0;
	for (const e of arena.leaderboard) {
		const o = byName.get(e.system)!;
		dr = Math.max(dr, Math.abs(o.rating - e.rating));
		dc = Math.max(dc, Math.abs(o.ci_low! - e.ci_low), Math.abs(o.ci_high! - e.ci_high));
	}
	console.log(
		`agreement: max |Δrating| ${dr.toExponential(2)} Elo (their L-BFGS stops at gtol 1e-6), max |ΔCI endpoint| ${dc.toFixed(2)} Elo`
	);
} else console.log(`arena pipeline not run (${existsSync(ARENA) ? '--no-arena' : `${ARENA} not found`})`);
