// bench/voting-page: the evaluator page in real Chromium on a seeded demo — JavaScript shipped
// (gzip bytes over the wire and raw), and time from "Submit" to the next pair on screen.
// Run: npm run build && node bin/run-ts.js bench/voting-page.ts [--votes 30]
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumExecutable } from '../tests/helpers/chromium.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { openMigratedDatabase } from '../src/lib/server/db/index.ts';
import { seedDemo } from '../src/lib/cli/demo-seed.ts';
import { startServer } from '../tests/helpers/server.ts';

const { values } = parseArgs({ options: { votes: { type: 'string', default: '30' } } });
const rounds = Number(values.votes);
const root = mkdtempSync(join(tmpdir(), 'pickwise-bench-page-'));
const db = await openMigratedDatabase(`sqlite:${join(root, 'pickwise.db')}`);
await seedDemo(db.kysely, { demoDir: 'demo', dataDir: root, votes: 50 });
await db.close();
const server = await startServer(root);
const browser = await chromium.launch({ executablePath: (await chromiumExecutable()).path, args: CHROMIUM_ARGS });
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
const js: { url: string; gzip: number; raw: number }[] = [];
page.on('response', async (response) => {
	if (!response.url().endsWith('.js')) return;
	const body = await response.body().catch(() => Buffer.alloc(0));
	// gzip size as a server sends it (adapter-node serves precompressed files), whatever the cache did
	js.push({ url: response.url(), gzip: gzipSync(body, { level: 9 }).length, raw: body.length });
});
await page.goto(`${server.url}/login`);
await page.getByLabel('Email').fill('evaluator@pickwise.test');
await page.getByLabel('Password').fill('pickwise-evaluator');
await page.getByRole('button', { name: 'Sign in' }).click();
await page.waitForURL(`${server.url}/`);
// a fresh page with an empty cache: everything the voting page needs
const fresh = await browser.newContext({ storageState: await page.context().storageState() });
const vote = await fresh.newPage();
vote.on('response', async (response) => {
	if (!response.url().endsWith('.js')) return;
	const body = await response.body().catch(() => Buffer.alloc(0));
	js.push({ url: response.url(), gzip: gzipSync(body, { level: 9 }).length, raw: body.length });
});
js.length = 0;
await vote.goto(`${server.url}/c/agiqa-demo/vote`);
await vote.waitForLoadState('networkidle');
await fresh.close();
const gzip = js.reduce((n, f) => n + f.gzip, 0);
const raw = js.reduce((n, f) => n + f.raw, 0);
console.log(
	`voting page JavaScript: ${js.length} files, ${(gzip / 1024).toFixed(1)} kB gzip, ${(raw / 1024).toFixed(1)} kB raw (budget: 60 kB gzip)`
);
await page.goto(`${server.url}/c/agiqa-demo/vote`);

const swaps: number[] = [];
for (let i = 0; i < rounds; i++) {
	await page.waitForTimeout(400); // time to prefetch, as a person would take
	await page.getByLabel('Left is better').check();
	await page.getByLabel('Rationale').fill('The left image is sharper and follows the prompt.');
	const ms = await page.evaluate(
		() =>
			new Promise<number>((done) => {
				const before = document.querySelector('img[alt="Left image"]')!.getAttribute('src');
				const t0 = performance.now();
				const observer = new MutationObserver(() => {
					const img = document.querySelector<HTMLImageElement>('img[alt="Left image"]');
					if (img && img.getAttribute('src') !== before && img.complete) {
						observer.disconnect();
						requestAnimationFrame(() => done(performance.now() - t0));
					}
				});
				observer.observe(document.body, { subtree: true, attributes: true, childList: true });
				document.querySelector<HTMLButtonElement>('button.primary[type=submit]')!.click();
			})
	);
	swaps.push(ms);
}
swaps.sort((a, b) => a - b);
const q = (p: number) => swaps[Math.min(swaps.length - 1, Math.floor(p * swaps.length))].toFixed(1);
console.log(
	`submit → next pair painted, ${rounds} votes: median ${q(0.5)} ms, p90 ${q(0.9)} ms, max ${swaps[swaps.length - 1].toFixed(1)} ms`
);
await browser.close();
await server.stop();
rmSync(root, { recursive: true, force: true });
