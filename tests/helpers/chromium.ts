// Which Chromium the end-to-end tests drive. A system one when present (CHROMIUM_PATH, then
// /usr/bin/chromium), else the one the @sparticuz/chromium npm package ships inside its tarball and
// unpacks on first use: so `npm ci && npm test` needs nothing but Node. PICKWISE_NO_SYSTEM_BINARIES=1
// skips the system one (how a fresh machine behaves).
import chromium from '@sparticuz/chromium';
import { existsSync } from 'node:fs';

/** The flags that keep Chromium quiet on a machine without network, GPU or a sandbox user. */
export const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-dev-shm-usage',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run',
	'--disable-quic'
];

export async function chromiumExecutable(env: NodeJS.ProcessEnv = process.env): Promise<{ path: string; source: string }> {
	if (env.PICKWISE_NO_SYSTEM_BINARIES !== '1') {
		for (const [path, source] of [
			[env.CHROMIUM_PATH, 'CHROMIUM_PATH'],
			['/usr/bin/chromium', 'system']
		] as const) {
			if (path && existsSync(path)) return { path, source };
		}
	}
	return { path: await chromium.executablePath(), source: '@sparticuz/chromium' };
}
