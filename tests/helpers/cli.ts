// Runs the real `pickwise` command (bin/pickwise.js) as a user would, against a given data folder.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

export function pickwise(dataDir: string, args: string[], input?: string, env: Record<string, string> = {}) {
	const result = spawnSync(process.execPath, [resolve('bin/pickwise.js'), ...args], {
		env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', ...env },
		input,
		encoding: 'utf8',
		// a command that hangs fails its test instead of holding it
		timeout: 120_000
	});
	return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
