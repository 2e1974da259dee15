// bench/images: serving images from an S3-compatible store (s3rver on this machine, the one the tests
// use) against a local folder, through the real server (bin/server.js) by the audit URL /i/<id>. The
// demo's 128 images (512², JPEG q95) are imported into each store; each image is then requested once
// cold (the S3 store fetches the object; the local store reads the file, likely in the page cache) and
// once warm (the S3 store's in-memory cache of recently read objects). Prints the median and p90 per
// image, sequential requests. s3rver is a test server (files on disk behind a Koa app), not a real S3:
// the figure tells the cost of the extra round trip and SDK, not a network's latency.
// Run: npm run build && node bin/run-ts.js bench/images.ts [-- --rounds 3]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openMigratedDatabase } from '../src/lib/server/db/index.ts';
import { addMember, createCampaign } from '../src/lib/server/campaigns/campaigns.ts';
import { createUser } from '../src/lib/server/auth/users.ts';
import { createSession } from '../src/lib/server/auth/session.ts';
import { importImages } from '../src/lib/server/images/import.ts';
import { imageStoreFor } from '../src/lib/server/images/storage.ts';
import { startServer } from '../tests/helpers/server.ts';
import { startS3 } from '../tests/helpers/s3.ts';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' } } });
const rounds = Number(values.rounds);

const root = mkdtempSync(join(tmpdir(), 'pickwise-bench-images-'));
const s3 = await startS3();
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

async function setUp(name: string, env: Record<string, string>) {
	const dataDir = join(root, name);
	const db = await openMigratedDatabase(`sqlite:${join(dataDir, 'pickwise.db')}`);
	await createCampaign(db.kysely, { slug: 'bench', name: 'Bench' });
	const lead = await createUser(db.kysely, { email: 'lead@bench.test', password: 'bench-password' });
	await addMember(db.kysely, { slug: 'bench', email: 'lead@bench.test', role: 'lead' });
	const cookie = `pickwise_session=${(await createSession(db.kysely, lead.id)).token}`;
	const t = performance.now();
	const summary = await importImages(db.kysely, {
		campaign: 'bench',
		manifestPath: resolve('demo/agiqa/manifest.csv'),
		dataDir,
		store: await imageStoreFor(dataDir, { ...process.env, ...env })
	});
	const importMs = performance.now() - t;
	const ids = (await db.kysely.selectFrom('image').select('id').execute()).map((r) => r.id);
	await db.close();
	return { dataDir, cookie, ids, summary, importMs };
}

try {
	const stores = { local: {}, s3: s3.env } as const;
	const results: Record<string, { cold: number[]; warm: number[]; importMs: number }> = {};
	for (const [name, env] of Object.entries(stores)) {
		const { dataDir, cookie, ids, summary, importMs } = await setUp(name, env);
		console.log(`${name}: imported ${summary.added} images in ${(importMs / 1000).toFixed(1)} s`);
		results[name] = { cold: [], warm: [], importMs };
		for (let round = 0; round < rounds; round++) {
			// a fresh server each round: nothing in its memory
			const server = await startServer(dataDir, env);
			try {
				for (const pass of ['cold', 'warm'] as const) {
					for (const id of ids) {
						const t = performance.now();
						const response = await fetch(`${server.url}/i/${id}`, { headers: { cookie } });
						const bytes = await response.arrayBuffer();
						const ms = performance.now() - t;
						if (response.status !== 200 || bytes.byteLength === 0) throw new Error(`${name}: /i/${id} answered ${response.status}`);
						results[name][pass].push(ms);
					}
				}
			} finally {
				await server.stop();
			}
		}
	}
	console.log(`\nper image, ${rounds} rounds × 128 images, sequential requests (ms):`);
	console.log('store   pass   median    p90');
	for (const [name, r] of Object.entries(results)) {
		for (const pass of ['cold', 'warm'] as const) {
			const xs = r[pass];
			console.log(
				`${name.padEnd(7)} ${pass.padEnd(5)} ${quantile(xs, 0.5).toFixed(2).padStart(7)} ${quantile(xs, 0.9).toFixed(2).padStart(6)}`
			);
		}
	}
} finally {
	await s3.dispose();
	rmSync(root, { recursive: true, force: true });
}
