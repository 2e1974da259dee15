// Historical votes in, exports out: `pickwise import votes` on the reference battles gives the
// reference ratings; the battle export read with an API token and fed to `pickwise rank` gives the
// campaign's ratings again; re-import adds nothing; bad rows are named by line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pickwise } from '../helpers/cli.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { parseCsv } from '../../src/lib/csv.ts';

const reference = JSON.parse(readFileSync('tests/fixtures/ranking/synthetic_20000_12.reference.json', 'utf8'));
let root: string;
let server: RunningServer;
let token: string;

beforeAll(async () => {
	root = mkdtempSync(join(tmpdir(), 'pickwise-exports-'));
	expect(pickwise(root, ['campaign', 'create', '--slug', 'hist', '--name', 'Historical']).code).toBe(0);
	pickwise(root, ['user', 'add', '--email', 'rae@hist.test', '--password-stdin'], 'researcher-password\n');
	expect(pickwise(root, ['campaign', 'add-member', '--slug', 'hist', '--email', 'rae@hist.test', '--role', 'researcher']).code).toBe(0);
	const created = pickwise(root, ['token', 'create', '--email', 'rae@hist.test', '--name', 'notebook']);
	expect(created.code).toBe(0);
	token = created.stdout.trim();
	expect(token).toMatch(/^pw_/);
}, 60_000);

afterAll(async () => {
	await server?.stop();
	rmSync(root, { recursive: true, force: true });
});

const get = (path: string, auth = `Bearer ${token}`) => fetch(server.url + path, { headers: { authorization: auth } });

describe('vote import and exports', () => {
	it('refuses a battle file with bad rows, naming each line, and writes nothing', () => {
		const bad = join(root, 'bad.csv');
		writeFileSync(bad, 'model_a,model_b,winner,tstamp\nx,y,model_a,100\nx,x,model_b,101\nx,y,maybe,102\n,y,tie,103\nx,y,tie,soon\n');
		const r = pickwise(root, ['import', 'votes', '--campaign', 'hist', '--file', bad]);
		expect(r.code).toBe(1);
		expect(r.stderr).toContain('line 3: model_a and model_b are both x');
		expect(r.stderr).toContain("line 4: winner 'maybe' is not one of model_a, model_b, tie, tie (bothbad)");
		expect(r.stderr).toContain('line 5: model_a is empty');
		expect(r.stderr).toContain("line 6: tstamp 'soon' is not a time in Unix seconds");
		expect(r.stderr).toContain('4 of 5 rows are invalid; nothing was imported');
	});

	it('imports the reference battles and ranks them as the independent reference does', async () => {
		const file = resolve('tests/fixtures/ranking/synthetic_20000_12.csv');
		const r = pickwise(root, ['import', 'votes', '--campaign', 'hist', '--file', file]);
		expect(r.stderr).toBe('');
		expect(r.stdout).toContain('added 20000 votes, skipped 0 (already imported), rejected 0 of 20000 rows; new systems 12');
		const again = pickwise(root, ['import', 'votes', '--campaign', 'hist', '--file', file]);
		expect(again.stdout).toContain('added 0 votes, skipped 20000');
		// The test's event loop is blocked while the CLI runs (spawnSync): an idle keep-alive socket can
		// outlive the server's 5 s timeout unnoticed and be reused just as the server closes it.
		server = await startServer(root, { KEEP_ALIVE_TIMEOUT: '600' });
		const board = await (await get('/api/v1/campaigns/hist/leaderboard?bootstrap=1000&seed=0')).json();
		expect(board.votes).toBe(20000);
		for (const row of board.leaderboard) {
			expect(Math.abs(row.rating - reference[row.system].rating)).toBeLessThan(1e-4);
			expect(Math.abs(row.ci_low - reference[row.system].ci_low)).toBeLessThan(3);
			expect(Math.abs(row.elo - reference[row.system].elo_online)).toBeLessThan(1e-4);
			expect(row.rank).toBe(reference[row.system].rank_ub);
			expect(row.rank_worst).toBeGreaterThanOrEqual(row.rank);
		}
		expect(board.robustness).toHaveLength(11);
		// the controlled board over HTTP; a bad covariate name is a 400 naming the field
		const bad = await get('/api/v1/campaigns/hist/leaderboard?control=marks');
		expect(bad.status).toBe(400);
		expect((await bad.json()).error).toMatchObject({ field: 'control' });
		const controlled = await (await get('/api/v1/campaigns/hist/leaderboard?bootstrap=50&control=left')).json();
		expect(controlled.controlled.coefficients.map((c: { name: string }) => c.name)).toEqual(['left']);
		expect(controlled.controlled.leaderboard).toHaveLength(12);
	}, 120_000);

	it('exports battles that `pickwise rank` ranks to the same ratings, read with a token', async () => {
		const response = await get('/api/v1/campaigns/hist/votes?format=battles');
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toContain('text/csv');
		const text = await response.text();
		const rows = parseCsv(text);
		expect(rows[0].fields.slice(0, 5)).toEqual(['model_a', 'model_b', 'winner', 'tstamp', 'judge']);
		expect(rows).toHaveLength(20001);
		const file = join(root, 'export.csv');
		writeFileSync(file, text);
		const ranked = pickwise(root, ['rank', file, '--bootstrap', '0']);
		expect(ranked.code).toBe(0);
		const cli = JSON.parse(ranked.stdout);
		const api = await (await get('/api/v1/campaigns/hist/leaderboard?bootstrap=0')).json();
		expect(cli.votes).toBe(api.votes);
		for (const row of api.leaderboard) {
			expect(cli.leaderboard.find((r: { system: string }) => r.system === row.system).rating).toBeCloseTo(row.rating, 6);
		}
	}, 60_000);

	it('streams CSV and JSONL with pseudonymous evaluators, and the leaderboard as CSV', async () => {
		const jsonl = (await (await get('/api/v1/campaigns/hist/votes?format=jsonl&from=1970-01-01')).text()).trim().split('\n');
		expect(jsonl).toHaveLength(20000);
		const first = JSON.parse(jsonl[0]);
		expect(first.evaluator).toMatch(/^ev_[0-9a-f]{12}$/);
		expect(first).toMatchObject({
			left_system: expect.any(String),
			choice: expect.stringMatching(/left|right|tie|both_bad/),
			status: 'counted'
		});
		// a lead marks a vote's pair as gold from the CLI; the same pair twice is refused
		const gold = pickwise(root, ['gold', 'add', '--campaign', 'hist', '--vote', first.vote_id, '--explanation', 'clear case']);
		expect(gold.stdout).toContain(`expected ${first.choice}`);
		expect(pickwise(root, ['gold', 'add', '--campaign', 'hist', '--vote', first.vote_id]).stderr).toContain('already a gold pair');
		const csv = parseCsv(await (await get('/api/v1/campaigns/hist/votes?format=csv')).text());
		expect(csv[0].fields).toContain('rationale');
		expect(csv).toHaveLength(20001);
		const board = parseCsv(await (await get('/api/v1/campaigns/hist/leaderboard?format=csv&bootstrap=0')).text());
		expect(board[0].fields.slice(0, 3)).toEqual(['rank', 'system', 'rating']);
		expect(board).toHaveLength(13);
	});

	it('refuses tokens for writing, revoked tokens and bad tokens', async () => {
		const vote = await fetch(server.url + '/api/v1/campaigns/hist/votes', {
			method: 'POST',
			headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
			body: '{}'
		});
		expect(vote.status).toBe(403);
		expect((await get('/api/v1/campaigns/hist/leaderboard', 'Bearer pw_nope.nope')).status).toBe(401);
	});
});
