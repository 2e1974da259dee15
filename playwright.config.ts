import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumExecutable } from './tests/helpers/chromium.ts';

// Playwright cannot download its browsers here: a system Chromium when present, else the one
// @sparticuz/chromium ships in its npm package (tests/helpers/chromium.ts).
const chromium = await chromiumExecutable();
if (!process.env.PICKWISE_QUIET) console.log(`e2e: Chromium from ${chromium.source} (${chromium.path})`);
process.env.PICKWISE_QUIET = '1';

// E2E_PORT overrides the port. The default is drawn from this run's pid so that two runs on one
// machine (reuseExistingServer is false) rarely collide on a fixed port. This file is evaluated in
// the runner and again in each worker, with other pids: the runner fixes the port in the
// environment first, and the workers, forked with the runner's environment, read it back.
process.env.E2E_PORT ??= String(40_000 + (process.pid % 20_000));
const PORT = Number(process.env.E2E_PORT);

export default defineConfig({
	testDir: 'tests/e2e',
	fullyParallel: false,
	workers: 1,
	retries: 0,
	timeout: 60_000,
	expect: { timeout: 15_000 },
	reporter: [['list']],
	use: {
		baseURL: `http://127.0.0.1:${PORT}`,
		trace: 'retain-on-failure',
		screenshot: 'only-on-failure',
		launchOptions: { executablePath: chromium.path, args: CHROMIUM_ARGS }
	},
	webServer: {
		// A fresh seeded demo on its own data folder, served by the built app (npm test builds first).
		command: `node bin/pickwise.js demo --no-build --port ${PORT} --votes 300`,
		env: { DATA_DIR: 'test-results/e2e-data', HOST: '127.0.0.1' },
		url: `http://127.0.0.1:${PORT}/login`,
		reuseExistingServer: false,
		timeout: 120_000,
		stdout: 'ignore',
		stderr: 'pipe'
	}
});
