// A throwaway PostgreSQL server for the dialect test: initdb into a temp folder, start on a free
// loopback port, stop and delete afterwards. Needs Debian's postgresql package (.ci/run installs it).
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './server.ts';

function binDir(): string {
	const base = '/usr/lib/postgresql';
	const version = existsSync(base) ? readdirSync(base).sort().pop() : undefined;
	const dir = version ? join(base, version, 'bin') : '';
	if (!dir || !existsSync(join(dir, 'initdb'))) {
		throw new Error('PostgreSQL is not installed: apt-get install -y postgresql (the dialect test starts its own server)');
	}
	return dir;
}

export async function startPostgres() {
	const bin = binDir();
	const dir = mkdtempSync(join(tmpdir(), 'pickwise-pg-'));
	chmodSync(dir, 0o777);
	const data = join(dir, 'data');
	const port = await freePort();
	// initdb and postgres refuse to run as root
	const asPostgres = (cmd: string, args: string[]) =>
		process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] as const : [cmd, args] as const;
	const [initCmd, initArgs] = asPostgres(join(bin, 'initdb'), ['-D', data, '-U', 'pickwise', '--auth=trust', '-E', 'UTF8', '--no-sync']);
	execFileSync(initCmd, [...initArgs], { stdio: 'pipe' });
	const [cmd, args] = asPostgres(join(bin, 'postgres'), ['-D', data, '-p', String(port), '-h', '127.0.0.1', '-k', dir, '-F']);
	// its own process group, so that stopping reaches postgres behind runuser
	const server = spawn(cmd, [...args], { stdio: 'pipe', detached: true });
	let log = '';
	server.stderr!.on('data', (d) => (log += d));
	const deadline = Date.now() + 30_000;
	while (!log.includes('ready to accept connections')) {
		if (server.exitCode !== null || Date.now() > deadline) throw new Error(`postgres did not start:\n${log}`);
		await new Promise((r) => setTimeout(r, 100));
	}
	return {
		url: `postgres://pickwise@127.0.0.1:${port}/postgres`,
		async stop() {
			if (server.exitCode === null) {
				const exited = new Promise((r) => server.once('exit', r));
				process.kill(-server.pid!, 'SIGINT');
				await exited;
			}
			rmSync(dir, { recursive: true, force: true });
		}
	};
}
