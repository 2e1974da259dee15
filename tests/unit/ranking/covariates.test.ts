// Controlled (covariate) Bradley–Terry: `pickwise rank --control` against the independent reference
// bt_extended.py (fixtures made by it), exact aggregation, and a planted resolution effect recovered.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import rank from '../../../src/lib/cli/rank.ts';
import { UsageError } from '../../../src/lib/cli/command.ts';
import { aggregateCovariates, fitControlled, rankControlled, type CovariateVotes } from '../../../src/lib/ranking/covariates.ts';
import { captureIO, FIXTURES, mulberry32 } from './helpers.ts';

const FILE = FIXTURES + 'covariates_6000_10.csv';
const reference = (name: string) =>
	JSON.parse(readFileSync(FIXTURES + `covariates_6000_10.reference_${name}.json`, 'utf8')) as {
		ratings: Record<string, number>;
		coefficients: Record<string, { logit: number; elo: number }>;
	};
const dir = mkdtempSync(join(tmpdir(), 'pickwise-control-'));

async function run(args: string[]) {
	const c = captureIO();
	const code = await rank(args, c.io);
	return { code, out: c.out(), err: c.err() };
}

function expectMatches(
	board: { leaderboard: { system: string; rating: number }[]; coefficients: { name: string; logit: number; elo: number }[] },
	ref: ReturnType<typeof reference>
) {
	expect(board.leaderboard.map((e) => e.system).sort()).toEqual(Object.keys(ref.ratings).sort());
	let worst = 0;
	for (const e of board.leaderboard) worst = Math.max(worst, Math.abs(e.rating - ref.ratings[e.system]));
	for (const c of board.coefficients) {
		worst = Math.max(worst, Math.abs(c.elo - ref.coefficients[c.name].elo));
		expect(Math.abs(c.logit - ref.coefficients[c.name].logit)).toBeLessThan(1e-6);
	}
	expect(worst).toBeLessThan(1e-4);
	return worst;
}

describe('pickwise rank --control', () => {
	it('matches bt_extended.py (weights, two covariates, L2 = 1 and 0) to 1e-4', async () => {
		for (const l2 of ['1', '0']) {
			const r = await run([FILE, '--control', 'left,pixels', '--l2', l2, '--bootstrap', '100', '--workers', '0']);
			expect(r.err).toBe('');
			expect(r.code).toBe(0);
			const board = JSON.parse(r.out);
			expect(board.coefficients.map((c: { name: string }) => c.name)).toEqual(['left', 'pixels']);
			expect(board.votes).toBe(6000);
			expect(board.l2).toBe(Number(l2));
			expectMatches(board, reference(`l2_${l2}`));
			// the planted effects (0.15 left, 2.0 pixels, in logits) lie in their intervals
			const [left, pixels] = board.coefficients;
			expect(left.ci_low).toBeLessThan(0.15 * 173.7178);
			expect(left.ci_high).toBeGreaterThan(0.15 * 173.7178);
			expect(pixels.ci_low).toBeLessThan(2 * 173.7178);
			expect(pixels.ci_high).toBeGreaterThan(2 * 173.7178);
		}
	});

	it('matches the reference without a weight column', async () => {
		const lines = readFileSync(FILE, 'utf8').trimEnd().split('\n');
		const path = join(dir, 'noweight.csv');
		writeFileSync(path, lines.map((l) => l.split(',').slice(0, 5).join(',')).join('\n') + '\n');
		const r = await run([path, '--control', 'left,pixels', '--l2', '0', '--bootstrap', '0']);
		expect(r.code).toBe(0);
		const board = JSON.parse(r.out);
		expect(board.weighted_votes).toBe(6000);
		expectMatches(board, reference('noweight_l2_0'));
	});

	it('names a missing covariate column and a bad value, and refuses davidson', async () => {
		const missing = await run([FILE, '--control', 'left,aspect']);
		expect(missing.code).toBe(1);
		expect(missing.err).toMatch(/no 'x_aspect' column \(covariate columns: left, pixels\)/);
		const path = join(dir, 'bad.csv');
		writeFileSync(path, 'model_a,model_b,winner,x_left,weight\na,b,model_a,1,1\nb,a,model_a,zz,1\na,b,tie,1,-2\n');
		const bad = await run([path, '--control', 'left']);
		expect(bad.code).toBe(1);
		expect(bad.out).toBe('');
		expect(bad.err).toContain(`${path}:3: x_left must be a finite number, not 'zz'`);
		expect(bad.err).toContain(`${path}:4: weight must be a positive number, not '-2'`);
		await expect(run([FILE, '--control', 'left', '--ties', 'davidson'])).rejects.toThrow(UsageError);
		await expect(run([FILE, '--l2', '1'])).rejects.toThrow(UsageError);
	});

	it('prints a table with rank spreads, Δrank and the coefficient table', async () => {
		const r = await run([FILE, '--control', 'left,pixels', '--format', 'table', '--bootstrap', '50', '--workers', '0']);
		expect(r.code).toBe(0);
		expect(r.out).toMatch(/^rank\s+system\s+controlled\s+95% interval\s+raw\s+Δrank/);
		expect(r.out).toMatch(/\nleft\s+\+22\.9 /);
		expect(r.out).toMatch(/separability \d+%/);
	});
});

describe('controlled fit', () => {
	it('aggregating identical rows changes nothing, and worker splits give identical intervals', async () => {
		const rand = mulberry32(3);
		const n = 3000;
		const votes: CovariateVotes = {
			systems: ['a', 'b', 'c', 'd'],
			features: ['left', 'f'],
			a: new Int32Array(n),
			b: new Int32Array(n),
			outcome: new Uint8Array(n),
			x: new Float64Array(2 * n),
			weight: null
		};
		for (let v = 0; v < n; v++) {
			const i = Math.floor(rand() * 4);
			votes.a[v] = i;
			votes.b[v] = (i + 1 + Math.floor(rand() * 3)) % 4;
			votes.outcome[v] = Math.floor(rand() * 3);
			votes.x[2 * v] = 1;
			votes.x[2 * v + 1] = Math.floor(rand() * 3) / 4;
		}
		const cells = aggregateCovariates(votes);
		expect(cells.rows).toBeLessThanOrEqual(12 * 3);
		// the same fit, row by row (one row per vote), through a grid that merges nothing
		const perVote = { ...cells, ...expandRows(votes) };
		const merged = fitControlled(cells);
		const apart = fitControlled(perVote);
		for (let d = 0; d < merged.params.length; d++) expect(merged.params[d]).toBeCloseTo(apart.params[d], 9);
		const zero = await rankControlled(cells, { bootstrap: 60, workers: 0, seed: 5 });
		const two = await rankControlled(cells, { bootstrap: 60, workers: 2, seed: 5 });
		expect(two.board).toEqual(zero.board);
	});

	it('recovers a planted resolution effect and removes it from the ranking', async () => {
		// 8 systems; the two just below the top make bigger images, and raters prefer bigger images
		const truth = [0.5, 0.35, 0.3, 0.1, 0, -0.2, -0.4, -0.65];
		const size = [1, 1.9, 1.9, 1, 1, 1, 1, 1];
		const gammaTrue = 1.5;
		const leftTrue = 0.1;
		const rand = mulberry32(1414);
		const n = 24000;
		const votes: CovariateVotes = {
			systems: truth.map((_, i) => `s${i}`),
			features: ['left', 'pixels'],
			a: new Int32Array(n),
			b: new Int32Array(n),
			outcome: new Uint8Array(n),
			x: new Float64Array(2 * n),
			weight: null
		};
		for (let v = 0; v < n; v++) {
			const i = Math.floor(rand() * 8);
			const j = (i + 1 + Math.floor(rand() * 7)) % 8;
			const pa = size[i] * (0.8 + 0.4 * rand());
			const pb = size[j] * (0.8 + 0.4 * rand());
			// pixel ratio on a grid of 0.05, as a campaign's buckets would be
			const x = Math.round(((pa - pb) / (pa + pb)) * 20) / 20;
			const eta = truth[i] - truth[j] + leftTrue + gammaTrue * x;
			const pWin = 1 / (1 + Math.exp(-eta));
			const u = rand();
			const tie = Math.min(0.15, 2 * Math.min(pWin, 1 - pWin));
			votes.a[v] = i;
			votes.b[v] = j;
			votes.outcome[v] = u < pWin - tie / 2 ? 0 : u < 1 - tie ? 1 : 2;
			votes.x[2 * v] = 1;
			votes.x[2 * v + 1] = x;
		}
		const cells = aggregateCovariates(votes);
		const { board } = await rankControlled(cells, { bootstrap: 300, seed: 7, workers: 0 });
		const coef = Object.fromEntries(board.coefficients.map((c) => [c.name, c]));
		const ELO = 400 / Math.LN10;
		for (const [name, value] of [
			['pixels', gammaTrue],
			['left', leftTrue]
		] as const) {
			expect(coef[name].ci_low!).toBeLessThan(value * ELO);
			expect(coef[name].ci_high!).toBeGreaterThan(value * ELO);
		}
		const truthOrder = truth.map((_, i) => `s${i}`);
		// raw: the big-image systems jump over s0; controlled: the true order
		const rawOrder = [...board.leaderboard].sort((x, y) => y.raw_rating - x.raw_rating).map((e) => e.system);
		expect(rawOrder[0]).not.toBe('s0');
		expect(board.leaderboard.map((e) => e.system)).toEqual(truthOrder);
		const s1 = board.leaderboard.find((e) => e.system === 's1')!;
		expect(s1.delta_rank).toBeLessThan(0);
		// controlled ratings sit on the truth (Elo, mean 1000) within a few standard errors
		const mean = truth.reduce((s, t) => s + t, 0) / truth.length;
		for (const e of board.leaderboard) {
			const t = 1000 + (truth[Number(e.system.slice(1))] - mean) * ELO;
			expect(Math.abs(e.rating - t)).toBeLessThan(25);
			expect(e.ci_low!).toBeLessThan(t);
			expect(e.ci_high!).toBeGreaterThan(t);
		}
	});
});

/** One row per vote (no merging), for checking that merging leaves the fit unchanged. */
function expandRows(votes: CovariateVotes) {
	const n = votes.a.length;
	const counts = new Float64Array(3 * n);
	for (let v = 0; v < n; v++) counts[3 * v + Math.min(votes.outcome[v], 2)] = 1;
	return { rows: n, a: votes.a, b: votes.b, x: votes.x, counts, weights: counts.slice() };
}
