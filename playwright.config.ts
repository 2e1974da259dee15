import { defineConfig } from '@playwright/test';
import { existsSync } from 'node:fs';

// Playwright cannot download its browsers on this machine kind: use Debian's chromium when present
// (CHROMIUM_PATH, default /usr/bin/chromium), else Playwright's own browser if one is installed.
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const useSystemChromium = existsSync(chromiumPath);
if (!useSystemChromium && !process.env.PLAYWRIGHT_BROWSERS_PATH) {
	console.warn(
		`No Chromium at ${chromiumPath}. Install one (apt-get install -y chromium) or set CHROMIUM_PATH; ` +
			'on machines with network access `npx playwright install chromium` also works.'
	);
}

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
		launchOptions: useSystemChromium
			? {
					executablePath: chromiumPath,
					args: [
						'--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
						'--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'
					]
				}
			: {}
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
