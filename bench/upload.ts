// bench/upload: a ~1 GB ZIP of random-noise JPEGs (they do not compress) uploaded to the real server
// (bin/server.js: the upload lane streams the body to disk), extracted and dry-run, then confirmed.
// Prints the times and the server's resident memory: sampled VmRSS and the kernel's VmHWM (peak)
// from /proc/<pid>/status, against the RSS of the idle server before the upload.
// Run: npm run build && node bin/run-ts.js bench/upload.ts [-- --images 4000 --side 540 --no-confirm]
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import http from 'node:http';
import sharp from 'sharp';
import { openMigratedDatabase } from '../src/lib/server/db/index.ts';
import { createCampaign, addMember } from '../src/lib/server/campaigns/campaigns.ts';
import { createUser } from '../src/lib/server/auth/users.ts';
import { createSession } from '../src/lib/server/auth/session.ts';
import { startServer } from '../tests/helpers/server.ts';
import { ZipWriter } from '../tests/helpers/zip.ts';

const { values } = parseArgs({
	options: {
		images: { type: 'string', default: '4000' },
		side: { type: 'string', default: '540' },
		systems: { type: 'string', default: '4' },
		'no-confirm': { type: 'boolean', default: false }
	}
});
const images = Number(values.images);
const side = Number(values.side);
const systems = Number(values.systems);

const root = mkdtempSync(join(tmpdir(), 'pickwise-bench-upload-'));
const zipPath = join(root, 'set.zip');
const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;

try {
	// 1. the archive: noise JPEGs, stored (as archivers store JPEGs), plus the manifest
	let t = performance.now();
	const zip = new ZipWriter(zipPath);
	const lines = ['image_path,prompt,system'];
	for (let i = 0; i < images; i++) {
		const noise = randomBytes(side * side * 3);
		const jpeg = await sharp(noise, { raw: { width: side, height: side, channels: 3 } })
			.jpeg({ quality: 92 })
			.toBuffer();
		const name = `img/${i}.jpg`;
		zip.add({ name, data: jpeg });
		lines.push(`${name},prompt number ${Math.floor(i / systems)},system-${i % systems}`);
	}
	zip.add({ name: 'manifest.csv', data: lines.join('\n') + '\n', deflate: true });
	zip.close();
	const zipBytes = statSync(zipPath).size;
	console.log(`archive: ${images} images, ${mib(zipBytes)}, made in ${((performance.now() - t) / 1000).toFixed(1)} s`);

	// 2. a campaign and its lead, then the server
	const db = await openMigratedDatabase(`sqlite:${join(root, 'pickwise.db')}`);
	await createCampaign(db.kysely, { slug: 'bench', name: 'Bench' });
	const lead = await createUser(db.kysely, { email: 'lead@bench.test', password: 'bench-password' });
	await addMember(db.kysely, { slug: 'bench', email: 'lead@bench.test', role: 'lead' });
	const cookie = `pickwise_session=${(await createSession(db.kysely, lead.id)).token}`;
	await db.close();
	const server = await startServer(root);
	const pid = server.process.pid!;
	const status = (field: string) =>
		Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
	// warm up: the images page (its code and the database) before the baseline
	for (let i = 0; i < 3; i++) await fetch(`${server.url}/c/bench/images`, { headers: { cookie } }).then((r) => r.text());
	const baseline = status('VmRSS');
	const hwmBefore = status('VmHWM');
	let peak = baseline;
	const sampler = setInterval(() => (peak = Math.max(peak, status('VmRSS'))), 50);

	// 3. upload + dry run, streamed from disk as a browser sends a file
	t = performance.now();
	const boundary = `----pickwise${randomBytes(8).toString('hex')}`;
	const head = Buffer.from(
		`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="set.zip"\r\nContent-Type: application/zip\r\n\r\n`
	);
	const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
	const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
		const req = http.request(
			`${server.url}/c/bench/images/upload`,
			{
				method: 'POST',
				headers: {
					cookie,
					origin: server.url,
					accept: 'application/json',
					'content-type': `multipart/form-data; boundary=${boundary}`,
					'content-length': head.length + zipBytes + tail.length
				}
			},
			(res) => {
				let body = '';
				res.setEncoding('utf8');
				res.on('data', (d) => (body += d));
				res.on('end', () => resolve({ status: res.statusCode!, body }));
			}
		);
		req.on('error', reject);
		req.write(head);
		const file = createReadStream(zipPath);
		file.on('end', () => req.end(tail));
		file.pipe(req, { end: false });
	});
	const dryRunSeconds = (performance.now() - t) / 1000;
	if (answer.status !== 201) throw new Error(`upload answered ${answer.status}: ${answer.body.slice(0, 500)}`);
	const upload = JSON.parse(answer.body).upload;
	console.log(
		`upload + dry run: ${dryRunSeconds.toFixed(1)} s (${mib(zipBytes / dryRunSeconds)}/s); rows ok ${upload.ok}, refused ${upload.refused}; would add ${upload.adds.images} images, ${upload.adds.pairs} pairs`
	);
	const dryPeak = Math.max(peak, status('VmHWM') > hwmBefore ? status('VmHWM') : 0);

	if (!values['no-confirm']) {
		t = performance.now();
		const confirmed = await fetch(`${server.url}/c/bench/images?/confirm`, {
			method: 'POST',
			headers: {
				cookie,
				origin: server.url,
				accept: 'application/json',
				'x-sveltekit-action': 'true',
				'content-type': 'application/x-www-form-urlencoded'
			},
			body: new URLSearchParams({ upload: upload.id }).toString()
		}).then((r) => r.json());
		if (confirmed.type !== 'redirect') throw new Error(`confirm answered ${JSON.stringify(confirmed).slice(0, 300)}`);
		console.log(`confirm: ${((performance.now() - t) / 1000).toFixed(1)} s`);
	}
	clearInterval(sampler);
	peak = Math.max(peak, status('VmRSS'));
	const hwm = status('VmHWM');
	console.log(
		`server RSS: idle ${mib(baseline)}; peak sampled ${mib(peak)} (+${mib(peak - baseline)}); VmHWM ${mib(hwm)} (+${mib(hwm - baseline)} over idle RSS; VmHWM before the upload ${mib(hwmBefore)})`
	);
	console.log(`peak during upload + dry run: +${mib(dryPeak - baseline)}`);
	await server.stop();
} finally {
	rmSync(root, { recursive: true, force: true });
}
