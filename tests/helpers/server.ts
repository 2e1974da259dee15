// Starts the built app (bin/server.js, as `npm start` does) on a free loopback port with its own
// DATA_DIR, for integration tests over real HTTP.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

export interface RunningServer {
	url: string;
	process: ChildProcess;
	/** what the server printed so far (stdout and stderr) */
	output(): string;
	stop(signal?: NodeJS.Signals): Promise<void>;
}

export async function freePort(): Promise<number> {
	return new Promise((done, fail) => {
		const probe = createServer();
		probe.on('error', fail);
		probe.listen(0, '127.0.0.1', () => {
			const port = (probe.address() as { port: number }).port;
			probe.close(() => done(port));
		});
	});
}

export async function startServer(dataDir: string, env: Record<string, string> = {}): Promise<RunningServer> {
	const entry = resolve('bin/server.js');
	if (!existsSync(resolve('build/handler.js'))) throw new Error('build/handler.js is missing: run `npm run build` first (npm test does)');
	const port = await freePort();
	const url = `http://127.0.0.1:${port}`;
	const child = spawn(process.execPath, [...(process.env.PICKWISE_NODE_ARGS?.split(' ').filter(Boolean) ?? []), entry], {
		// KEEP_ALIVE_TIMEOUT: a test that runs the CLI with spawnSync blocks its own event loop for
		// seconds; a keep-alive socket the server closed meanwhile would be reused ("other side closed")
		env: {
			...process.env,
			DATA_DIR: dataDir,
			DATABASE_URL: '',
			HOST: '127.0.0.1',
			PORT: String(port),
			ORIGIN: url,
			KEEP_ALIVE_TIMEOUT: '600',
			...env
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	child.stdout!.on('data', (d) => (output += d));
	child.stderr!.on('data', (d) => (output += d));
	const deadline = Date.now() + 30_000;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output}`);
		try {
			await fetch(`${url}/login`);
			break;
		} catch {
			if (Date.now() > deadline) throw new Error(`server did not start in 30 s:\n${output}`);
			await new Promise((r) => setTimeout(r, 100));
		}
	}
	return {
		url,
		process: child,
		output: () => output,
		stop: (signal = 'SIGTERM') =>
			new Promise((done) => {
				if (child.exitCode !== null || child.signalCode !== null) return done();
				child.once('exit', () => done());
				child.kill(signal);
			})
	};
}

/** A cookie-keeping client that signs in through the real login form. */
export class Browserless {
	cookie = '';
	constructor(readonly base: string) {}

	async login(email: string, password: string): Promise<Response> {
		const response = await this.fetch('/login', {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
			body: new URLSearchParams({ email, password }).toString()
		});
		return response;
	}

	async fetch(path: string, init: RequestInit = {}): Promise<Response> {
		const headers = new Headers(init.headers);
		if (this.cookie) headers.set('cookie', this.cookie);
		if (!headers.has('origin')) headers.set('origin', this.base);
		const response = await fetch(this.base + path, { ...init, headers, redirect: 'manual' });
		const set = response.headers.getSetCookie();
		for (const c of set) {
			const [pair] = c.split(';');
			const [name, value] = pair.split('=');
			if (name === 'pickwise_session') this.cookie = value ? `${name}=${value}` : '';
		}
		return response;
	}
}
