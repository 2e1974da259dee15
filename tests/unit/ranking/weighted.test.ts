// Inverse-probability weighting (adaptive scheduling): votes weigh 1/P in the fit and the bootstrap.
import { describe, expect, it } from 'vitest';
import { countsFromPairStats, fitBradleyTerry, rankWithDetails, type PairStatRow } from '../../../src/lib/ranking/index.ts';

const rows: PairStatRow[] = [
	{ systemA: 'a', systemB: 'b', aWins: 7, bWins: 3, ties: 2, bothBad: 1 },
	{ systemA: 'b', systemB: 'c', aWins: 5, bWins: 4, ties: 1, bothBad: 0 },
	{ systemA: 'c', systemB: 'a', aWins: 2, bWins: 6, ties: 0, bothBad: 2 },
	{ systemA: 'c', systemB: 'd', aWins: 3, bWins: 3, ties: 2, bothBad: 0 },
	{ systemA: 'a', systemB: 'd', aWins: 4, bWins: 1, ties: 1, bothBad: 1 }
];
/** Every vote of a row weighs `w` (a pair drawn with probability ∝ 1/w). */
const weighted = (row: PairStatRow, w: number): PairStatRow => ({
	...row,
	aWeight: row.aWins * w,
	bWeight: row.bWins * w,
	tieWeight: row.ties * w,
	bothBadWeight: row.bothBad * w
});
const times = (row: PairStatRow, k: number): PairStatRow => ({
	...row,
	aWins: row.aWins * k,
	bWins: row.bWins * k,
	ties: row.ties * k,
	bothBad: row.bothBad * k
});

describe('weighted Bradley–Terry', () => {
	it('weights 3 on a pair fit like that pair’s votes written three times (whatever the scale of the weights)', () => {
		const factors = [1, 3, 1, 2, 1];
		for (const ties of ['half', 'davidson', 'exclude'] as const) {
			const byWeight = fitBradleyTerry(countsFromPairStats(rows.map((r, i) => weighted(r, factors[i] * 17.5))), { ties });
			const byCopies = fitBradleyTerry(countsFromPairStats(rows.map((r, i) => times(r, factors[i]))), { ties });
			for (let i = 0; i < 4; i++) expect(byWeight.ratings[i]).toBeCloseTo(byCopies.ratings[i], 8);
		}
	});

	it('equal weights change nothing, in the fit and in every bootstrap round', async () => {
		const plain = await rankWithDetails(countsFromPairStats(rows), { bootstrap: 50, workers: 0 });
		const even = await rankWithDetails(countsFromPairStats(rows.map((r) => weighted(r, 4))), { bootstrap: 50, workers: 0 });
		expect(even.board.weighted).toBe(true);
		expect(plain.board.weighted).toBeUndefined();
		for (let k = 0; k < plain.samples.length; k++) expect(even.samples[k]).toBeCloseTo(plain.samples[k], 8);
	});

	it('the bootstrap redraws the votes and weighs each drawn vote (its intervals follow the weights)', async () => {
		const factors = [1, 3, 1, 2, 1];
		const counts = countsFromPairStats(rows.map((r, i) => weighted(r, factors[i])));
		const board = await rankWithDetails(counts, { bootstrap: 300, workers: 0 });
		// the point estimate sits inside its interval and the intervals differ from the unweighted ones
		const plain = await rankWithDetails(countsFromPairStats(rows), { bootstrap: 300, workers: 0 });
		for (const e of board.board.leaderboard) {
			expect(e.ci_low!).toBeLessThanOrEqual(e.rating);
			expect(e.ci_high!).toBeGreaterThanOrEqual(e.rating);
		}
		expect(board.board.leaderboard.map((e) => e.ci_low)).not.toEqual(plain.board.leaderboard.map((e) => e.ci_low));
		// same seed, same numbers on worker threads
		expect((await rankWithDetails(counts, { bootstrap: 300, workers: 2 })).board).toEqual(board.board);
	});

	it('every vote of a pair weighs the pair’s mean 1/P: moving weight between its outcomes changes nothing', async () => {
		// pair a–b: 7 wins of a, 3 of b, 2 ties, 1 both bad; weight sums 40 over its 13 votes, spread two ways
		const spread = (aWeight: number, bWeight: number, tieWeight: number, bothBadWeight: number): PairStatRow[] => [
			{ ...rows[0], aWeight, bWeight, tieWeight, bothBadWeight },
			...rows.slice(1).map((r) => weighted(r, 2))
		];
		const even = countsFromPairStats(spread(7 * (40 / 13), 3 * (40 / 13), 2 * (40 / 13), 40 / 13));
		// a's wins were cast when a–b was unlikely (heavy), b's when it was likely (light)
		const skewed = countsFromPairStats(spread(35, 1, 3, 1));
		// hand-computed: the mean weights 40/13 (a–b) and 2 (the rest), scaled so that the 45 votes' mean is 1
		const scale = 48 / (40 + 2 * 35);
		for (const counts of [even, skewed]) {
			const p = counts.pairI.findIndex((i, k) => counts.systems[i] === 'a' && counts.systems[counts.pairJ[k]] === 'b');
			expect([...counts.weights!.subarray(4 * p, 4 * p + 4)].map((w) => w / scale)).toEqual(
				Array(4)
					.fill(40 / 13)
					.map((w) => expect.closeTo(w, 12))
			);
		}
		const [x, y] = await Promise.all([even, skewed].map((c) => rankWithDetails(c, { bootstrap: 40, workers: 0 })));
		for (let k = 0; k < x.samples.length; k++) expect(y.samples[k]).toBeCloseTo(x.samples[k], 8);
		x.board.leaderboard.forEach((e, k) => expect(y.board.leaderboard[k].rating).toBeCloseTo(e.rating, 8));
	});

	it('refuses negative or missing weights, naming the row', () => {
		expect(() => countsFromPairStats([{ ...weighted(rows[0], 1), tieWeight: -1 }])).toThrow(/row 1 .*weights/);
		expect(() => countsFromPairStats([{ ...weighted(rows[0], 1), bWeight: undefined }])).toThrow(/weights/);
	});
});
