// The bootstrap worker must start under tsx (the CLI), vitest (here) and a Vite production bundle,
// where no separate worker file exists. Each run must give the same numbers as the in-thread path.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
	addRankSpread,
	aggregateCovariates,
	countsFromBattleTable,
	parseBattles,
	rankControlled,
	rankSystems
} from '../../../src/lib/ranking/index.ts';
import { readControlCsv } from '../../../src/lib/cli/rank-control.ts';
import { FIXTURES } from './helpers.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixture = FIXTURES + 'synthetic_3000_6.csv';
const counts = countsFromBattleTable(parseBattles(readFileSync(fixture), 'csv'));

describe('worker start-up in every environment', () => {
	it('vitest: worker threads give the in-thread result', async () => {
		expect(await rankSystems(counts, { bootstrap: 200, workers: 2 })).toEqual(await rankSystems(counts, { bootstrap: 200, workers: 0 }));
	});

	it('tsx: pickwise rank with two workers', async () => {
		const res = spawnSync(process.execPath, [join(root, 'bin/pickwise.js'), 'rank', fixture, '--bootstrap', '200', '--workers', '2'], {
			encoding: 'utf8',
			env: { ...process.env, PICKWISE_CLI: 'ts' }
		});
		expect(res.stderr).toBe('');
		expect(res.status).toBe(0);
		expect(JSON.parse(res.stdout)).toEqual(addRankSpread(await rankSystems(counts, { bootstrap: 200, workers: 0 })));
	});

	it('the compiled CLI (bin/build-cli.js, as npm run build makes it): pickwise rank and --control with two workers', async () => {
		// inside the project, so that the bundle's package imports resolve to node_modules (build/ is ignored)
		mkdirSync(join(root, 'build'), { recursive: true });
		const out = mkdtempSync(join(root, 'build', 'cli-test-'));
		onTestFinished(() => rmSync(out, { recursive: true, force: true }));
		const built = spawnSync(process.execPath, [join(root, 'bin/build-cli.js'), '--outdir', out], { encoding: 'utf8' });
		expect(built.status, built.stderr).toBe(0);
		// a plain entry file like bin/pickwise.js (not `node -e`: --input-type would reach the workers)
		writeFileSync(join(out, 'run.mjs'), "import { main } from './main.js';\nprocess.exitCode = await main(process.argv.slice(2));\n");
		const run = (args: string[]) => spawnSync(process.execPath, [join(out, 'run.mjs'), ...args], { encoding: 'utf8' });
		const res = run(['rank', fixture, '--bootstrap', '200', '--workers', '2']);
		expect(res.stderr).toBe('');
		expect(res.status).toBe(0);
		expect(JSON.parse(res.stdout)).toEqual(addRankSpread(await rankSystems(counts, { bootstrap: 200, workers: 0 })));
		const covariates = join(root, 'tests/fixtures/ranking/covariates_6000_10.csv');
		const controlled = run(['rank', covariates, '--control', 'left,pixels', '--bootstrap', '50', '--workers', '2']);
		expect(controlled.status, controlled.stderr).toBe(0);
		const inThread = (
			await rankControlled(aggregateCovariates(readControlCsv(readFileSync(covariates, 'utf8'), ['left', 'pixels']).votes), {
				bootstrap: 50,
				workers: 0
			})
		).board;
		expect(JSON.parse(controlled.stdout)).toEqual(JSON.parse(JSON.stringify(inThread)));
	});

	it('a minified Vite SSR bundle of the engine', async () => {
		const out = mkdtempSync(join(tmpdir(), 'pickwise-ranking-bundle-'));
		await build({
			configFile: false,
			logLevel: 'silent',
			build: {
				ssr: join(root, 'src/lib/ranking/index.ts'),
				outDir: out,
				minify: true,
				rollupOptions: { output: { format: 'es', entryFileNames: 'ranking.js' } }
			}
		});
		const script = join(out, 'run.mjs');
		writeFileSync(
			script,
			`import { readFileSync } from 'node:fs';
import { parseBattles, countsFromBattleTable, rankSystems } from './ranking.js';
const counts = countsFromBattleTable(parseBattles(readFileSync(${JSON.stringify(fixture)}), 'csv'));
console.log(JSON.stringify(await rankSystems(counts, { bootstrap: 200, workers: 2 })));`
		);
		const res = spawnSync(process.execPath, [script], { encoding: 'utf8' });
		expect(res.stderr).toBe('');
		expect(JSON.parse(res.stdout)).toEqual(await rankSystems(counts, { bootstrap: 200, workers: 0 }));
	});
});
