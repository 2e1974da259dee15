// Properties on generated data with a known truth: invariances, consistency, interval coverage.

import { describe, expect, it } from 'vitest';
import {
	countsFromBattles,
	countsFromPairStats,
	fitBradleyTerry,
	rankSystems,
	rankWithDetails,
	winProbability
} from '../../../src/lib/ranking/index.ts';
import { generateBattles, mulberry32, randomTruth, type Battle } from './helpers.ts';

const flip = (b: Battle): Battle => ({
	a: b.b,
	b: b.a,
	winner: b.winner === 'model_a' ? 'model_b' : b.winner === 'model_b' ? 'model_a' : b.winner
});

describe('invariances', () => {
	const rand = mulberry32(1);
	const truth = randomTruth(9, rand);
	const battles = generateBattles(truth, 4000, rand);

	it('swapping model_a and model_b with the winner flipped changes nothing', async () => {
		const swapRand = mulberry32(2);
		const swapped = battles.map((b) => (swapRand() < 0.5 ? flip(b) : b));
		for (const ties of ['half', 'davidson', 'exclude'] as const) {
			const x = await rankSystems(countsFromBattles(battles), { ties, bootstrap: 200, workers: 0 });
			const y = await rankSystems(countsFromBattles(swapped), { ties, bootstrap: 200, workers: 0 });
			// the counts are identical, so everything but floating-point noise in online Elo is too
			expect(y.leaderboard.map((e) => ({ ...e, elo: 0 }))).toEqual(x.leaderboard.map((e) => ({ ...e, elo: 0 })));
			y.leaderboard.forEach((e, i) => expect(Math.abs(e.elo! - x.leaderboard[i].elo!)).toBeLessThan(1e-9));
		}
	});

	it('gives the same result from pair statistics as from the battles (no Elo without order)', async () => {
		const counts = countsFromBattles(battles);
		const rows = [];
		for (let p = 0; p < counts.pairI.length; p++)
			rows.push({
				systemA: counts.systems[counts.pairJ[p]],
				systemB: counts.systems[counts.pairI[p]],
				aWins: counts.cells[4 * p + 1],
				bWins: counts.cells[4 * p],
				ties: counts.cells[4 * p + 2],
				bothBad: counts.cells[4 * p + 3]
			});
		const x = await rankSystems(counts, { bootstrap: 100, workers: 0 });
		const y = await rankSystems(countsFromPairStats(rows), { bootstrap: 100, workers: 0 });
		expect(y.leaderboard.map((e) => ({ ...e, elo: null }))).toEqual(x.leaderboard.map((e) => ({ ...e, elo: null })));
		expect(y.leaderboard.every((e) => e.elo === null)).toBe(true);
	});

	it('does not depend on the number of worker threads', async () => {
		const counts = countsFromBattles(battles);
		const inline = await rankSystems(counts, { bootstrap: 300, seed: 7, workers: 0 });
		const two = await rankSystems(counts, { bootstrap: 300, seed: 7, workers: 2 });
		const three = await rankSystems(counts, { bootstrap: 300, seed: 7, workers: 3 });
		expect(two).toEqual(inline);
		expect(three).toEqual(inline);
		const other = await rankSystems(counts, { bootstrap: 300, seed: 8, workers: 0 });
		expect(other.leaderboard[0].ci_low).not.toBe(inline.leaderboard[0].ci_low);
	});

	it('predicts win probabilities consistent with the ratings', () => {
		const fit = fitBradleyTerry(countsFromBattles(battles));
		const p = winProbability(fit);
		for (let i = 0; i < 9; i++)
			for (let j = 0; j < 9; j++) {
				expect(p[i][j] + p[j][i]).toBeCloseTo(1, 12);
				const elo = 1 / (1 + Math.pow(10, (fit.ratings[j] - fit.ratings[i]) / 400));
				expect(p[i][j]).toBeCloseTo(elo, 12);
			}
		const dav = fitBradleyTerry(countsFromBattles(battles), { ties: 'davidson' });
		const q = winProbability(dav);
		expect(q[0][1] + q[1][0]).toBeCloseTo(1, 12);
		expect(q[0][0]).toBe(0.5);
	});
});

describe('consistency with a known truth', () => {
	it('the error shrinks as votes grow (about as 1/√N)', () => {
		const rmse = (n: number) => {
			let total = 0;
			const reps = 4;
			for (let rep = 0; rep < reps; rep++) {
				const rand = mulberry32(100 + rep);
				const truth = randomTruth(10, rand);
				const fit = fitBradleyTerry(countsFromBattles(generateBattles(truth, n, rand)));
				fit.systems.forEach((s, i) => (total += (fit.ratings[i] - truth[Number(s.slice(1))]) ** 2));
			}
			return Math.sqrt(total / (reps * 10));
		};
		const e = [1000, 10000, 100000].map(rmse);
		console.log(`RMSE vs truth (Elo) at 1k / 10k / 100k votes: ${e.map((x) => x.toFixed(2)).join(' / ')}`);
		expect(e[1]).toBeLessThan(e[0] * 0.5);
		expect(e[2]).toBeLessThan(e[1] * 0.5);
		expect(e[2]).toBeLessThan(3);
	});

	it('95% intervals cover the true ratings about 95% of the time', async () => {
		const K = 8;
		const replicates = 400;
		let covered = 0;
		let total = 0;
		let width = 0;
		const start = performance.now();
		for (let rep = 0; rep < replicates; rep++) {
			const rand = mulberry32(5000 + rep);
			const truth = randomTruth(K, rand, 100);
			const d = await rankWithDetails(countsFromBattles(generateBattles(truth, 3000, rand)), { bootstrap: 1000, seed: rep, workers: 0 });
			for (const e of d.board.leaderboard) {
				const t = truth[Number(e.system.slice(1))];
				if (e.ci_low! <= t && t <= e.ci_high!) covered++;
				total++;
				width += e.ci_high! - e.ci_low!;
			}
		}
		const coverage = covered / total;
		console.log(
			`bootstrap 95% interval coverage: ${(100 * coverage).toFixed(1)}% of ${total} intervals ` +
				`(${replicates} draws of 3000 votes over ${K} systems, 1000 rounds each; mean width ` +
				`${(width / total).toFixed(1)} Elo; ${((performance.now() - start) / 1000).toFixed(1)} s)`
		);
		expect(coverage).toBeGreaterThan(0.92);
		expect(coverage).toBeLessThan(0.98);
	});
});
