// Agreement with the independent Python reference (numpy/scipy, arena conventions).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { countsFromBattleTable, fitBradleyTerry, parseBattles, rankSystems, type Leaderboard } from '../../../src/lib/ranking/index.ts';
import { FIXTURES } from './helpers.ts';

const load = (name: string) => countsFromBattleTable(parseBattles(readFileSync(FIXTURES + name), 'csv'));
const json = (name: string) => JSON.parse(readFileSync(FIXTURES + name, 'utf8'));

interface RefRow {
	rating: number;
	ci_low: number;
	ci_high: number;
	elo_online: number;
	num_battles: number;
	rank_ub: number;
}

function compare(board: Leaderboard, ref: Record<string, RefRow>) {
	let rating = 0;
	let elo = 0;
	let ci = 0;
	for (const e of board.leaderboard) {
		const r = ref[e.system];
		rating = Math.max(rating, Math.abs(e.rating - r.rating));
		elo = Math.max(elo, Math.abs(e.elo! - r.elo_online));
		ci = Math.max(ci, Math.abs(e.ci_low! - r.ci_low), Math.abs(e.ci_high! - r.ci_high));
		expect(e.battles).toBe(r.num_battles);
	}
	return { rating, elo, ci };
}

describe('synthetic_20000_12 against the reference', async () => {
	const counts = load('synthetic_20000_12.csv');
	const ref: Record<string, RefRow> = json('synthetic_20000_12.reference.json');
	// default options: 1000 rounds, seed 0, worker threads
	const board = await rankSystems(counts);

	it('has the documented leaderboard shape, best first', () => {
		expect(Object.keys(board)).toEqual(['leaderboard', 'votes', 'ties', 'bootstrap']);
		expect(board.votes).toBe(20000);
		expect(board.ties).toBe('half');
		expect(board.bootstrap).toEqual({ rounds: 1000, seed: 0 });
		expect(board.leaderboard).toHaveLength(12);
		for (const e of board.leaderboard)
			expect(Object.keys(e)).toEqual(['system', 'rating', 'ci_low', 'ci_high', 'rank', 'battles', 'wins', 'losses', 'ties', 'elo']);
		const ratings = board.leaderboard.map((e) => e.rating);
		expect([...ratings].sort((x, y) => y - x)).toEqual(ratings);
		expect(Object.keys(ref)).toEqual(board.leaderboard.map((e) => e.system));
	});

	it('matches ratings and online Elo within 1e-4, intervals within ±3 Elo, ranks exactly', () => {
		const d = compare(board, ref);
		console.log(
			`synthetic_20000_12: max |Δrating| ${d.rating.toExponential(2)}, max |ΔElo| ${d.elo.toExponential(2)}, max |ΔCI| ${d.ci.toFixed(2)}`
		);
		expect(d.rating).toBeLessThan(1e-4);
		expect(d.elo).toBeLessThan(1e-4);
		expect(d.ci).toBeLessThan(3);
		for (const e of board.leaderboard) expect(e.rank, e.system).toBe(ref[e.system].rank_ub);
	});

	it('has a mean rating of 1000 and win/loss/tie totals that add up', () => {
		const mean = board.leaderboard.reduce((s, e) => s + e.rating, 0) / 12;
		expect(mean).toBeCloseTo(1000, 9);
		for (const e of board.leaderboard) expect(e.wins + e.losses + e.ties).toBe(e.battles);
		expect(board.leaderboard.reduce((s, e) => s + e.battles, 0)).toBe(2 * 20000);
	});
});

describe('synthetic_30000_30 (made by make_reference.py with reference_bt.py)', async () => {
	const counts = load('synthetic_30000_30.csv');
	const ref: Record<string, RefRow> = json('synthetic_30000_30.reference.json');
	const board = await rankSystems(counts, { workers: 2 });

	// Two independent 1000-round bootstraps differ per endpoint by about √2 × the Monte Carlo standard
	// error (1.1 Elo here, from the reference's meta file): over 60 endpoints ±3 would be luck, 4σ is not.
	const mcSe: number = json('synthetic_30000_30.reference_meta.json').bootstrap.max_mc_se_of_ci_endpoints_elo;
	const tolerance = 4 * Math.SQRT2 * mcSe;

	it('matches ratings and Elo within 1e-4 and intervals within Monte Carlo error', () => {
		const d = compare(board, ref);
		console.log(
			`synthetic_30000_30: max |Δrating| ${d.rating.toExponential(2)}, max |ΔElo| ${d.elo.toExponential(2)}, max |ΔCI| ${d.ci.toFixed(2)} (tolerance ${tolerance.toFixed(1)})`
		);
		expect(d.rating).toBeLessThan(1e-4);
		expect(d.elo).toBeLessThan(1e-4);
		expect(d.ci).toBeLessThan(tolerance);
	});

	it('gives the reference ranks wherever the comparison is not within Monte Carlo noise', () => {
		const byName = new Map(board.leaderboard.map((e) => [e.system, e]));
		for (const e of board.leaderboard) {
			const r = ref[e.system];
			if (e.rank === r.rank_ub) continue;
			// a different rank must come from an interval endpoint pair closer than the tolerance
			const close = [...byName.values()].some((o) => Math.abs(o.ci_low! - e.ci_high!) < tolerance);
			expect(close, `${e.system}: rank ${e.rank} vs reference ${r.rank_ub}`).toBe(true);
		}
	});
});

describe('tie modes and prior against scipy fits (synthetic_3000_6)', () => {
	const counts = load('synthetic_3000_6.csv');
	const ref = json('synthetic_3000_6.reference_modes.json');
	const cases = [
		['half', { ties: 'half' }],
		['exclude', { ties: 'exclude' }],
		['davidson', { ties: 'davidson' }],
		['prior2', { ties: 'half', prior: 2 }]
	] as const;
	for (const [key, opts] of cases)
		it(`${key} ratings within 1e-4 Elo`, () => {
			const fit = fitBradleyTerry(counts, opts);
			fit.systems.forEach((s, i) => expect(Math.abs(fit.ratings[i] - ref.models[s][key]), s).toBeLessThan(1e-4));
		});

	it('estimates the Davidson tie parameter', () => {
		const fit = fitBradleyTerry(counts, { ties: 'davidson' });
		expect(Math.abs(fit.tieParameter! - ref.davidson_nu)).toBeLessThan(1e-6);
	});

	it('orders online Elo by tstamp when the file has one', async () => {
		const board = await rankSystems(counts, { bootstrap: 0 });
		for (const e of board.leaderboard) expect(Math.abs(e.elo! - ref.models[e.system].elo_tstamp)).toBeLessThan(1e-4);
	});

	it('runs the bootstrap in every tie mode', async () => {
		for (const ties of ['davidson', 'exclude'] as const) {
			const board = await rankSystems(counts, { ties, bootstrap: 300, workers: 2 });
			expect(board.ties).toBe(ties);
			for (const e of board.leaderboard) {
				expect(e.ci_low!).toBeLessThan(e.rating);
				expect(e.ci_high!).toBeGreaterThan(e.rating);
			}
		}
	});
});
