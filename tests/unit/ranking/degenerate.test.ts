// Input without a finite maximum-likelihood estimate must fail clearly, never print NaN or Infinity.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
	countsFromBattleTable,
	countsFromBattles,
	countsFromPairStats,
	fitBradleyTerry,
	parseBattles,
	rankSystems,
	RankingError
} from '../../../src/lib/ranking/index.ts';
import { FIXTURES } from './helpers.ts';

function rankingError(fn: () => unknown): RankingError {
	try {
		fn();
	} catch (error) {
		expect(error).toBeInstanceOf(RankingError);
		return error as RankingError;
	}
	throw new Error('expected a RankingError');
}

describe('degenerate_disconnected.csv', () => {
	const counts = countsFromBattleTable(parseBattles(readFileSync(FIXTURES + 'degenerate_disconnected.csv'), 'csv'));

	it('names the groups that never met, who never loses and who never wins', () => {
		const e = rankingError(() => fitBradleyTerry(counts));
		expect(e.code).toBe('not_strongly_connected');
		expect(e.details!.groups).toEqual([
			['alpha', 'beta', 'gamma'],
			['delta', 'epsilon']
		]);
		expect(e.details!.neverLose).toEqual([['alpha']]);
		expect(e.details!.neverWin).toEqual([['gamma']]);
		expect(e.message).toMatch(/alpha never loses/);
		expect(e.message).toMatch(/gamma never wins/);
		expect(e.message).toMatch(/\{alpha, beta, gamma\} and \{delta, epsilon\}/);
		expect(e.systems).toEqual(expect.arrayContaining(['alpha', 'gamma', 'delta', 'epsilon']));
	});

	it('rejects it from rankSystems too', async () => {
		await expect(rankSystems(counts, { bootstrap: 10, workers: 0 })).rejects.toBeInstanceOf(RankingError);
	});

	it('with ties excluded, delta (only ties and losses) never wins either', () => {
		const e = rankingError(() => fitBradleyTerry(counts, { ties: 'exclude' }));
		expect(e.details!.neverWin).toEqual(expect.arrayContaining([['gamma'], ['delta']]));
	});

	it('gives finite, shrunk ratings with a prior, flagged in the output', async () => {
		const board = await rankSystems(counts, { prior: 1, bootstrap: 200, workers: 0 });
		expect(board.prior).toBe(1);
		for (const e of board.leaderboard) for (const v of [e.rating, e.ci_low, e.ci_high]) expect(Number.isFinite(v)).toBe(true);
		expect(board.leaderboard[0].system).toBe('alpha');
		expect(board.leaderboard.at(-1)!.system).toBe('gamma');
	});
});

describe('other inputs with nothing to estimate', () => {
	it('empty', () => {
		expect(rankingError(() => fitBradleyTerry(countsFromBattles([]))).code).toBe('empty');
		expect(rankingError(() => fitBradleyTerry(countsFromPairStats([]))).code).toBe('empty');
	});

	it('a system against itself only is invalid; one real system is single_system', () => {
		expect(rankingError(() => countsFromBattles([{ a: 'x', b: 'x', winner: 'tie' }])).code).toBe('invalid_input');
		const e = rankingError(() =>
			fitBradleyTerry(countsFromPairStats([{ systemA: 'x', systemB: 'y', aWins: 0, bWins: 0, ties: 0, bothBad: 0 }]))
		);
		expect(e.code).toBe('empty');
	});

	it('a system that never wins', () => {
		const e = rankingError(() =>
			fitBradleyTerry(
				countsFromPairStats([
					{ systemA: 'a', systemB: 'b', aWins: 5, bWins: 3, ties: 0, bothBad: 0 },
					{ systemA: 'c', systemB: 'a', aWins: 0, bWins: 4, ties: 0, bothBad: 0 },
					{ systemA: 'c', systemB: 'b', aWins: 0, bWins: 2, ties: 0, bothBad: 0 }
				])
			)
		);
		expect(e.details!.neverWin).toEqual([['c']]);
		expect(e.systems).toEqual(['c']);
		expect(e.message).toMatch(/c never wins/);
		expect(e.message).not.toMatch(/never lose/);
	});

	it('names groups when no single system is to blame', () => {
		// {a, b} beat each other, {c, d} beat each other, but c and d never beat a or b
		const e = rankingError(() =>
			fitBradleyTerry(
				countsFromPairStats([
					{ systemA: 'a', systemB: 'b', aWins: 2, bWins: 3, ties: 0, bothBad: 0 },
					{ systemA: 'c', systemB: 'd', aWins: 2, bWins: 1, ties: 0, bothBad: 0 },
					{ systemA: 'a', systemB: 'c', aWins: 4, bWins: 0, ties: 0, bothBad: 0 },
					{ systemA: 'd', systemB: 'b', aWins: 0, bWins: 1, ties: 0, bothBad: 0 }
				])
			)
		);
		expect(e.details!.neverLose).toEqual([['a', 'b']]);
		expect(e.details!.neverWin).toEqual([['c', 'd']]);
		expect(e.message).toMatch(/\{c, d\} never win against the systems outside the group/);
	});

	it('a tie is enough to keep a system finite in half mode, not in exclude mode', () => {
		const rows = [
			{ systemA: 'a', systemB: 'b', aWins: 5, bWins: 3, ties: 0, bothBad: 0 },
			{ systemA: 'c', systemB: 'a', aWins: 0, bWins: 4, ties: 0, bothBad: 1 }
		];
		const fit = fitBradleyTerry(countsFromPairStats(rows));
		expect(fit.ratings.every(Number.isFinite)).toBe(true);
		expect(rankingError(() => fitBradleyTerry(countsFromPairStats(rows), { ties: 'exclude' })).details!.neverWin).toEqual([['c']]);
	});

	it('only ties: fine in half mode (all 1000), an error for exclude and Davidson', () => {
		const counts = countsFromBattles([
			{ a: 'x', b: 'y', winner: 'tie' },
			{ a: 'y', b: 'x', winner: 'tie (bothbad)' }
		]);
		expect([...fitBradleyTerry(counts).ratings]).toEqual([1000, 1000]);
		expect(rankingError(() => fitBradleyTerry(counts, { ties: 'exclude' })).code).toBe('empty');
		expect(rankingError(() => fitBradleyTerry(counts, { ties: 'davidson' })).code).toBe('empty');
	});

	it('bad counts and options', () => {
		expect(rankingError(() => countsFromPairStats([{ systemA: 'a', systemB: 'b', aWins: 1.5, bWins: 0, ties: 0, bothBad: 0 }])).code).toBe(
			'invalid_input'
		);
		expect(rankingError(() => countsFromBattles([{ a: 'a', b: 'b', winner: 'draw' }])).code).toBe('invalid_input');
		const counts = countsFromBattles([
			{ a: 'a', b: 'b', winner: 'model_a' },
			{ a: 'a', b: 'b', winner: 'model_b' }
		]);
		expect(rankingError(() => fitBradleyTerry(counts, { prior: -1 })).code).toBe('invalid_input');
		expect(rankingError(() => fitBradleyTerry(counts, { prior: NaN })).code).toBe('invalid_input');
	});
});

describe('sparse data whose bootstrap redraws can lose a connection', () => {
	it('keeps every endpoint finite and reports the degenerate rounds', async () => {
		// c only met a, and beat it once in four: a redraw without that win happens often
		const counts = countsFromPairStats([
			{ systemA: 'a', systemB: 'b', aWins: 20, bWins: 15, ties: 0, bothBad: 0 },
			{ systemA: 'a', systemB: 'c', aWins: 3, bWins: 1, ties: 0, bothBad: 0 }
		]);
		const { rankWithDetails } = await import('../../../src/lib/ranking/index.ts');
		const d = await rankWithDetails(counts, { bootstrap: 500, workers: 2 });
		expect(d.degenerateRounds).toBeGreaterThan(0);
		expect(d.warnings[0]).toMatch(/no finite maximum-likelihood/);
		for (const e of d.board.leaderboard) for (const v of [e.rating, e.ci_low, e.ci_high]) expect(Number.isFinite(v)).toBe(true);
		expect(d.board.leaderboard.every((e) => e.elo === null)).toBe(true);
	});
});
