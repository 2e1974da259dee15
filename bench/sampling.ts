// Which pair scheduling reaches a trustworthy ranking with the fewest votes? Pure simulation: the
// real PairScheduler (uniform, balanced, adaptive) and the real ranking engine, no server.
//
// Truth per seed: Bradley–Terry log-strengths θᵢ = logit(xᵢ), xᵢ ~ Beta(α, α) (α sets the spread), or
// ('arena', 12 systems) the ratings fitted to 20,000 arena-format battles (bench/data/arena-12.json);
// ties from a Davidson model with ν drawn so that 20–35% of close votes tie; 200 prompts, each with a
// per-prompt effect (system × prompt interaction, sd 0.35) so a prompt can favour one system; raters
// 80% careful (Davidson on the prompt's strengths), 10% side-biased (left with p = 0.65, whatever the
// images), 10% random (left or right at random); 20 evaluators at once, each holding one lease.
// The target is what uniform sampling estimates: the Bradley–Terry fit (ties half) to the expected
// outcomes of every pair averaged over prompts, raters and sides — random and biased raters shrink
// every rating toward the mean, so the latent θ is not what any policy can estimate.
//
// Metrics per run (a seed × policy), as votes grow (a fit every ½·#pairs votes): votes until Kendall
// τ ≥ 0.9 against the target, votes until the exact top 3 (in order); at a fixed budget of
// 15 votes per pair: mean 95% interval width (bootstrap percentile), coverage of the target rating by
// the 95% intervals (pooled over systems and seeds), fewest votes on any pair; ms per decision.
// Adaptive is fitted with weights 1/P (as pickwise ranks adaptive campaigns) and, for comparison,
// without them ("adaptive, unweighted fit"): same votes, plain fit.
//
// The published reference (bench only, never offered in the product): ASAP-approx information-gain
// selection (src/lib/scheduling/reference/asap.ts), in its MST batch mode ('asap') or greedy
// ('asap-greedy'); fitted plain (it has no 1/P, so its coverage says nothing about its intervals).
//
// Paired seeds: for one seed every policy faces the same truth, prompts and raters.
// Run: node bin/run-ts.js bench/sampling.ts [--quick] [--seeds 8] [--first-seed 1] [--sizes 6,12,24,48] [--spreads 2,5,12]
//      [--cap 40] [--budget 15] [--bootstrap 200] [--epsilon 0.2]
//      [--policies uniform,balanced,adaptive[,asap,asap-greedy]] [--curve (τ at 2…40 votes per pair; no early stop)] [--dump FILE.jsonl]
//      node bin/run-ts.js bench/sampling.ts --coverage [--product-only] [--seeds 100] [--sizes 6,12,24] [--spreads 2,5]
//      (coverage only, at the interval budget: see coverageStudy below)
import { appendFileSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { availableParallelism, loadavg } from 'node:os';
import {
	createRng,
	PairScheduler,
	type CampaignImage,
	type Lease,
	type Rng,
	type SchedulingStrategy,
	type VoteChoice
} from '../src/lib/scheduling/index.ts';
import { adaptiveStrategy } from '../src/lib/scheduling/strategies/adaptive.ts';
import { asapReferenceStrategy, normalCdf } from '../src/lib/scheduling/reference/asap.ts';
import { countsFromPairStats, fitBradleyTerry, rankWithDetails, type PairStatRow } from '../src/lib/ranking/index.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const option = (name: string, fallback: string) => {
	const i = args.indexOf(`--${name}`);
	return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const SEEDS = Number(option('seeds', quick ? '4' : '8'));
/** seeds FIRST_SEED … FIRST_SEED + SEEDS − 1: long runs go in chunks, each checkpointed to its own file */
const FIRST_SEED = Number(option('first-seed', '1'));
const SIZES = option('sizes', quick ? '6,12,24' : '6,12,24,48')
	.split(',')
	.map(Number);
// Beta α values, and 'arena': the 12 ratings fitted to arena-format battles (bench/data/arena-12.json; 12 systems only)
const SPREADS = option('spreads', quick ? '2,5' : '2,5,12,arena')
	.split(',')
	.map((s) => (s === 'arena' ? ('arena' as const) : Number(s)));
type Spread = (typeof SPREADS)[number];
const ARENA: number[] = Object.values(
	(JSON.parse(readFileSync(new URL('./data/arena-12.json', import.meta.url), 'utf8')) as { ratings: Record<string, number> }).ratings
);
/** Whether a spread applies to K systems (the arena set has exactly its 12). */
const fits = (spread: Spread, K: number) => spread !== 'arena' || K === ARENA.length;
const CAP_PER_PAIR = Number(option('cap', '40'));
const BUDGET_PER_PAIR = Number(option('budget', '15'));
const BOOTSTRAP = Number(option('bootstrap', '200'));
const EPSILON = Number(option('epsilon', '0.2'));
const COVERAGE = args.includes('--coverage');
/** --coverage without the vote, prompt and evaluator bootstraps (they refit 3 × rounds times) */
const PRODUCT_ONLY = args.includes('--product-only');
const PROMPTS = 200;
const EVALUATORS = 20;
const PROMPT_SD = 0.35;
const TAU_TARGET = 0.9;
const POLICIES = ['uniform', 'balanced', 'adaptive'] as const;
/** The published reference (bench only, src/lib/scheduling/reference/asap.ts): ASAP-approx, MST batch mode or greedy. */
const REFERENCES = ['asap', 'asap-greedy'] as const;
type Policy = (typeof POLICIES)[number] | (typeof REFERENCES)[number];
const RUN_POLICIES = option('policies', POLICIES.join(','))
	.split(',')
	.map((p) => {
		if (![...POLICIES, ...REFERENCES].includes(p as Policy))
			throw new Error(`--policies: unknown ${p} (${[...POLICIES, ...REFERENCES].join(', ')})`);
		return p as Policy;
	});
const POLICY_LABEL: Record<string, string> = {
	asap: 'ASAP-approx, MST batch (reference)',
	'asap-greedy': 'ASAP-approx, greedy (reference)'
};
/** --curve: no early stop; Kendall τ to the target at these votes per pair (for the τ curves) */
const CURVE = args.includes('--curve');
const DUMP = option('dump', '');
const CURVE_AT = [2, 5, 10, 15, 20, 30, 40];
const ELO = 400 / Math.LN10;

// ---- random variates ----
function normal(rng: Rng): number {
	let u = 0;
	while (u === 0) u = rng();
	return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}
/** Marsaglia–Tsang, shape ≥ 1. */
function gamma(rng: Rng, shape: number): number {
	const d = shape - 1 / 3;
	const c = 1 / Math.sqrt(9 * d);
	for (;;) {
		let x: number;
		let v: number;
		do {
			x = normal(rng);
			v = 1 + c * x;
		} while (v <= 0);
		v = v * v * v;
		const u = rng();
		if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
	}
}
const beta = (rng: Rng, a: number) => {
	const x = gamma(rng, a);
	return x / (x + gamma(rng, a));
};

// ---- the world of one seed ----
interface World {
	K: number;
	theta: Float64Array;
	/** θ plus the prompt effect: K per prompt */
	promptTheta: Float64Array;
	nu: number;
	/** rater type per evaluator: 0 careful, 1 side-biased, 2 random */
	raterType: Int32Array;
	/** what uniform sampling estimates, centered, natural-log scale */
	target: Float64Array;
}

/** Davidson outcome probabilities (left, right, tie) for log-strengths a (left) and b (right). */
function davidson(a: number, b: number, nu: number): [number, number, number] {
	const pl = Math.exp(a / 2 - b / 2);
	const pr = 1 / pl;
	const z = pl + pr + nu;
	return [pl / z, pr / z, nu / z];
}

function makeWorld(seed: number, K: number, alpha: Spread): World {
	const rng = createRng(`world-${seed}-${K}-${alpha}`);
	const theta = new Float64Array(K);
	for (let i = 0; i < K; i++) {
		if (alpha === 'arena') {
			theta[i] = (ARENA[i] - 1000) / ELO;
			continue;
		}
		const x = beta(rng, alpha);
		theta[i] = Math.log(x / (1 - x));
	}
	// ν: the tie share of two equal systems is ν/(2+ν); drawn so that 20–35% of close votes tie
	const tieShare = 0.2 + 0.15 * rng();
	const nu = (2 * tieShare) / (1 - tieShare);
	const promptTheta = new Float64Array(PROMPTS * K);
	for (let p = 0; p < PROMPTS; p++) for (let i = 0; i < K; i++) promptTheta[p * K + i] = theta[i] + PROMPT_SD * normal(rng);
	const raterType = new Int32Array(EVALUATORS);
	for (let e = 0; e < EVALUATORS; e++) raterType[e] = e < EVALUATORS * 0.8 ? 0 : e < EVALUATORS * 0.9 ? 1 : 2;
	return { K, theta, promptTheta, nu, raterType, target: estimand(K, promptTheta, nu) };
}

/** The ties-half Bradley–Terry fit to every pair's expected outcomes under uniform sampling. */
function estimand(K: number, promptTheta: Float64Array, nu: number): Float64Array {
	const rows: PairStatRow[] = [];
	const SCALE = 1e9;
	for (let i = 0; i < K; i++) {
		for (let j = i + 1; j < K; j++) {
			let wi = 0;
			let wj = 0;
			let t = 0;
			for (let p = 0; p < PROMPTS; p++) {
				const a = promptTheta[p * K + i];
				const b = promptTheta[p * K + j];
				// careful raters, either side (the side does not matter to them)
				const [l, r, tie] = davidson(a, b, nu);
				wi += 0.8 * l;
				wj += 0.8 * r;
				t += 0.8 * tie;
				// side-biased and random raters: with random sides each system wins half of their votes
				wi += 0.2 * 0.5;
				wj += 0.2 * 0.5;
			}
			rows.push({
				systemA: name(i),
				systemB: name(j),
				aWins: Math.round((wi / PROMPTS) * SCALE),
				bWins: Math.round((wj / PROMPTS) * SCALE),
				ties: Math.round((t / PROMPTS) * SCALE),
				bothBad: 0
			});
		}
	}
	const fit = fitBradleyTerry(countsFromPairStats(rows));
	return Float64Array.from(fit.theta);
}

const name = (i: number) => `s${String(i).padStart(2, '0')}`;

function choose(world: World, evaluator: number, p: number, left: number, right: number, rng: Rng): VoteChoice {
	const type = world.raterType[evaluator];
	if (type === 1) return rng() < 0.65 ? 'left' : 'right';
	if (type === 2) return rng() < 0.5 ? 'left' : 'right';
	const [l, r] = davidson(world.promptTheta[p * world.K + left], world.promptTheta[p * world.K + right], world.nu);
	const u = rng();
	return u < l ? 'left' : u < l + r ? 'right' : 'tie';
}

// ---- metrics ----
function kendallTau(a: Float64Array, b: Float64Array): number {
	let concordant = 0;
	let discordant = 0;
	for (let i = 0; i < a.length; i++) {
		for (let j = i + 1; j < a.length; j++) {
			const s = Math.sign(a[i] - a[j]) * Math.sign(b[i] - b[j]);
			if (s > 0) concordant++;
			else if (s < 0) discordant++;
		}
	}
	return (concordant - discordant) / ((a.length * (a.length - 1)) / 2);
}
const top3 = (x: Float64Array) =>
	Array.from(x.keys())
		.sort((i, j) => x[j] - x[i])
		.slice(0, 3)
		.join(',');

/** Running per-pair counts (i < j): wins of i, wins of j, ties; and the sums of their weights 1/P. */
class Tally {
	readonly cells: Float64Array;
	readonly weights: Float64Array;
	/** every vote, for the coverage diagnostics: i, j (i < j), cell (0 i wins, 1 j wins, 2 tie), weight, prompt, evaluator */
	readonly log: number[][] = [];
	votes = 0;
	constructor(readonly K: number) {
		this.cells = new Float64Array(K * K * 3);
		this.weights = new Float64Array(K * K * 3);
	}
	add(left: number, right: number, choice: VoteChoice, weight: number, prompt = 0, evaluator = 0) {
		const i = Math.min(left, right);
		const j = Math.max(left, right);
		const cell = choice === 'tie' ? 2 : (choice === 'left') === (left === i) ? 0 : 1;
		if (COVERAGE) this.log.push([i, j, cell, weight, prompt, evaluator]);
		const at = (i * this.K + j) * 3 + cell;
		this.cells[at]++;
		this.weights[at] += weight;
		this.votes++;
	}
	rows(weighted: boolean): PairStatRow[] {
		const rows: PairStatRow[] = [];
		const { K } = this;
		for (let i = 0; i < K; i++) {
			for (let j = i + 1; j < K; j++) {
				const at = (i * K + j) * 3;
				if (this.cells[at] + this.cells[at + 1] + this.cells[at + 2] === 0) continue;
				const row: PairStatRow = {
					systemA: name(i),
					systemB: name(j),
					aWins: this.cells[at],
					bWins: this.cells[at + 1],
					ties: this.cells[at + 2],
					bothBad: 0
				};
				if (weighted)
					Object.assign(row, {
						aWeight: this.weights[at],
						bWeight: this.weights[at + 1],
						tieWeight: this.weights[at + 2],
						bothBadWeight: 0
					});
				rows.push(row);
			}
		}
		return rows;
	}
	fewestOnAPair(): number {
		let fewest = Infinity;
		for (let i = 0; i < this.K; i++)
			for (let j = i + 1; j < this.K; j++) {
				const at = (i * this.K + j) * 3;
				fewest = Math.min(fewest, this.cells[at] + this.cells[at + 1] + this.cells[at + 2]);
			}
		return fewest;
	}
}

interface RunResult {
	toTau: number;
	toTop3: number;
	width: number;
	covered: number;
	systems: number;
	fewest: number;
	msPerDecision: number;
	/** --curve: Kendall τ at CURVE_AT votes per pair */
	curve: number[];
}

/** θ of a fit indexed by system, or null while some system has no votes or no finite estimate exists. */
function pointFit(tally: Tally, weighted: boolean): Float64Array | null {
	try {
		const fit = fitBradleyTerry(countsFromPairStats(tally.rows(weighted)));
		if (fit.systems.length < tally.K) return null;
		return Float64Array.from(fit.theta);
	} catch {
		return null;
	}
}

async function intervals(tally: Tally, world: World, weighted: boolean, seed: number): Promise<{ width: number; covered: number }> {
	const { board, fit } = await rankWithDetails(countsFromPairStats(tally.rows(weighted)), {
		bootstrap: BOOTSTRAP,
		seed,
		workers: 0,
		prior: 0
	});
	let width = 0;
	let covered = 0;
	for (const entry of board.leaderboard) {
		const i = fit.systems.indexOf(entry.system);
		const truth = 1000 + world.target[Number(entry.system.slice(1))] * ELO;
		width += entry.ci_high! - entry.ci_low!;
		if (i >= 0 && entry.ci_low! <= truth && truth <= entry.ci_high!) covered++;
	}
	return { width: width / board.leaderboard.length, covered };
}

async function run(world: World, policy: Policy, seed: number): Promise<Record<string, RunResult>> {
	const { K } = world;
	const pairs = (K * (K - 1)) / 2;
	const images: CampaignImage[] = [];
	for (let p = 0; p < PROMPTS; p++) for (let s = 0; s < K; s++) images.push({ id: `${p}:${s}`, promptId: `p${p}`, systemId: name(s) });
	const scheduler = new PairScheduler({
		images,
		strategy: policy === 'asap' ? asapReferenceStrategy('mst') : policy === 'asap-greedy' ? asapReferenceStrategy('greedy') : policy,
		strategySettings: { adaptiveEpsilon: EPSILON },
		rng: createRng(`decide-${seed}-${policy}`),
		now: 0,
		leaseMs: 1e15
	});
	const outcomes = createRng(`outcomes-${seed}`);
	const who = createRng(`who-${seed}`);
	const fits = policy === 'adaptive' ? ['weighted', 'unweighted'] : ['plain'];
	const tally = new Tally(K);
	const step = Math.max(10, Math.round(pairs / 2));
	const cap = CAP_PER_PAIR * pairs;
	const budget = Math.ceil((BUDGET_PER_PAIR * pairs) / step) * step;
	const parse = (id: string) => {
		const colon = id.indexOf(':');
		return [Number(id.slice(0, colon)), Number(id.slice(colon + 1))];
	};
	let decisionMs = 0;
	let decisions = 0;
	const issue = (e: number): Lease | null => {
		const t = performance.now();
		const lease = scheduler.issue(`e${e}`, { now: 0 });
		decisionMs += performance.now() - t;
		decisions++;
		return lease;
	};
	const held: (Lease | null)[] = Array.from({ length: EVALUATORS }, (_, e) => issue(e));
	const results: Record<string, RunResult> = {};
	for (const f of fits)
		results[f] = { toTau: Infinity, toTop3: Infinity, width: NaN, covered: 0, systems: K, fewest: 0, msPerDecision: 0, curve: [] };
	// the first checkpoint of the τ curve at or after each CURVE_AT votes per pair
	let nextCurve = 0;
	const targetTop3 = top3(world.target);
	while (tally.votes < cap) {
		const e = Math.floor(who() * EVALUATORS);
		const lease = held[e];
		if (!lease) {
			if (held.every((l) => l === null)) break;
			continue;
		}
		const [p, left] = parse(lease.leftImageId);
		const [, right] = parse(lease.rightImageId);
		const choice = choose(world, e, p, left, right, outcomes);
		scheduler.recordVote({
			assignmentId: lease.id,
			userId: `e${e}`,
			leftImageId: lease.leftImageId,
			rightImageId: lease.rightImageId,
			choice
		});
		tally.add(left, right, choice, lease.probability ? 1 / lease.probability : 1, p, e);
		held[e] = issue(e);
		if (tally.votes % step !== 0) continue;
		let done = tally.votes >= budget && !CURVE;
		const onCurve = CURVE && nextCurve < CURVE_AT.length && tally.votes >= CURVE_AT[nextCurve] * pairs;
		if (onCurve) nextCurve++;
		for (const f of fits) {
			const r = results[f];
			if (r.toTau === Infinity || r.toTop3 === Infinity || onCurve) {
				const theta = pointFit(tally, f === 'weighted');
				if (onCurve) r.curve.push(theta ? kendallTau(theta, world.target) : NaN);
				if (theta) {
					if (r.toTau === Infinity && kendallTau(theta, world.target) >= TAU_TARGET) r.toTau = tally.votes;
					if (r.toTop3 === Infinity && top3(theta) === targetTop3) r.toTop3 = tally.votes;
				}
			}
			if (tally.votes === budget) {
				Object.assign(r, await intervals(tally, world, f === 'weighted', seed));
				r.fewest = tally.fewestOnAPair();
			}
			done &&= r.toTau < Infinity && r.toTop3 < Infinity;
		}
		if (done) break;
	}
	for (const f of fits) results[f].msPerDecision = decisionMs / decisions;
	return results;
}

// ---- summary ----
const quantile = (xs: number[], q: number) => {
	const s = [...xs].sort((a, b) => a - b);
	const h = (s.length - 1) * q;
	const lo = Math.floor(h);
	const hi = Math.min(lo + 1, s.length - 1);
	return s[lo] === s[hi] ? s[lo] : s[lo] + (h - lo) * (s[hi] - s[lo]);
};
const votes = (x: number, cap: number) => (x === Infinity || !Number.isFinite(x) ? `>${cap}` : String(Math.round(x)));
const iqr = (xs: number[], fmt: (x: number) => string) =>
	`${fmt(quantile(xs, 0.5))} (${fmt(quantile(xs, 0.25))}–${fmt(quantile(xs, 0.75))})`;

if (COVERAGE) {
	await coverageStudy();
	process.exit(0);
}
console.log(
	`load average ${loadavg()
		.map((x) => x.toFixed(1))
		.join(' ')} on ${availableParallelism()} cores`
);
console.log(
	`sampling bench: seeds ${SEEDS}, sizes ${SIZES.join('/')}, Beta spreads α = ${SPREADS.join('/')}, ${PROMPTS} prompts, ` +
		`${EVALUATORS} evaluators, cap ${CAP_PER_PAIR} votes/pair, intervals at ${BUDGET_PER_PAIR} votes/pair (${BOOTSTRAP} bootstrap rounds), ε = ${EPSILON}`
);
const started = performance.now();
const lines: string[] = [
	'| systems | α | policy | votes to τ ≥ 0.9 | votes to exact top 3 | mean 95% CI width (Elo) | coverage | fewest votes on a pair | ms/decision |',
	'| --- | --- | --- | --- | --- | --- | --- | --- | --- |'
];
const ratios: string[] = [];
const curves: string[] = [];
for (const K of SIZES) {
	const pairs = (K * (K - 1)) / 2;
	const cap = CAP_PER_PAIR * pairs;
	for (const alpha of SPREADS) {
		if (!fits(alpha, K)) continue;
		const collected = new Map<string, RunResult[]>();
		for (let seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
			const world = makeWorld(seed, K, alpha);
			for (const policy of RUN_POLICIES) {
				const r = await run(world, policy, seed);
				for (const [fit, result] of Object.entries(r)) {
					const label =
						policy === 'adaptive' ? (fit === 'weighted' ? 'adaptive (1/P)' : 'adaptive, unweighted fit') : (POLICY_LABEL[policy] ?? policy);
					collected.set(label, [...(collected.get(label) ?? []), result]);
					// --dump FILE: one JSON line per run, checkpointed as it comes (paired comparisons across runs)
					if (DUMP) appendFileSync(DUMP, JSON.stringify({ K, alpha, seed, label, epsilon: EPSILON, ...result }) + '\n');
				}
			}
		}
		const first = lines.length;
		for (const [label, rs] of collected) {
			const covered = rs.reduce((s, r) => s + r.covered, 0);
			const systems = rs.reduce((s, r) => s + r.systems, 0);
			lines.push(
				`| ${K} | ${alpha} | ${label} | ${iqr(
					rs.map((r) => r.toTau),
					(x) => votes(x, cap)
				)} | ${iqr(
					rs.map((r) => r.toTop3),
					(x) => votes(x, cap)
				)} | ${iqr(
					rs.map((r) => r.width),
					(x) => x.toFixed(0)
				)} | ${((100 * covered) / systems).toFixed(1)}% | ${iqr(
					rs.map((r) => r.fewest),
					(x) => x.toFixed(0)
				)} | ${(rs.reduce((s, r) => s + r.msPerDecision, 0) / rs.length).toFixed(3)} |`
			);
		}
		// paired: per seed, adaptive's (and the reference's) votes to τ ≥ 0.9 over uniform's and balanced's
		const paired = (mine: string, other: string) => {
			const a = collected.get(mine);
			const o = collected.get(other);
			if (!a || !o) return 'n/a';
			const r = a.map((x, k) => x.toTau / o[k].toTau).filter((x) => Number.isFinite(x));
			return r.length ? `${quantile(r, 0.5).toFixed(2)} (${r.length} of ${a.length} seeds both reached)` : 'n/a';
		};
		const medianTau = (label: string) => {
			const rs = collected.get(label);
			return rs
				? votes(
						quantile(
							rs.map((r) => r.toTau),
							0.5
						),
						cap
					)
				: 'n/a';
		};
		for (const mine of ['adaptive (1/P)', POLICY_LABEL.asap, POLICY_LABEL['asap-greedy']])
			if (collected.has(mine))
				ratios.push(
					`| ${K} | ${alpha} | ${mine} | ${paired(mine, 'uniform')} | ${paired(mine, 'balanced')} | median uniform ${medianTau(
						'uniform'
					)}, balanced ${medianTau('balanced')}, ${mine} ${medianTau(mine)} |`
				);
		if (CURVE)
			for (const [label, rs] of collected)
				curves.push(
					`| ${K} | ${alpha} | ${label} | ` +
						CURVE_AT.map((_, c) => {
							const taus = rs.map((r) => r.curve[c]).filter((x) => x !== undefined && Number.isFinite(x));
							return taus.length ? iqr(taus, (x) => x.toFixed(3)) : '—';
						}).join(' | ') +
						' |'
				);
		// rows as they come, so a long run shows its progress; the whole table again at the end
		console.error(lines.slice(first).join('\n') + `\n  (${((performance.now() - started) / 1000).toFixed(0)} s)`);
	}
}
console.log('\n' + lines.join('\n'));
console.log('\nPaired ratio of votes to τ ≥ 0.9, a policy over uniform and balanced (median over seeds where both reached it):\n');
console.log('| systems | α | policy | over uniform | over balanced | medians |\n| --- | --- | --- | --- | --- | --- |');
console.log(ratios.join('\n'));
if (CURVE) {
	console.log('\nKendall τ to the target at votes per pair, median (IQR) over seeds:\n');
	console.log(`| systems | α | policy | ${CURVE_AT.map((c) => `${c}/pair`).join(' | ')} |\n|${' --- |'.repeat(CURVE_AT.length + 3)}`);
	console.log(curves.join('\n'));
}
console.log(`\ntotal ${((performance.now() - started) / 1000).toFixed(0)} s`);

// ---- coverage study (--coverage): why do intervals miss? ----
// Runs every policy to the interval budget only, with many seeds, and compares the product's
// intervals with alternatives on the same votes: a vote-level bootstrap (every vote redrawn with its
// own 1/P), a bootstrap over prompts (clusters) and one over evaluators; and the spread of the
// estimate's error against the bootstrap's own standard deviation (z² near 1 when the width is right).
/** A scheduling variant of the coverage study: the strategy, its ε, and whether the fit weighs by 1/P. */
interface StudyVariant {
	label: string;
	strategy: (typeof POLICIES)[number] | (() => SchedulingStrategy);
	weighted: boolean;
	/** the scheduler's random stream (variants that differ only in the fit share one) */
	stream?: string;
}
/**
 * The adaptive strategy with every pair's outcome variance read as ¼ (as if no outcomes were known):
 * P(a) then depends on counts and leases only, never on what the votes said — the diagnostic of
 * whether outcome-driven allocation is what the bootstrap misses.
 */
function varianceBlind(epsilon: number): SchedulingStrategy {
	const inner = adaptiveStrategy({ adaptiveEpsilon: epsilon });
	let none = new Float64Array(0);
	return {
		name: 'adaptive',
		pick(context) {
			if (none.length < context.pairs.supply.length) none = new Float64Array(context.pairs.supply.length);
			const pairs = { ...context.pairs, outcomeN: none, outcomeSum: none, outcomeSumSq: none };
			return inner.pick(Object.create(context, { pairs: { value: pairs } }));
		}
	};
}
function adaptiveWith(epsilon: number) {
	return () => adaptiveStrategy({ adaptiveEpsilon: epsilon });
}
/** The study's variants by key (--variants a,b,…): the product's three policies and the diagnostics. */
function studyVariants(): Record<string, StudyVariant> {
	return {
		uniform: { label: 'uniform', strategy: 'uniform', weighted: false },
		balanced: { label: 'balanced', strategy: 'balanced', weighted: false },
		adaptive: { label: 'adaptive (1/P)', strategy: 'adaptive', weighted: true },
		unweighted: { label: 'adaptive, unweighted fit', strategy: 'adaptive', weighted: false },
		blind: { label: `adaptive σ̂² ≡ ¼, ε ${EPSILON} (1/P)`, strategy: () => varianceBlind(EPSILON), weighted: true, stream: 'blind' },
		'blind-e05': { label: 'adaptive σ̂² ≡ ¼, ε 0.05 (1/P)', strategy: () => varianceBlind(0.05), weighted: true },
		e05: { label: 'adaptive ε 0.05 (1/P)', strategy: adaptiveWith(0.05), weighted: true },
		e50: { label: 'adaptive ε 0.5 (1/P)', strategy: adaptiveWith(0.5), weighted: true }
	};
}

function simulate(world: World, variant: StudyVariant, seed: number, total: number): Tally {
	const { K } = world;
	const images: CampaignImage[] = [];
	for (let p = 0; p < PROMPTS; p++) for (let s = 0; s < K; s++) images.push({ id: `${p}:${s}`, promptId: `p${p}`, systemId: name(s) });
	const scheduler = new PairScheduler({
		images,
		strategy: typeof variant.strategy === 'string' ? variant.strategy : variant.strategy(),
		strategySettings: { adaptiveEpsilon: EPSILON },
		// the draws of the product's adaptive are those of its main run, whatever the fit
		rng: createRng(`decide-${seed}-${variant.stream ?? (typeof variant.strategy === 'string' ? variant.strategy : variant.label)}`),
		now: 0,
		leaseMs: 1e15
	});
	const outcomes = createRng(`outcomes-${seed}`);
	const who = createRng(`who-${seed}`);
	const tally = new Tally(K);
	const parse = (id: string) => id.split(':').map(Number);
	const held = Array.from({ length: EVALUATORS }, (_, e) => scheduler.issue(`e${e}`, { now: 0 }));
	while (tally.votes < total) {
		const e = Math.floor(who() * EVALUATORS);
		const lease = held[e];
		if (!lease) continue;
		const [p, left] = parse(lease.leftImageId);
		const [, right] = parse(lease.rightImageId);
		const choice = choose(world, e, p, left, right, outcomes);
		scheduler.recordVote({
			assignmentId: lease.id,
			userId: `e${e}`,
			leftImageId: lease.leftImageId,
			rightImageId: lease.rightImageId,
			choice
		});
		tally.add(left, right, choice, lease.probability ? 1 / lease.probability : 1, p, e);
		held[e] = scheduler.issue(`e${e}`, { now: 0 });
	}
	return tally;
}

/** Centred Elo ratings of a fit to the logged votes, each counted `times(vote)` times; null without a finite MLE. */
function refit(K: number, log: number[][], times: (v: number[]) => number, weighted: boolean, perPair = false): Float64Array | null {
	const cells = new Float64Array(K * K * 3);
	const ws = new Float64Array(K * K * 3);
	for (const v of log) {
		const m = times(v);
		if (!m) continue;
		const at = (v[0] * K + v[1]) * 3 + v[2];
		cells[at] += m;
		ws[at] += m * v[3];
	}
	const rows: PairStatRow[] = [];
	for (let i = 0; i < K; i++)
		for (let j = i + 1; j < K; j++) {
			const at = (i * K + j) * 3;
			if (cells[at] + cells[at + 1] + cells[at + 2] === 0) continue;
			const row: PairStatRow = {
				systemA: name(i),
				systemB: name(j),
				aWins: cells[at],
				bWins: cells[at + 1],
				ties: cells[at + 2],
				bothBad: 0
			};
			// per pair: the 1/P weights rescaled so that every pair's total weight is the same
			const scale = perPair ? 1 / (ws[at] + ws[at + 1] + ws[at + 2]) : 1;
			if (weighted)
				Object.assign(row, { aWeight: ws[at] * scale, bWeight: ws[at + 1] * scale, tieWeight: ws[at + 2] * scale, bothBadWeight: 0 });
			rows.push(row);
		}
	try {
		const fit = fitBradleyTerry(countsFromPairStats(rows));
		if (fit.systems.length < K) return null;
		return Float64Array.from(fit.ratings);
	} catch {
		return null;
	}
}

function percentileIntervals(K: number, samples: Float64Array[]): { low: Float64Array; high: Float64Array; sd: Float64Array } {
	const low = new Float64Array(K);
	const high = new Float64Array(K);
	const sd = new Float64Array(K);
	for (let i = 0; i < K; i++) {
		const col = samples.map((s) => s[i]).sort((a, b) => a - b);
		low[i] = quantile(col, 0.025);
		high[i] = quantile(col, 0.975);
		const mean = col.reduce((a, b) => a + b, 0) / col.length;
		sd[i] = Math.sqrt(col.reduce((a, b) => a + (b - mean) ** 2, 0) / (col.length - 1));
	}
	return { low, high, sd };
}

/** est ± 1.96 bootstrap sd (the same rounds as the product's percentile interval). */
function normalInterval(est: Float64Array, sd: Float64Array) {
	return { low: est.map((e, i) => e - 1.959964 * sd[i]), high: est.map((e, i) => e + 1.959964 * sd[i]), sd };
}
/** The basic (reverse-percentile) bootstrap interval: [2·est − q97.5, 2·est − q2.5]. */
function basicInterval(est: Float64Array, p: { low: Float64Array; high: Float64Array; sd: Float64Array }) {
	return { low: est.map((e, i) => 2 * e - p.high[i]), high: est.map((e, i) => 2 * e - p.low[i]), sd: p.sd };
}
/** Its inverse by bisection (the bench needs a handful per interval). */
function normalQuantile(p: number): number {
	let lo = -10;
	let hi = 10;
	for (let k = 0; k < 60; k++) {
		const mid = (lo + hi) / 2;
		if (normalCdf(mid) < p) lo = mid;
		else hi = mid;
	}
	return (lo + hi) / 2;
}
/**
 * Bias-corrected percentile interval (BCa without the acceleration, which needs a jackknife over
 * the votes): z₀ = Φ⁻¹(share of rounds below the estimate), percentiles Φ(2z₀ ± 1.96).
 */
function biasCorrected(K: number, est: Float64Array, samples: Float64Array, idx: number[], stride: number) {
	const rounds = samples.length / stride;
	const low = new Float64Array(K);
	const high = new Float64Array(K);
	for (let i = 0; i < K; i++) {
		const col = Array.from({ length: rounds }, (_, r) => samples[r * stride + idx[i]]).sort((a, b) => a - b);
		const below = col.filter((x) => x < est[i]).length + 0.5 * col.filter((x) => x === est[i]).length;
		const z0 = normalQuantile(Math.min(Math.max(below / rounds, 0.5 / rounds), 1 - 0.5 / rounds));
		low[i] = quantile(col, normalCdf(2 * z0 - 1.959964));
		high[i] = quantile(col, normalCdf(2 * z0 + 1.959964));
	}
	return { low, high, sd: new Float64Array(K) };
}

/** Bootstrap over groups: key(v) names the group of a vote; groups are redrawn with replacement. */
function groupBootstrap(K: number, log: number[][], key: (v: number[]) => number, groups: number, weighted: boolean, rng: Rng) {
	const samples: Float64Array[] = [];
	const times = new Int32Array(groups);
	for (let r = 0; r < BOOTSTRAP; r++) {
		times.fill(0);
		for (let g = 0; g < groups; g++) times[Math.floor(rng() * groups)]++;
		const x = refit(K, log, (v) => times[key(v)], weighted);
		if (x) samples.push(x);
	}
	return percentileIntervals(K, samples);
}

/** Standard error of a mean over seeds (the intervals of one seed are correlated, so seeds are the unit). */
function seOfMean(xs: number[]): number {
	const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
	return Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1) / xs.length);
}

/** Per-pair totals fixed: each pair's votes redrawn with replacement among themselves, refitted with per-pair weights. */
function stratifiedBootstrap(K: number, log: number[][], rng: Rng) {
	const byPair = new Map<number, number[]>();
	log.forEach((v, k) => {
		const key = v[0] * K + v[1];
		byPair.set(key, [...(byPair.get(key) ?? []), k]);
	});
	const times = new Int32Array(log.length);
	const index = new Map(log.map((v, k) => [v, k]));
	const samples: Float64Array[] = [];
	for (let r = 0; r < BOOTSTRAP; r++) {
		times.fill(0);
		for (const votes of byPair.values()) for (let k = 0; k < votes.length; k++) times[votes[Math.floor(rng() * votes.length)]]++;
		const x = refit(K, log, (v) => times[index.get(v)!], true, true);
		if (x) samples.push(x);
	}
	return percentileIntervals(K, samples);
}

async function coverageStudy() {
	const variants = [
		'product',
		'product vs latent θ',
		'vote bootstrap',
		'prompt-cluster bootstrap',
		'evaluator-cluster bootstrap',
		'per-pair weights, stratified',
		'normal ±1.96 sd',
		'basic',
		'bias-corrected'
	] as const;
	console.log(
		'| systems | α | policy | votes | ' +
			variants.join(' | ') +
			' | z² (product) | spread (estimate on target) | mean error, best / worst system (Elo) |'
	);
	console.log('|' + ' --- |'.repeat(variants.length + 7));
	for (const K of SIZES) {
		const pairs = (K * (K - 1)) / 2;
		const total = BUDGET_PER_PAIR * pairs;
		for (const alpha of SPREADS) {
			if (!fits(alpha, K)) continue;
			const stats = new Map<
				string,
				{
					hit: Record<string, number>;
					n: number;
					z2: number;
					errBest: number;
					errWorst: number;
					seeds: number;
					cross: number;
					square: number;
					perSeed: number[];
				}
			>();
			for (let seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
				const world = makeWorld(seed, K, alpha);
				const truth = Array.from(world.target, (t) => 1000 + t * ELO);
				const meanTheta = world.theta.reduce((a, b) => a + b, 0) / K;
				const latent = Array.from(world.theta, (t) => 1000 + (t - meanTheta) * ELO);
				const best = truth.indexOf(Math.max(...truth));
				const worst = truth.indexOf(Math.min(...truth));
				for (const key of option('variants', 'uniform,balanced,adaptive,unweighted,blind').split(',')) {
					const variant = studyVariants()[key];
					if (!variant) throw new Error(`--variants: unknown ${key} (${Object.keys(studyVariants()).join(', ')})`);
					const { label, weighted } = variant;
					const tally = simulate(world, variant, seed, total);
					{
						const s = stats.get(label) ?? {
							hit: Object.fromEntries(variants.map((v) => [v, 0])),
							n: 0,
							z2: 0,
							errBest: 0,
							errWorst: 0,
							seeds: 0,
							cross: 0,
							square: 0,
							perSeed: []
						};
						stats.set(label, s);
						const { fit, samples } = await rankWithDetails(countsFromPairStats(tally.rows(weighted)), {
							bootstrap: BOOTSTRAP,
							seed,
							workers: 0,
							prior: 0
						});
						const idx = Array.from({ length: K }, (_, i) => fit.systems.indexOf(name(i)));
						const product = percentileIntervals(
							K,
							Array.from({ length: BOOTSTRAP }, (_, r) => Float64Array.from(idx, (k) => samples[r * fit.systems.length + k]))
						);
						const est = Float64Array.from(idx, (k) => fit.ratings[k]);
						const rng = createRng(`cov-${seed}-${label}`);
						const logIndex = new Map(tally.log.map((v, k) => [v, k]));
						const none = { low: new Float64Array(K).fill(NaN), high: new Float64Array(K).fill(NaN), sd: new Float64Array(K) };
						// --alternatives vote,prompt,evaluator (default all three unless --product-only)
						const wanted = option('alternatives', PRODUCT_ONLY ? '' : 'vote,prompt,evaluator').split(',');
						const alternative = (name: string, key: (v: number[]) => number, groups: number) =>
							wanted.includes(name) ? groupBootstrap(K, tally.log, key, groups, weighted, rng) : none;
						const vote = alternative('vote', (v) => logIndex.get(v)!, tally.log.length);
						const prompt = alternative('prompt', (v) => v[4], PROMPTS);
						const evaluator = alternative('evaluator', (v) => v[5], EVALUATORS);
						const stratified =
							weighted && args.includes('--stratified')
								? stratifiedBootstrap(K, tally.log, rng)
								: { low: new Float64Array(K).fill(NaN), high: new Float64Array(K).fill(NaN), sd: new Float64Array(K) };
						const sets: Record<(typeof variants)[number], [ReturnType<typeof percentileIntervals>, number[]]> = {
							'per-pair weights, stratified': [stratified, truth],
							product: [product, truth],
							'product vs latent θ': [product, latent],
							'vote bootstrap': [vote, truth],
							'prompt-cluster bootstrap': [prompt, truth],
							'evaluator-cluster bootstrap': [evaluator, truth],
							'normal ±1.96 sd': [normalInterval(est, product.sd), truth],
							basic: [basicInterval(est, product), truth],
							'bias-corrected': [biasCorrected(K, est, samples, idx, fit.systems.length), truth]
						};
						let hitHere = 0;
						for (let i = 0; i < K; i++) if (product.low[i] <= truth[i] && truth[i] <= product.high[i]) hitHere++;
						s.perSeed.push(hitHere / K);
						for (const v of variants) {
							const [iv, t] = sets[v];
							for (let i = 0; i < K; i++) if (iv.low[i] <= t[i] && t[i] <= iv.high[i]) s.hit[v]++;
						}
						for (let i = 0; i < K; i++) s.z2 += ((est[i] - truth[i]) / product.sd[i]) ** 2;
						s.n += K;
						for (let i = 0; i < K; i++) {
							s.cross += (est[i] - 1000) * (truth[i] - 1000);
							s.square += (truth[i] - 1000) ** 2;
						}
						s.errBest += est[best] - truth[best];
						s.errWorst += est[worst] - truth[worst];
						s.seeds++;
					}
				}
			}
			for (const [label, s] of stats)
				console.log(
					`| ${K} | ${alpha} | ${label} | ${total} | ` +
						variants
							.map((v) =>
								!v.startsWith('product') && s.hit[v] === 0
									? '—'
									: `${((100 * s.hit[v]) / s.n).toFixed(1)}%` + (v === 'product' ? ` ± ${(100 * seOfMean(s.perSeed)).toFixed(1)}` : '')
							)
							.join(' | ') +
						` | ${(s.z2 / s.n).toFixed(2)} | ${(s.cross / s.square).toFixed(3)} | ${(s.errBest / s.seeds).toFixed(1)} / ${(s.errWorst / s.seeds).toFixed(1)} |`
				);
		}
	}
}
