// The bootstrap worker must start under tsx (the CLI), vitest (here) and a Vite production bundle,
// where no separate worker file exists. Each run must give the same numbers as the in-thread path.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { describe, expect, it } from 'vitest';
import { countsFromBattleTable, parseBattles, rankSystems } from '../../../src/lib/ranking/index.ts';
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
			encoding: 'utf8'
		});
		expect(res.stderr).toBe('');
		expect(res.status).toBe(0);
		expect(JSON.parse(res.stdout)).toEqual(await rankSystems(counts, { bootstrap: 200, workers: 0 }));
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
