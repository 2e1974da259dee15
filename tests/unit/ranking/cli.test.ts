// `pickwise rank` run in-process with captured output.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/lib/cli/command.ts';
import rank from '../../../src/lib/cli/rank.ts';
import { captureIO, FIXTURES } from './helpers.ts';

const SYNTH = FIXTURES + 'synthetic_20000_12.csv';
const dir = mkdtempSync(join(tmpdir(), 'pickwise-rank-'));
const file = (name: string, text: string) => {
	const path = join(dir, name);
	writeFileSync(path, text);
	return path;
};

async function run(args: string[], stdin = '') {
	const c = captureIO(stdin);
	const code = await rank(args, c.io);
	return { code, out: c.out(), err: c.err() };
}

describe('pickwise rank', () => {
	it('prints the leaderboard JSON by default', async () => {
		const r = await run([SYNTH, '--bootstrap', '200']);
		expect(r.code).toBe(0);
		expect(r.err).toBe('');
		const board = JSON.parse(r.out);
		expect(Object.keys(board)).toEqual(['leaderboard', 'votes', 'ties', 'bootstrap', 'separability']);
		expect(board.votes).toBe(20000);
		expect(board.bootstrap).toEqual({ rounds: 200, seed: 0 });
		expect(board.leaderboard[0]).toMatchObject({ system: 'm010', rank: 1, battles: 3400, wins: 2121, losses: 590, ties: 689 });
		expect(Object.keys(board.leaderboard[0])).toEqual([
			'system',
			'rating',
			'ci_low',
			'ci_high',
			'rank',
			'battles',
			'wins',
			'losses',
			'ties',
			'elo',
			'rank_worst'
		]);
	});

	it('prints CSV and a table', async () => {
		const csv = await run([SYNTH, '--format', 'csv', '--bootstrap', '100', '--workers', '0']);
		const lines = csv.out.trim().split('\n');
		expect(lines[0]).toBe('system,rating,ci_low,ci_high,rank,battles,wins,losses,ties,elo,rank_worst');
		expect(lines).toHaveLength(13);
		expect(lines[1]).toMatch(/^m010,1170\.518\d+,[\d.]+,[\d.]+,1,3400,2121,590,689,1178\.20\d+,1$/);
		const table = await run([SYNTH, '--format', 'table', '--bootstrap', '100', '--ties', 'davidson', '--seed', '3']);
		expect(table.out).toMatch(/^\s*rank\s+system\s+rating\s+95% interval/);
		// rank spreads where intervals overlap
		expect(table.out).toMatch(/\n\s+2–3\s+m001\s/);
		expect(table.out).toMatch(/\n\s+1\s+m010\s+\d+\.\d/);
		expect(table.out).toMatch(/20000 votes, ties: davidson, separability \d+%, bootstrap 100 rounds \(seed 3\)\n$/);
	});

	it('reads JSON, JSON lines and stdin the same as CSV', async () => {
		const text = 'model_a,model_b,winner\na,b,model_a\nb,c,model_a\nc,a,model_a\na,b,tie\nb,a,model_a\n';
		const objs = text
			.trim()
			.split('\n')
			.slice(1)
			.map((l) => {
				const [model_a, model_b, winner] = l.split(',');
				return { model_a, model_b, winner };
			});
		const args = ['--bootstrap', '50', '--workers', '0'];
		const fromCsv = await run([file('t.csv', text), ...args]);
		const fromJson = await run([file('t.json', JSON.stringify(objs)), ...args]);
		const fromJsonl = await run([file('t.jsonl', objs.map((o) => JSON.stringify(o)).join('\n')), ...args]);
		const fromStdin = await run(['-', ...args], text);
		expect(fromCsv.code).toBe(0);
		for (const r of [fromJson, fromJsonl, fromStdin]) expect(r.out).toBe(fromCsv.out);
	});

	it('stops at malformed rows, naming their lines, and prints nothing on stdout', async () => {
		const path = file('bad.csv', 'model_a,model_b,winner\na,b,model_a\na,b,draw\nb,a,model_a\nb,,tie\nb,a\n');
		const r = await run([path, '--bootstrap', '10']);
		expect(r.code).toBe(1);
		expect(r.out).toBe('');
		expect(r.err).toContain('3 malformed rows');
		expect(r.err).toContain(`${path}:3: unknown winner 'draw'`);
		expect(r.err).toContain(`${path}:5: empty model_b`);
		expect(r.err).toContain(`${path}:6: expected 3 fields, found 2`);
	});

	it('ranks the valid rows with --skip-invalid and lists what it skipped', async () => {
		const path = file('bad2.csv', 'model_a,model_b,winner\na,b,model_a\na,b,draw\nb,a,model_a\nb,c,tie\n');
		const r = await run([path, '--skip-invalid', '--bootstrap', '10', '--workers', '0']);
		expect(r.code).toBe(0);
		expect(r.err).toContain('skipped 1 malformed row');
		expect(r.err).toContain(`${path}:3: unknown winner 'draw'`);
		expect(JSON.parse(r.out).votes).toBe(3);
	});

	it('fails clearly on the degenerate file, and ranks it with --prior', async () => {
		const r = await run([FIXTURES + 'degenerate_disconnected.csv']);
		expect(r.code).toBe(1);
		expect(r.out).toBe('');
		expect(r.err).toMatch(/^pickwise rank: no finite ratings/);
		expect(r.err).toMatch(/alpha never loses/);
		expect(r.err).toMatch(/gamma never wins/);
		const p = await run([FIXTURES + 'degenerate_disconnected.csv', '--prior', '0.5', '--bootstrap', '100']);
		expect(p.code).toBe(0);
		expect(JSON.parse(p.out).prior).toBe(0.5);
		expect(p.out).not.toMatch(/NaN|Infinity|null/);
	});

	it('warns when some rows have no tstamp, and orders Elo by file then', async () => {
		const path = file('ts.csv', 'model_a,model_b,winner,tstamp\na,b,model_a,2\nb,a,model_a,\na,b,tie,1\n');
		// no bootstrap: redraws of three votes are often degenerate, which would add its own warning
		const r = await run([path, '--bootstrap', '0']);
		expect(r.code).toBe(0);
		expect(r.err).toBe('pickwise rank: warning: 1 of 3 rows have no usable tstamp, so online Elo follows file order\n');
	});

	it('reports unreadable files and broken structure', async () => {
		const missing = await run([join(dir, 'nope.csv')]);
		expect(missing.code).toBe(1);
		expect(missing.err).toMatch(/cannot read .*nope\.csv/);
		const header = await run([file('h.csv', 'a,b\n1,2\n')]);
		expect(header.err).toMatch(/h\.csv:1: header lacks columns model_a, model_b, winner/);
	});

	it('rejects bad arguments as usage errors', async () => {
		for (const args of [
			[],
			[SYNTH, SYNTH],
			[SYNTH, '--ties', 'maybe'],
			[SYNTH, '--format', 'xml'],
			[SYNTH, '--bootstrap', '-1'],
			[SYNTH, '--seed', 'x'],
			[SYNTH, '--prior', '-2'],
			[SYNTH, '--what']
		])
			await expect(run(args), args.join(' ')).rejects.toBeInstanceOf(UsageError);
		const help = await run(['--help']);
		expect(help.code).toBe(0);
		expect(help.out).toMatch(/^usage: pickwise rank FILE/);
	});

	it('matches the reference on the fixture through the CLI', async () => {
		const ref = JSON.parse(readFileSync(FIXTURES + 'synthetic_20000_12.reference.json', 'utf8'));
		const board = JSON.parse((await run([SYNTH])).out);
		for (const e of board.leaderboard) {
			expect(Math.abs(e.rating - ref[e.system].rating)).toBeLessThan(1e-4);
			expect(e.rank).toBe(ref[e.system].rank_ub);
		}
	});
});
