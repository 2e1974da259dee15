// pickwise demo [--keep] [--no-build] [--port N] [--votes N]: builds, seeds a fresh demo data folder
// and serves the app on http://127.0.0.1:3000.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from './command.ts';
import { parseOptions, UsageError } from './command.ts';
import { openMigratedDatabase } from '../server/db/index.ts';
import { DEMO_ACCOUNTS, DEMO_CAMPAIGN, seedDemo } from './demo-seed.ts';

const demo: Command = async (args, io) => {
	const { values } = parseOptions(args, {
		keep: { type: 'boolean', default: false },
		'no-build': { type: 'boolean', default: false },
		'no-serve': { type: 'boolean', default: false },
		port: { type: 'string', default: process.env.PORT ?? '3000' },
		votes: { type: 'string', default: '300' }
	});
	const port = Number(values.port);
	const votes = Number(values.votes);
	if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError('--port must be a port number');
	if (!Number.isInteger(votes) || votes < 0) throw new UsageError('--votes must be a whole number');
	const root = process.cwd();
	const dataDir = resolve(process.env.DATA_DIR ?? 'demo-data');
	const host = process.env.HOST ?? '127.0.0.1';
	const origin = process.env.ORIGIN ?? `http://${host}:${port}`;

	if (!values['no-build']) {
		io.stdout.write('building the app (vite build)…\n');
		const build = spawnSync(process.execPath, [resolve(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
			stdio: 'inherit'
		});
		if (build.status !== 0) return build.status ?? 1;
	}
	if (!values.keep && existsSync(dataDir)) rmSync(dataDir, { recursive: true, force: true });
	const db = await openMigratedDatabase(`sqlite:${resolve(dataDir, 'pickwise.db')}`);
	try {
		const seeded = (await db.kysely.selectFrom('user').select('id').limit(1).execute()).length > 0;
		if (!seeded) {
			io.stdout.write('seeding the demo (accounts, campaign, 128 AGIQA-3K images, simulated votes)…\n');
			const result = await seedDemo(db.kysely, { demoDir: resolve(root, 'demo'), dataDir, votes });
			io.stdout.write(`seeded ${result.images} images and ${result.votes} simulated votes in ${dataDir}\n`);
		} else {
			io.stdout.write(`reusing the demo data in ${dataDir} (--keep)\n`);
		}
	} finally {
		await db.close();
	}

	io.stdout.write(`\nDemo accounts (campaign '${DEMO_CAMPAIGN}'):\n`);
	for (const a of DEMO_ACCOUNTS) io.stdout.write(`  ${a.role.padEnd(11)} ${a.email.padEnd(26)} password: ${a.password}\n`);
	if (values['no-serve']) return 0;
	io.stdout.write(`\npickwise is serving on ${origin}  (Ctrl+C to stop)\n`);
	const server = spawn(process.execPath, [resolve(root, 'bin/server.js')], {
		stdio: 'inherit',
		env: { ...process.env, DATA_DIR: dataDir, HOST: host, PORT: String(port), ORIGIN: origin }
	});
	for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => server.kill(signal));
	return new Promise((done) => server.on('exit', (code) => done(code ?? 0)));
};

export default demo;
