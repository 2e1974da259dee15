// Uploading a campaign's images from the browser, through the real server (bin/server.js: the upload
// lane streams the body to disk), a real SQLite file and real image files. Every hostile upload is
// refused with its reason and leaves nothing behind: no row, no file under DATA_DIR/images, no
// temporary folder under DATA_DIR/uploads. A good upload is a dry run first and written only when
// the lead confirms; uploading it again adds nothing. Retiring a system stops its new pairs and
// keeps its votes in the results.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMigratedDatabase, type Db } from '../../src/lib/server/db/index.ts';
import { createUser } from '../../src/lib/server/auth/users.ts';
import { createSession } from '../../src/lib/server/auth/session.ts';
import { addMember, createCampaign } from '../../src/lib/server/campaigns/campaigns.ts';
import { solidJpeg, solidPng } from '../helpers/images.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { zipBuffer, type ZipEntry } from '../helpers/zip.ts';
import { api, seedCampaign, type SeededCampaign } from '../helpers/campaign.ts';
import { requireCampaign } from '../../src/lib/server/campaigns/campaigns.ts';
import { nextAssignment } from '../../src/lib/server/voting/leases.ts';
import { castVote } from '../../src/lib/server/voting/cast-vote.ts';
import { sweepStaleStaging } from '../../src/lib/server/images/upload.ts';
import { LocalImageStore } from '../../src/lib/server/images/storage.ts';

const SLUG = 'up';
const MAX_UPLOAD = 3 * 1024 * 1024;
const MAX_UNZIPPED = 4 * 1024 * 1024;

let root: string;
let db: Db;
let server: RunningServer;
const cookies: Record<'lead' | 'researcher' | 'evaluator', string> = { lead: '', researcher: '', evaluator: '' };
let png: Buffer[];
let retiring: SeededCampaign;
/** The system of the first vote in campaign 'ret', retired by the test. */
let votedSystem: { id: string; name: string };

beforeAll(async () => {
	root = mkdtempSync(join(tmpdir(), 'pickwise-upload-'));
	db = await openMigratedDatabase(`sqlite:${join(root, 'pickwise.db')}`);
	await createCampaign(db.kysely, { slug: SLUG, name: 'Uploads' });
	for (const role of ['lead', 'researcher', 'evaluator'] as const) {
		const user = await createUser(db.kysely, { email: `${role}@up.test`, password: 'upload-password' });
		await addMember(db.kysely, { slug: SLUG, email: `${role}@up.test`, role });
		cookies[role] = `pickwise_session=${(await createSession(db.kysely, user.id)).token}`;
	}
	png = [];
	for (let i = 0; i < 8; i++) png.push(await solidPng(16, 16, { r: i * 20, g: 100, b: 200 - i * 20 }));
	// a running campaign with one vote, for retiring a system
	retiring = await seedCampaign(db.kysely, root, { slug: 'ret', systems: 3, prompts: 4, evaluators: 1 });
	await addMember(db.kysely, { slug: 'ret', email: 'lead@up.test', role: 'lead' });
	const ret = await requireCampaign(db.kysely, 'ret');
	// votes until every two systems have met (a leaderboard needs a connected comparison graph)
	const systemOfImage = new Map(
		(await db.kysely.selectFrom('image').select(['id', 'system_id']).execute()).map((i) => [i.id, i.system_id])
	);
	const met = new Set<string>();
	let firstLeft = '';
	for (let i = 0; i < 40 && met.size < 3; i++) {
		const pair = (await nextAssignment(db.kysely, ret, retiring.evaluators[0].id, null))!;
		const left = pair.assignment.left_image_id;
		firstLeft ||= left;
		met.add([systemOfImage.get(left), systemOfImage.get(pair.assignment.right_image_id)].sort().join());
		await castVote(db.kysely, ret, retiring.evaluators[0].id, {
			voteId: crypto.randomUUID(),
			assignmentId: pair.assignment.id,
			choice: i % 2 ? 'left' : 'right',
			rationale: 'The chosen one is clearly sharper.'
		});
	}
	expect(met.size).toBe(3);
	votedSystem = await db.kysely
		.selectFrom('image')
		.innerJoin('system', 'system.id', 'image.system_id')
		.select(['system.id', 'system.name'])
		.where('image.id', '=', firstLeft)
		.executeTakeFirstOrThrow();
	server = await startServer(root, { MAX_UPLOAD_BYTES: String(MAX_UPLOAD), MAX_UNZIPPED_BYTES: String(MAX_UNZIPPED) });
});

afterAll(async () => {
	await server?.stop();
	await db?.close();
	rmSync(root, { recursive: true, force: true });
});

interface Part {
	name: string;
	data: Buffer | string;
}

async function upload(parts: Part[], options: { who?: keyof typeof cookies; accept?: string; origin?: string } = {}) {
	const form = new FormData();
	for (const p of parts) form.append('files', new Blob([typeof p.data === 'string' ? p.data : new Uint8Array(p.data)]), p.name);
	const response = await fetch(`${server.url}/c/${SLUG}/images/upload`, {
		method: 'POST',
		headers: { cookie: cookies[options.who ?? 'lead'], origin: options.origin ?? server.url, accept: options.accept ?? 'application/json' },
		body: form,
		redirect: 'manual'
	});
	const text = await response.text();
	let json: any = null; // eslint-disable-line @typescript-eslint/no-explicit-any
	try {
		json = JSON.parse(text);
	} catch {
		/* a redirect or an HTML page */
	}
	return { status: response.status, json, text, location: response.headers.get('location') };
}

async function action(name: string, fields: Record<string, string>, slug = SLUG) {
	const response = await fetch(`${server.url}/c/${slug}/images?/${name}`, {
		method: 'POST',
		headers: {
			cookie: cookies.lead,
			origin: server.url,
			'content-type': 'application/x-www-form-urlencoded',
			accept: 'application/json',
			'x-sveltekit-action': 'true'
		},
		body: new URLSearchParams(fields).toString()
	});
	// an enhanced form post answers 200 with {type, status, data} (data serialised by devalue)
	const body = await response.json();
	if (body.type === 'redirect') {
		// confirm and cancel go back to the page, which shows what happened
		const page = await fetch(server.url + body.location, { headers: { cookie: cookies.lead } });
		return { status: body.status as number, body, data: await page.text() };
	}
	const status = body.type === 'success' ? 200 : (body.status ?? response.status);
	return { status, body, data: body.data ? String(body.data) : '' };
}

async function rows() {
	const count = async (table: 'image' | 'system' | 'prompt') =>
		(
			await db.kysely
				.selectFrom(table)
				.selectAll()
				.where('campaign_id', '=', await campaignId())
				.execute()
		).length;
	return { images: await count('image'), systems: await count('system'), prompts: await count('prompt') };
}

async function campaignId() {
	return (await db.kysely.selectFrom('campaign').select('id').where('slug', '=', SLUG).executeTakeFirstOrThrow()).id;
}

/** Every file under a folder of DATA_DIR (relative paths). */
function filesUnder(sub: string): string[] {
	const dir = join(root, sub);
	if (!existsSync(dir)) return [];
	const out: string[] = [];
	const walk = (d: string) => {
		for (const name of readdirSync(d)) {
			const p = join(d, name);
			if (statSync(p).isDirectory()) {
				out.push(p.slice(dir.length + 1) + '/');
				walk(p);
			} else out.push(p.slice(dir.length + 1));
		}
	};
	walk(dir);
	return out;
}

/** Runs a refused or cancelled upload and checks that it left nothing: rows, image files, temporary files. */
async function leavesNothing(run: () => Promise<void>) {
	const before = { rows: await rows(), images: filesUnder('images') };
	await run();
	expect(await rows()).toEqual(before.rows);
	expect(filesUnder('images')).toEqual(before.images);
	expect(filesUnder('uploads')).toEqual([]);
	expect(filesUnder('staging')).toEqual([]);
}

const manifest = (lines: string[]) => ({ name: 'manifest.csv', data: ['image_path,prompt,system', ...lines].join('\n') + '\n' });

/** A dry run that refuses exactly one row or entry: returns its reason, then discards the upload. */
async function refusedReason(entries: ZipEntry[]): Promise<string[]> {
	let reasons: string[] = [];
	await leavesNothing(async () => {
		const r = await upload([{ name: 'set.zip', data: zipBuffer(entries) }]);
		expect(r.status, r.text).toBe(201);
		const u = r.json.upload;
		reasons = [
			...u.entries.map((e: { entry: string; reason: string }) => `${e.entry}: ${e.reason}`),
			...u.results
				.filter((x: { ok: boolean }) => !x.ok)
				.map((x: { line: number; imagePath: string; reason: string }) => `line ${x.line} ${x.imagePath}: ${x.reason}`)
		];
		expect((await action('cancel', { upload: u.id })).status).toBe(303);
	});
	return reasons;
}

describe('uploading images', () => {
	it('dry-runs a ZIP with a manifest, writes it only on confirm, and adds nothing the second time', async () => {
		const zip = zipBuffer([
			{ name: 'run1/', data: '' },
			{
				name: 'run1/manifest.csv',
				data: manifest([
					'img/a1.png,a red fox,alpha',
					'img/b1.png,a red fox,beta',
					'img/a2.png,a lighthouse,alpha',
					'img/b2.jpg,a lighthouse,beta'
				]).data
			},
			{ name: 'run1/img/a1.png', data: png[0] },
			{ name: 'run1/img/b1.png', data: png[1], deflate: true },
			{ name: 'run1/img/a2.png', data: png[2] },
			{ name: 'run1/img/b2.jpg', data: await solidJpeg(20, 20) },
			{ name: '__MACOSX/run1/._a1.png', data: 'resource fork' }
		]);
		const before = await rows();
		const storedBefore = filesUnder('images').filter((f) => !f.endsWith('/')).length;
		const dry = await upload([{ name: 'run1.zip', data: zip }]);
		expect(dry.status, dry.text).toBe(201);
		const u = dry.json.upload;
		expect(u).toMatchObject({
			layout: 'manifest',
			rows: 4,
			ok: 4,
			refused: 0,
			adds: { images: 4, prompts: 2, systems: ['alpha', 'beta'], pairs: 2, existing: 0 }
		});
		expect(u.results.map((r: { line: number; ok: boolean }) => [r.line, r.ok])).toEqual([
			[2, true],
			[3, true],
			[4, true],
			[5, true]
		]);
		// a dry run writes nothing but its staged copies (in the image store, here DATA_DIR, under staging/)
		expect(await rows()).toEqual(before);
		expect(filesUnder('images').filter((f) => !f.endsWith('/'))).toHaveLength(storedBefore);
		expect(filesUnder('uploads')).toEqual([]);
		expect(filesUnder('staging').filter((f) => !f.endsWith('/'))).toHaveLength(4);

		const page = await fetch(`${server.url}${dry.json.location}`, { headers: { cookie: cookies.lead } });
		expect(await page.text()).toContain('Dry run: nothing is added until you confirm');

		const confirmed = await action('confirm', { upload: u.id });
		expect(confirmed.status).toBe(303);
		expect(confirmed.data).toContain('Added 4 images');
		expect(await rows()).toEqual({ images: before.images + 4, systems: before.systems + 2, prompts: before.prompts + 2 });
		expect(filesUnder('images').filter((f) => !f.endsWith('/'))).toHaveLength(storedBefore + 4);
		expect(filesUnder('uploads')).toEqual([]);
		expect(filesUnder('staging')).toEqual([]);
		// confirmed once: the same id cannot be applied again
		const twice = await action('confirm', { upload: u.id });
		expect(twice.status).toBe(409);
		expect(twice.data).toContain('this upload was confirmed already');

		const again = await upload([{ name: 'run1.zip', data: zip }]);
		expect(again.json.upload.adds).toMatchObject({ images: 0, existing: 4, prompts: 0, systems: [], pairs: 0 });
		expect(again.json.upload.results.every((r: { reason: string }) => r.reason === 'already imported')).toBe(true);
		const after = await rows();
		expect((await action('confirm', { upload: again.json.upload.id })).data).toContain('Added 0 images (4 already there)');
		expect(await rows()).toEqual(after);
		expect(filesUnder('uploads')).toEqual([]);
		expect(filesUnder('staging')).toEqual([]);
	});

	it('reads the folder convention <system>/<prompt_id>.<ext> with a prompts.csv', async () => {
		const zip = zipBuffer([
			{ name: 'prompts.csv', data: 'prompt_id,prompt,category\nq1,a blue teapot,objects\nq2,"a storm, at sea",weather\n' },
			{ name: 'gamma/q1.png', data: png[3] },
			{ name: 'gamma/q2.png', data: png[4] },
			{ name: 'delta/q1.png', data: png[5] },
			{ name: 'delta/q2.png', data: png[6] },
			{ name: 'delta/q9.png', data: png[7] },
			{ name: 'stray.png', data: png[7] }
		]);
		const dry = await upload([{ name: 'folders.zip', data: zip }]);
		expect(dry.status, dry.text).toBe(201);
		const u = dry.json.upload;
		expect(u.layout).toBe('folders');
		expect(u.adds).toMatchObject({ images: 4, prompts: 2, systems: ['delta', 'gamma'], pairs: 2 });
		expect(u.results.find((r: { imagePath: string }) => r.imagePath === 'delta/q9.png')).toMatchObject({
			ok: false,
			reason: 'prompt_id q9 is not in prompts.csv'
		});
		expect(u.entries).toEqual([{ entry: 'stray.png', reason: 'is not inside a <system>/ folder' }]);
		expect((await action('confirm', { upload: u.id })).status).toBe(303);
		const prompts = await db.kysely
			.selectFrom('prompt')
			.select(['external_id', 'text', 'category'])
			.where('external_id', 'in', ['q1', 'q2'])
			.orderBy('external_id')
			.execute();
		expect(prompts).toEqual([
			{ external_id: 'q1', text: 'a blue teapot', category: 'objects' },
			{ external_id: 'q2', text: 'a storm, at sea', category: 'weather' }
		]);
	});

	it('takes several files with a manifest, without a ZIP', async () => {
		const parts = [
			manifest(['m1.png,a quiet harbour,epsilon', 'm2.png,a quiet harbour,zeta']),
			{ name: 'm1.png', data: await solidPng(12, 12, { r: 1, g: 250, b: 3 }) },
			{ name: 'm2.png', data: await solidPng(12, 12, { r: 4, g: 5, b: 250 }) }
		];
		const dry = await upload(parts);
		expect(dry.status, dry.text).toBe(201);
		expect(dry.json.upload).toMatchObject({ ok: 2, refused: 0, adds: { images: 2, systems: ['epsilon', 'zeta'], pairs: 1 } });
		const before = await rows();
		expect((await action('confirm', { upload: dry.json.upload.id })).status).toBe(303);
		expect((await rows()).images).toBe(before.images + 2);
	});

	it('removes a dry run nobody confirmed after a day: its plan and its staged copies', async () => {
		const dry = await upload([manifest(['old.png,an abandoned upload,theta']), { name: 'old.png', data: await solidPng(11, 11) }]);
		expect(dry.status, dry.text).toBe(201);
		const id = dry.json.upload.id;
		expect(filesUnder(`staging/${id}`).filter((f) => !f.endsWith('/'))).toHaveLength(1);
		const store = new LocalImageStore(root);
		// not yet stale: kept
		expect(await sweepStaleStaging(db.kysely, store, Date.now() + 3600_000)).toBe(0);
		// (with the other tests' confirmed dry runs, kept until then as "confirmed")
		expect(await sweepStaleStaging(db.kysely, store, Date.now() + 25 * 3600_000)).toBeGreaterThanOrEqual(1);
		expect(existsSync(join(root, 'staging', id))).toBe(false);
		expect(await db.kysely.selectFrom('upload_staging').select('id').where('id', '=', id).execute()).toEqual([]);
		expect((await action('confirm', { upload: id })).status).toBe(404);
	});

	it('works as a plain form post: redirects to the dry run, or to the reason it was refused', async () => {
		const ok = await upload([manifest(['n1.png,a plain form,eta']), { name: 'n1.png', data: png[1] }], { accept: 'text/html' });
		expect(ok.status).toBe(303);
		expect(ok.location).toMatch(/^\/c\/up\/images\?upload=[a-z0-9]{24}$/);
		const page = await (await fetch(server.url + ok.location, { headers: { cookie: cookies.lead } })).text();
		expect(page).toContain('n1.png');
		await action('cancel', { upload: ok.location!.split('=')[1] });

		await leavesNothing(async () => {
			const refused = await upload([{ name: 'n1.png', data: png[1] }], { accept: 'text/html' });
			expect(refused.status).toBe(303);
			expect(refused.location).toMatch(/\?refused=/);
			const html = await (await fetch(server.url + refused.location, { headers: { cookie: cookies.lead } })).text();
			expect(html).toContain('Upload refused: no manifest.csv');
		});
	});
});

describe('hostile uploads', () => {
	const withManifest = async (lines: string[], entries: ZipEntry[]) => [
		{ name: 'ok.png', data: png[0] },
		manifest(['ok.png,a safe prompt,alpha', ...lines]),
		...entries
	];

	it('refuses an entry whose path climbs out with ..', async () => {
		const reasons = await refusedReason(await withManifest(['../evil.png,a safe prompt,beta'], [{ name: '../evil.png', data: png[1] }]));
		expect(reasons).toEqual(['../evil.png: the path leaves the archive (..)', "line 3 ../evil.png: path is outside the manifest's folder"]);
	});

	it('refuses an entry with an absolute path', async () => {
		const reasons = await refusedReason(await withManifest(['/tmp/abs.png,a safe prompt,beta'], [{ name: '/tmp/abs.png', data: png[1] }]));
		expect(reasons[0]).toBe('/tmp/abs.png: absolute path (entries must be relative)');
		expect(reasons[1]).toMatch(/^line 3 \/tmp\/abs\.png: (path is outside the manifest's folder|file not found)$/);
	});

	it('refuses a symbolic link', async () => {
		const reasons = await refusedReason(
			await withManifest(['link.png,a safe prompt,beta'], [{ name: 'link.png', data: '/etc/passwd', mode: 0o120777 }])
		);
		expect(reasons).toEqual(['link.png: is a symbolic link (links are not followed)', 'line 3 link.png: file not found']);
	});

	it('refuses a nested archive, by name or by content', async () => {
		const inner = zipBuffer([{ name: 'x.png', data: png[2] }]);
		const reasons = await refusedReason(
			await withManifest(
				['inner.zip,a safe prompt,beta', 'sneaky.png,a safe prompt,gamma'],
				[
					{ name: 'inner.zip', data: inner },
					{ name: 'sneaky.png', data: inner }
				]
			)
		);
		expect(reasons).toEqual([
			'inner.zip: is an archive inside the archive (nested archives are not accepted)',
			'sneaky.png: is an archive inside the archive (nested archives are not accepted)',
			'line 3 inner.zip: file not found',
			'line 4 sneaky.png: file not found'
		]);
	});

	it('refuses a file that is not an image, and a corrupt image', async () => {
		const jpeg = await solidJpeg(200, 200, { r: 9, g: 9, b: 9 });
		const reasons = await refusedReason(
			await withManifest(
				['notes.png,a safe prompt,beta', 'broken.jpg,a safe prompt,gamma'],
				[
					{ name: 'notes.png', data: 'this is text, not a PNG' },
					{ name: 'broken.jpg', data: jpeg.subarray(0, jpeg.length / 2) }
				]
			)
		);
		expect(reasons[0]).toBe('line 3 notes.png: is not an image (unrecognised format)');
		expect(reasons[1]).toMatch(/^line 4 broken\.jpg: image is corrupt or truncated/);
	});

	it('confirming an upload with refused rows writes only the good ones', async () => {
		const before = await rows();
		const entries = await withManifest(['../evil.png,a safe prompt,omega'], [{ name: '../evil.png', data: png[1] }]);
		entries[0] = { name: 'ok.png', data: await solidPng(10, 10, { r: 77, g: 78, b: 79 }) };
		const r = await upload([{ name: 'mixed.zip', data: zipBuffer(entries) }]);
		expect(r.json.upload).toMatchObject({ ok: 1, refused: 2 });
		expect((await action('confirm', { upload: r.json.upload.id })).status).toBe(303);
		expect((await rows()).images).toBe(before.images + 1);
		expect(await db.kysely.selectFrom('system').select('name').where('name', '=', 'omega').execute()).toEqual([]);
		expect(filesUnder('uploads')).toEqual([]);
	});

	it('refuses a ZIP bomb by its declared size', async () => {
		await leavesNothing(async () => {
			const r = await upload([
				{
					name: 'bomb.zip',
					data: zipBuffer([manifest(['zeros.png,a,b']), { name: 'zeros.png', data: Buffer.alloc(MAX_UNZIPPED + 1), deflate: true }])
				}
			]);
			expect(r.status).toBe(413);
			expect(r.json.error).toMatchObject({ code: 'zip_bomb', field: 'files' });
			expect(r.json.error.message).toMatch(/declares more than 4 MiB uncompressed/);
		});
	});

	it('refuses a ZIP bomb whose header lies, by the bytes that actually come out', async () => {
		await leavesNothing(async () => {
			const r = await upload([
				{
					name: 'liar.zip',
					data: zipBuffer([
						manifest(['zeros.png,a,b']),
						{ name: 'zeros.png', data: Buffer.alloc(MAX_UNZIPPED + 1), deflate: true, declaredSize: 1000 }
					])
				}
			]);
			expect(r.status).toBe(413);
			expect(r.json.error).toMatchObject({
				code: 'zip_bomb',
				message: expect.stringMatching(/^entry zeros\.png inflates past its declared size/)
			});
		});
	});

	it('refuses an upload without a manifest or prompts.csv', async () => {
		await leavesNothing(async () => {
			const r = await upload([{ name: 'bare.zip', data: zipBuffer([{ name: 'a.png', data: png[0] }]) }]);
			expect(r.status).toBe(400);
			expect(r.json.error.message).toMatch(/^no manifest\.csv/);
		});
	});

	it('refuses a file named .zip that is not a ZIP', async () => {
		await leavesNothing(async () => {
			const r = await upload([{ name: 'fake.zip', data: 'not a zip at all' }]);
			expect(r.status).toBe(400);
			expect(r.json.error.message).toMatch(/not a readable ZIP file/);
		});
	});

	it('refuses an upload over MAX_UPLOAD_BYTES', async () => {
		await leavesNothing(async () => {
			const r = await upload([manifest(['big.png,a,b']), { name: 'big.png', data: Buffer.alloc(MAX_UPLOAD + 1024, 7) }]);
			expect(r.status).toBe(413);
			expect(r.json.error).toMatchObject({ code: 'too_large', message: 'the upload is larger than 3 MiB (MAX_UPLOAD_BYTES)' });
		});
	});

	it('refuses a body over MAX_UPLOAD_BYTES that does not declare its length', async () => {
		await leavesNothing(async () => {
			const form = new FormData();
			form.append('files', new Blob([manifest(['big.png,a,b']).data]), 'manifest.csv');
			form.append('files', new Blob([new Uint8Array(MAX_UPLOAD + 1024).fill(7)]), 'big.png');
			const encoded = new Response(form);
			// a stream body goes out chunked, without Content-Length
			const response = await fetch(`${server.url}/c/${SLUG}/images/upload`, {
				method: 'POST',
				headers: {
					cookie: cookies.lead,
					origin: server.url,
					accept: 'application/json',
					'content-type': encoded.headers.get('content-type')!
				},
				body: encoded.body,
				duplex: 'half'
			} as RequestInit);
			expect(response.status).toBe(413);
			expect((await response.json()).error.code).toBe('too_large');
		});
	});

	it('refuses a cross-site upload (CSRF) and one by a researcher', async () => {
		await leavesNothing(async () => {
			const parts = [manifest(['c.png,a,b']), { name: 'c.png', data: png[0] }];
			expect((await upload(parts, { origin: 'https://evil.example' })).status).toBe(403);
			expect((await upload(parts, { who: 'researcher' })).status).toBe(403);
			expect((await upload(parts, { who: 'evaluator' })).status).toBe(403);
		});
	});
});

describe('retiring a system', () => {
	it('gives a retired system no new pairs and keeps its votes in the results', async () => {
		const evaluator = retiring.evaluators[0].cookie;
		const systemOf = new Map((await db.kysely.selectFrom('image').select(['id', 'system_id']).execute()).map((i) => [i.id, i.system_id]));
		const retired = await action('retire', { system_id: votedSystem.id }, 'ret');
		expect(retired.status).toBe(200);
		expect(retired.data).toContain('is retired');
		const page = await (await fetch(`${server.url}/c/ret/images`, { headers: { cookie: cookies.lead } })).text();
		expect(page).toMatch(/retired \d{4}-\d{2}-\d{2}/);

		// every pair the evaluator can still get is between the two other systems
		let issued = 0;
		for (let i = 0; i < 40; i++) {
			const next = await api(server.url, evaluator, '/api/v1/campaigns/ret/next');
			if (next.status === 204) break;
			expect(next.status).toBe(200);
			const a = next.body.assignment;
			// image URLs are per lease: the lease's row says which images it shows
			const row = await db.kysely
				.selectFrom('assignment')
				.select(['left_image_id', 'right_image_id'])
				.where('id', '=', a.id)
				.executeTakeFirstOrThrow();
			const systems = [systemOf.get(row.left_image_id), systemOf.get(row.right_image_id)];
			expect(systems.every(Boolean)).toBe(true);
			expect(systems).not.toContain(votedSystem.id);
			issued++;
			expect(
				(await api(server.url, evaluator, `/api/v1/campaigns/ret/assignments/${a.id}/skip`, { reason: 'test: next one' })).status
			).toBe(204);
		}
		expect(issued).toBeGreaterThan(0);

		// its vote stays in the leaderboard
		const board = await api(server.url, cookies.lead, '/api/v1/campaigns/ret/leaderboard?prior=1');
		expect(board.status).toBe(200);
		expect(JSON.stringify(board.body)).toContain(votedSystem.name);

		// restored, it is paired again
		expect((await action('restore', { system_id: votedSystem.id }, 'ret')).status).toBe(200);
		const back = await db.kysely.selectFrom('system').select('retired_at').where('id', '=', votedSystem.id).executeTakeFirstOrThrow();
		expect(back.retired_at).toBeNull();
	});

	it('refuses to retire a system of another campaign', async () => {
		const other = await db.kysely
			.selectFrom('system')
			.select('id')
			.where('campaign_id', '=', await campaignId())
			.executeTakeFirst();
		const r = await action('retire', { system_id: other?.id ?? 'nope' }, 'ret');
		expect(r.status).toBe(404);
	});
});
