// Images in an S3-compatible object store (IMAGE_STORE=s3://…), through the real paths: the CLI
// imports the demo images into a local S3 server (s3rver, started by the test), the real server
// (bin/server.js) serves them to evaluators by opaque assignment URLs with the same type and cache
// headers as from a folder, converts them when the campaign's format changes (the copy goes to the
// store too), and a ZIP uploaded from the browser lands in the bucket. With the store stopped,
// imports and confirms fail at once with a message naming the store and write no row; readiness
// says why; a bad configuration stops the start naming its variable.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openMigratedDatabase, type Db } from '../../src/lib/server/db/index.ts';
import { createUser } from '../../src/lib/server/auth/users.ts';
import { createSession } from '../../src/lib/server/auth/session.ts';
import { addMember, createCampaign, requireCampaign, updateCampaignSettings } from '../../src/lib/server/campaigns/campaigns.ts';
import { pickwise } from '../helpers/cli.ts';
import { startS3, type RunningS3 } from '../helpers/s3.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { api } from '../helpers/campaign.ts';
import { solidPng } from '../helpers/images.ts';
import { zipBuffer } from '../helpers/zip.ts';

const DEMO = 'demo';
const ZIP = 'zipped';
let root: string;
let s3: RunningS3;
let db: Db;
let server: RunningServer;
const cookies = { lead: '', evaluator: '' };

beforeAll(async () => {
	root = mkdtempSync(join(tmpdir(), 'pickwise-s3-app-'));
	s3 = await startS3();
	db = await openMigratedDatabase(`sqlite:${join(root, 'pickwise.db')}`);
	for (const slug of [DEMO, ZIP]) await createCampaign(db.kysely, { slug, name: `Campaign ${slug}` });
	for (const role of ['lead', 'evaluator'] as const) {
		const user = await createUser(db.kysely, { email: `${role}@s3.test`, password: 'object-store-password' });
		for (const slug of [DEMO, ZIP]) await addMember(db.kysely, { slug, email: `${role}@s3.test`, role });
		cookies[role] = `pickwise_session=${(await createSession(db.kysely, user.id)).token}`;
	}
	// the demo's 128 images, through the command a user runs
	const imported = pickwise(
		root,
		['import', 'images', '--campaign', DEMO, '--manifest', resolve('demo/agiqa/manifest.csv')],
		undefined,
		s3.env
	);
	expect(imported.stderr).toBe('');
	expect(imported.stdout).toContain('added 128,');
	expect(imported.code).toBe(0);
	server = await startServer(root, s3.env);
}, 300_000);

afterAll(async () => {
	await server?.stop();
	await db?.close();
	await s3?.dispose();
	rmSync(root, { recursive: true, force: true });
});

const images = (slug: string) =>
	db.kysely
		.selectFrom('image')
		.innerJoin('campaign', 'campaign.id', 'image.campaign_id')
		.select(['image.id', 'image.sha256', 'image.stored_path', 'image.format'])
		.where('campaign.slug', '=', slug)
		.execute();

/** Images this test had served (the server keeps what it read from S3 in memory). */
const served = new Set<string>();
const get = (path: string, cookie: string) => fetch(server.url + path, { headers: { cookie }, redirect: 'manual' });

describe('the demo images in an S3 store', () => {
	it('are stored in the bucket, under the prefix, and nowhere on the local disk', async () => {
		const rows = await images(DEMO);
		expect(rows).toHaveLength(128);
		const keys = await s3.keys();
		for (const row of rows) expect(keys).toContain(row.stored_path);
		expect(existsSync(join(root, 'images'))).toBe(false);
		// the staging folder of the import is gone too
		expect(existsSync(join(root, 'uploads')) ? readdirSync(join(root, 'uploads')) : []).toEqual([]);
	});

	it('are served to the evaluator by opaque assignment URLs, with the type and cache headers of a local store', async () => {
		const next = await api(server.url, cookies.evaluator, `/api/v1/campaigns/${DEMO}/next`);
		expect(next.status).toBe(200);
		const rows = await images(DEMO);
		const assignment = await db.kysely
			.selectFrom('assignment')
			.select(['left_image_id', 'right_image_id'])
			.where('id', '=', next.body.assignment.id)
			.executeTakeFirstOrThrow();
		for (const side of ['left', 'right'] as const) {
			const url: string = next.body.assignment[side].image_url;
			expect(url).toBe(`/i/a/${next.body.assignment.id}/${side}`);
			for (const row of rows) {
				expect(url).not.toContain(row.id);
				expect(url).not.toContain(row.sha256.slice(0, 16));
			}
			const response = await get(url, cookies.evaluator);
			expect(response.status).toBe(200);
			expect(response.headers.get('content-type')).toBe('image/jpeg');
			expect(response.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
			expect(response.headers.get('x-content-type-options')).toBe('nosniff');
			expect(response.headers.get('etag')).toBeNull();
			const bytes = Buffer.from(await response.arrayBuffer());
			expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
			// the stored object's bytes
			const shown = rows.find((r) => r.id === (side === 'left' ? assignment.left_image_id : assignment.right_image_id))!;
			served.add(shown.id);
			expect((await s3.object(shown.stored_path)).equals(bytes)).toBe(true);
		}
		// another evaluator's assignment is not theirs to see, whichever store holds the bytes
		expect((await get(`/i/a/${next.body.assignment.id}/left`, '')).status).toBe(303);
	});

	it('are converted once when the campaign changes its format, and the copy goes to the store', async () => {
		const campaign = await requireCampaign(db.kysely, DEMO);
		await updateCampaignSettings(
			db.kysely,
			campaign,
			{
				status: 'active',
				allowTie: true,
				allowBothBad: true,
				blind: true,
				rationaleMinChars: campaign.rationale_min_chars,
				goldRate: 0,
				repeatRate: 0,
				goldFeedback: false,
				imageFormat: 'png'
			},
			null
		);
		const [image] = await images(DEMO);
		served.add(image.id);
		const response = await get(`/i/${image.id}`, cookies.lead);
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('image/png');
		expect(response.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
		const bytes = Buffer.from(await response.arrayBuffer());
		const after = (await images(DEMO)).find((i) => i.id === image.id)!;
		expect(after.format).toBe('png');
		expect(after.stored_path).toBe(`images/${image.sha256.slice(0, 2)}/${image.sha256}.png`);
		expect((await s3.object(after.stored_path)).equals(bytes)).toBe(true);
		expect(existsSync(join(root, 'images'))).toBe(false);
	});
});

async function uploadZip(pngs: Buffer[]) {
	const entries = [
		{
			name: 'set/manifest.csv',
			data: ['image_path,prompt,system', ...pngs.map((_, i) => `img${i}.png,a prompt ${i % 2},system-${i % 3}`)].join('\n')
		},
		...pngs.map((data, i) => ({ name: `set/img${i}.png`, data }))
	];
	const form = new FormData();
	form.append('files', new Blob([new Uint8Array(zipBuffer(entries))]), 'set.zip');
	const response = await fetch(`${server.url}/c/${ZIP}/images/upload`, {
		method: 'POST',
		headers: { cookie: cookies.lead, origin: server.url, accept: 'application/json' },
		body: form
	});
	return { status: response.status, json: await response.json() };
}

/** The images page's confirm action, as the enhanced form posts it. */
async function confirm(upload: string) {
	const response = await fetch(`${server.url}/c/${ZIP}/images?/confirm`, {
		method: 'POST',
		headers: {
			cookie: cookies.lead,
			origin: server.url,
			'content-type': 'application/x-www-form-urlencoded',
			accept: 'application/json',
			'x-sveltekit-action': 'true'
		},
		body: new URLSearchParams({ upload }).toString()
	});
	const body = await response.json();
	return { type: body.type as string, status: body.status as number, data: String(body.data ?? '') };
}

describe('a ZIP uploaded from the browser', () => {
	it('is written to the bucket when the lead confirms it', async () => {
		const pngs = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => solidPng(12, 12, { r: 10 + i * 30, g: 60, b: 90 })));
		const upload = await uploadZip(pngs);
		expect(upload.status).toBe(201);
		expect(upload.json.upload.ok).toBe(6);
		expect(await images(ZIP)).toHaveLength(0);
		const confirmed = await confirm(upload.json.upload.id);
		expect(confirmed.type).toBe('redirect');
		const rows = await images(ZIP);
		expect(rows).toHaveLength(6);
		const keys = await s3.keys();
		for (const row of rows) expect(keys).toContain(row.stored_path);
		expect(existsSync(join(root, 'images'))).toBe(false);
		const served = await get(`/i/${rows[0].id}`, cookies.lead);
		expect(served.status).toBe(200);
		expect(served.headers.get('content-type')).toBe('image/jpeg');
	});
});

describe('a store that went away', () => {
	it('fails imports, confirms and image reads at once with a clear error, writes no row, and readiness says why', async () => {
		// the dry run is made while the store answers (its staged copies wait in it, under staging/)
		const pngs = await Promise.all([0, 1, 2].map((i) => solidPng(10, 10, { r: 200, g: 10 + i * 50, b: 10 })));
		const upload = await uploadZip(pngs);
		expect(upload.status).toBe(201);
		const before = (await images(ZIP)).length;
		const untouched = (await images(DEMO)).find((i) => !served.has(i.id))!;

		await s3.stop();
		try {
			const confirmed = await confirm(upload.json.upload.id);
			expect(confirmed.type).toBe('failure');
			expect(confirmed.status).toBe(503);
			expect(confirmed.data).toContain('the image store cannot be written, so nothing was imported');
			expect((await images(ZIP)).length).toBe(before);

			// the CLI: same answer, exit 1, no row
			const set = join(root, 'set-offline');
			mkdirSync(set, { recursive: true });
			writeFileSync(join(set, 'a.png'), await solidPng(9, 9, { r: 1, g: 2, b: 3 }));
			writeFileSync(join(set, 'b.png'), await solidPng(9, 9, { r: 3, g: 2, b: 1 }));
			writeFileSync(join(set, 'manifest.csv'), 'image_path,prompt,system\na.png,offline,sys-a\nb.png,offline,sys-b\n');
			const cli = pickwise(root, ['import', 'images', '--campaign', ZIP, '--manifest', join(set, 'manifest.csv')], undefined, s3.env);
			expect(cli.code).toBe(1);
			expect(cli.stderr).toContain('error: the image store cannot be written, so nothing was imported (ECONNREFUSED)');
			// the details are for the operator, in the log (here the command's own stderr)
			expect(cli.stderr).toMatch(
				/image store: (looking up|writing) images\/\S+ in s3:\/\/pickwise-test\/images-store failed \(ECONNREFUSED\)/
			);
			expect((await images(ZIP)).length).toBe(before);

			// an image this instance never read: 503 naming the cause, not a hang or a 500
			const image = await get(`/i/${untouched.id}`, cookies.lead);
			expect(image.status).toBe(503);
			const page = await image.text();
			expect(page).toContain('the image store cannot be read (ECONNREFUSED)');
			// an image's key is its content hash: never in an answer
			expect(page).not.toContain(untouched.sha256);
			expect(page).not.toContain('pickwise-test');

			const ready = await fetch(`${server.url}/readyz`);
			expect(ready.status).toBe(503);
			const body = await ready.json();
			expect(body).toMatchObject({ status: 'not ready', reason: 'imageStore: unavailable (ECONNREFUSED)' });
			expect(body.checks).toMatchObject({ database: 'ok', migrations: 'ok' });
			expect(JSON.stringify(body)).not.toContain('pickwise-test');
			expect(JSON.stringify(body)).not.toContain('127.0.0.1');
			// liveness does not depend on the store
			expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
		} finally {
			await s3.restart();
		}
		// the upload was kept: confirming again once the store is back writes it whole
		const again = await confirm(upload.json.upload.id);
		expect(again.type).toBe('redirect');
		expect((await images(ZIP)).length).toBe(before + 3);
		expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
	});
});

describe('a bad configuration', () => {
	it('stops the server at start with a message naming the variable', async () => {
		for (const [env, name] of [
			[{ IMAGE_STORE: 's3://' }, 'IMAGE_STORE'],
			[{ IMAGE_STORE: 'relative/folder' }, 'IMAGE_STORE'],
			[{ ...s3.env, AWS_ENDPOINT_URL: 'ftp://example' }, 'AWS_ENDPOINT_URL'],
			[{ ...s3.env, AWS_SECRET_ACCESS_KEY: '' }, 'AWS_SECRET_ACCESS_KEY']
		] as const) {
			const started = startServer(mkdtempSync(join(root, 'bad-')), env);
			await expect(started).rejects.toThrow(name);
		}
	});

	it('stops the CLI import before it reads anything, naming the variable', () => {
		const cli = pickwise(root, ['import', 'images', '--campaign', ZIP, '--manifest', 'nowhere.csv'], undefined, {
			IMAGE_STORE: 's3://UPPER'
		});
		expect(cli.code).toBe(2);
		expect(cli.stderr).toContain('IMAGE_STORE must be s3://<bucket>');
	});
});
