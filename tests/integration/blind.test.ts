// Blind means blind: nothing an evaluator receives before voting (HTML, JSON, image URLs, image
// bytes, headers) names the system, the file, its hash or where it is stored — even when the
// generator wrote its name into the image's metadata. Nor does anything let them link a pair to an
// earlier one (a hidden repeat, a gold pair): image URLs are new with every lease, no timing header
// tells how long the server worked, and every image is served in the campaign's one format.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { openMigratedDatabase, type Db } from '../../src/lib/server/db/index.ts';
import { createUser } from '../../src/lib/server/auth/users.ts';
import { addMember, createCampaign, requireCampaign, updateCampaignSettings } from '../../src/lib/server/campaigns/campaigns.ts';
import { addGoldPair } from '../../src/lib/server/voting/gold-and-repeats.ts';
import { importImages } from '../../src/lib/server/images/import.ts';
import { createSession } from '../../src/lib/server/auth/session.ts';
import { jpegWithExif, pngWithTextChunk, solidJpeg, solidPng } from '../helpers/images.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

let root: string;
let server: RunningServer;
let db: Db;
let cookie: string;
/** session cookies of the members of campaign `mixed` (and of an outsider) */
const mixed: Record<'eve' | 'otto' | 'hedy' | 'lea' | 'rae' | 'out', string> = { eve: '', otto: '', hedy: '', lea: '', rae: '', out: '' };
const secrets: string[] = ['SecretGen-XL', 'HiddenJourney-7', 'sd_xl_base_1.0', 'Midjourney v6', 'secretgen_cat', 'hiddenjourney_cat'];

beforeAll(async () => {
	root = mkdtempSync(join(tmpdir(), 'pickwise-blind-'));
	const set = join(root, 'set');
	mkdirSync(set);
	const png = await pngWithTextChunk('Steps: 30, Model: sd_xl_base_1.0, Seed: 42');
	const jpeg = await jpegWithExif('Midjourney v6');
	// the inputs really carry the names we must hide
	expect(png.includes(Buffer.from('sd_xl_base_1.0'))).toBe(true);
	expect(jpeg.includes(Buffer.from('Midjourney v6'))).toBe(true);
	writeFileSync(join(set, 'secretgen_cat.png'), png);
	writeFileSync(join(set, 'hiddenjourney_cat.jpg'), jpeg);
	secrets.push(createHash('sha256').update(png).digest('hex'), createHash('sha256').update(jpeg).digest('hex'));
	writeFileSync(
		join(set, 'manifest.csv'),
		'image_path,prompt,system\nsecretgen_cat.png,a cat on a sofa,SecretGen-XL\nhiddenjourney_cat.jpg,a cat on a sofa,HiddenJourney-7\n'
	);
	db = await openMigratedDatabase(`sqlite:${join(root, 'pickwise.db')}`);
	await createCampaign(db.kysely, { slug: 'blind', name: 'Blind test' });
	await importImages(db.kysely, { campaign: 'blind', manifestPath: join(set, 'manifest.csv'), dataDir: root });
	for (const image of await db.kysely.selectFrom('image').select(['stored_path', 'system_id']).execute()) {
		secrets.push(image.stored_path, image.system_id);
	}
	const user = await createUser(db.kysely, { email: 'eve@blind.test', password: 'evaluator-password' });
	await addMember(db.kysely, { slug: 'blind', email: 'eve@blind.test', role: 'evaluator' });
	cookie = `pickwise_session=${(await createSession(db.kysely, user.id)).token}`;
	await seedMixed();
	await seedLegacy();
	server = await startServer(root);
});

afterAll(async () => {
	await server?.stop();
	await db?.close();
	rmSync(root, { recursive: true, force: true });
});

const settings = async (slug: string, change: { goldRate?: number; repeatRate?: number; imageFormat?: string }) => {
	const c = await requireCampaign(db.kysely, slug);
	await updateCampaignSettings(
		db.kysely,
		c,
		{
			status: 'active',
			allowTie: true,
			allowBothBad: true,
			blind: true,
			rationaleMinChars: c.rationale_min_chars,
			goldRate: change.goldRate ?? 0,
			repeatRate: change.repeatRate ?? 0,
			goldFeedback: false,
			imageFormat: change.imageFormat
		},
		null
	);
};

const member = async (slug: string, email: string, role: 'lead' | 'researcher' | 'evaluator' | null) => {
	const user = await createUser(db.kysely, { email, password: 'member-password' });
	if (role) await addMember(db.kysely, { slug, email, role });
	return `pickwise_session=${(await createSession(db.kysely, user.id)).token}`;
};

/** 3 prompts × 4 systems, two gold pairs, and every draw a gold pair or a hidden repeat when one is due. */
async function seedMixed() {
	await createCampaign(db.kysely, { slug: 'mixed', name: 'Gold and repeats' });
	const set = join(root, 'set-mixed');
	mkdirSync(set);
	const lines = ['image_path,prompt,system'];
	for (let p = 0; p < 3; p++) {
		for (let s = 0; s < 4; s++) {
			writeFileSync(join(set, `p${p}s${s}.png`), await solidPng(12, 10, { r: 40 * p + 10, g: 50 * s + 20, b: 7 * p + 3 * s }));
			lines.push(`p${p}s${s}.png,prompt ${p},system-${s}`);
		}
	}
	writeFileSync(join(set, 'manifest.csv'), lines.join('\n') + '\n');
	await importImages(db.kysely, { campaign: 'mixed', manifestPath: join(set, 'manifest.csv'), dataDir: root });
	const campaign = await requireCampaign(db.kysely, 'mixed');
	const images = await db.kysely
		.selectFrom('image')
		.select(['id', 'prompt_id'])
		.where('campaign_id', '=', campaign.id)
		.orderBy('prompt_id')
		.execute();
	await addGoldPair(db.kysely, campaign, { leftImageId: images[0].id, rightImageId: images[1].id, expected: 'left' }, null);
	await addGoldPair(db.kysely, campaign, { leftImageId: images[4].id, rightImageId: images[5].id, expected: 'right' }, null);
	await settings('mixed', { goldRate: 0.5, repeatRate: 0.5 });
	mixed.eve = await member('mixed', 'eve@mixed.test', 'evaluator');
	mixed.otto = await member('mixed', 'otto@mixed.test', 'evaluator');
	mixed.hedy = await member('mixed', 'hedy@mixed.test', 'evaluator');
	mixed.lea = await member('mixed', 'lea@mixed.test', 'lead');
	mixed.rae = await member('mixed', 'rae@mixed.test', 'researcher');
	mixed.out = await member('mixed', 'out@mixed.test', null);
}

/** Images stored as PNG, then the campaign switched to lossless WebP: they are converted on first request. */
async function seedLegacy() {
	await createCampaign(db.kysely, { slug: 'legacy', name: 'Stored before the format setting' });
	await settings('legacy', { imageFormat: 'png' });
	const set = join(root, 'set-legacy');
	mkdirSync(set);
	writeFileSync(join(set, 'a.png'), await solidPng(20, 16, { r: 200, g: 10, b: 10 }));
	writeFileSync(join(set, 'b.jpg'), await solidJpeg(20, 16, { r: 10, g: 10, b: 200 }));
	writeFileSync(join(set, 'manifest.csv'), 'image_path,prompt,system\na.png,a red square,png-maker\nb.jpg,a red square,jpeg-maker\n');
	await importImages(db.kysely, { campaign: 'legacy', manifestPath: join(set, 'manifest.csv'), dataDir: root });
	await settings('legacy', { imageFormat: 'webp-lossless' });
	await addMember(db.kysely, { slug: 'legacy', email: 'eve@blind.test', role: 'evaluator' });
}

async function get(path: string, as = cookie, method = 'GET') {
	const response = await fetch(server.url + path, { method, headers: { cookie: as }, redirect: 'manual' });
	const bytes = Buffer.from(await response.arrayBuffer());
	const headers = [...response.headers.entries()].map(([k, v]) => `${k}: ${v}`).join('\n');
	return { status: response.status, bytes, headers, type: response.headers.get('content-type') ?? '' };
}

function expectNoSecret(what: string, bytes: Buffer) {
	for (const secret of secrets) {
		expect(bytes.includes(Buffer.from(secret)), `${what} contains '${secret}'`).toBe(false);
		expect(bytes.toString('latin1').toLowerCase().includes(secret.toLowerCase()), `${what} contains '${secret}' (any case)`).toBe(false);
	}
}

describe('blind evaluation', () => {
	it('reveals no system, file name, hash or path in the page, the API, the images or their headers', async () => {
		const pageHtml = await get('/c/blind/vote');
		expect(pageHtml.status).toBe(200);
		expectNoSecret('vote page', pageHtml.bytes);
		expectNoSecret('vote page headers', Buffer.from(pageHtml.headers));

		const next = await get('/api/v1/campaigns/blind/next');
		expect(next.status).toBe(200);
		expectNoSecret('next JSON', next.bytes);
		const { assignment } = JSON.parse(next.bytes.toString());
		const types: string[] = [];
		for (const side of [assignment.left, assignment.right]) {
			// a URL of this lease, and nothing else of the file: no source format, no byte count
			expect(side.image_url).toBe(`/i/a/${assignment.id}/${side === assignment.left ? 'left' : 'right'}`);
			expect(Object.keys(side).sort()).toEqual(['height', 'image_url', 'width']);
			expect(pageHtml.bytes.includes(Buffer.from(side.image_url))).toBe(true);
			const image = await get(side.image_url);
			expect(image.status).toBe(200);
			types.push(image.type);
			expect(image.headers).toMatch(/cache-control: private, max-age=31536000, immutable/);
			expect(image.headers).not.toMatch(/etag|last-modified|content-disposition: .*filename/i);
			expectNoSecret(`image ${side.image_url}`, image.bytes);
			expectNoSecret(`image headers ${side.image_url}`, Buffer.from(image.headers));
			const meta = await sharp(image.bytes).metadata();
			expect(meta.exif).toBeUndefined();
			expect(meta.xmp).toBeUndefined();
			expect(meta.comments ?? []).toEqual([]);
		}
		// one PNG and one JPEG source, one served format: the campaign's default, JPEG
		expect(types).toEqual(['image/jpeg', 'image/jpeg']);
		// the stored copies are clean too
		for (const secret of secrets.filter((s) => s.startsWith('images/'))) {
			expectNoSecret(`stored ${secret}`, readFileSync(join(root, secret)));
		}
	});

	it('does not serve the image to someone who is not signed in', async () => {
		const next = JSON.parse((await get('/api/v1/campaigns/blind/next')).bytes.toString());
		const response = await fetch(server.url + next.assignment.left.image_url, { redirect: 'manual' });
		expect(response.status).toBe(303);
	});
});

/** Any header that tells how long the server worked. */
const timingHeaders = (headers: string) =>
	headers.split('\n').filter((h) => /timing|response-time|runtime|duration|elapsed|took/i.test(h.split(':')[0]));

async function post(path: string, as: string, body: unknown) {
	const response = await fetch(server.url + path, {
		method: 'POST',
		headers: { cookie: as, origin: server.url, 'content-type': 'application/json' },
		body: JSON.stringify(body)
	});
	const headers = [...response.headers.entries()].map(([k, v]) => `${k}: ${v}`).join('\n');
	return { status: response.status, headers, json: await response.json() };
}

describe('hidden repeats and gold pairs', () => {
	it('never show an image URL seen before, nor a timing header, in a stream full of them', async () => {
		const urls = new Map<string, string>();
		const issued: string[] = [];
		for (let n = 0; n < 80; n++) {
			// the fast lane answers next and votes; a query string sends next through SvelteKit instead
			const next = await get(`/api/v1/campaigns/mixed/next${n % 3 === 2 ? '?via=kit' : ''}`, mixed.eve);
			expect(timingHeaders(next.headers), `next #${n}`).toEqual([]);
			if (next.status === 204) break;
			expect(next.status).toBe(200);
			const { assignment } = JSON.parse(next.bytes.toString());
			issued.push(assignment.id);
			for (const side of ['left', 'right'] as const) {
				const url = assignment[side].image_url;
				expect(urls.get(url), `${url} of ${assignment.id} was shown with ${urls.get(url)}`).toBeUndefined();
				urls.set(url, assignment.id);
			}
			const vote = await post('/api/v1/campaigns/mixed/votes', mixed.eve, {
				vote_id: crypto.randomUUID(),
				assignment_id: assignment.id,
				choice: n % 2 ? 'left' : 'right',
				rationale: 'The chosen image follows the prompt more closely.'
			});
			expect(vote.status).toBe(201);
			expect(timingHeaders(vote.headers), `vote #${n}`).toEqual([]);
		}
		// the stream really held gold pairs and hidden repeats, and they really showed images seen before
		const rows = await db.kysely
			.selectFrom('assignment')
			.select(['id', 'kind', 'left_image_id', 'right_image_id'])
			.where('id', 'in', issued)
			.execute();
		expect(rows).toHaveLength(issued.length);
		expect(rows.filter((r) => r.kind === 'gold').length).toBeGreaterThan(0);
		expect(rows.filter((r) => r.kind === 'repeat').length).toBeGreaterThan(0);
		const images = rows.flatMap((r) => [r.left_image_id, r.right_image_id]);
		expect(new Set(images).size).toBeLessThan(images.length);
	});

	it('serves an assignment side as the stored bytes to its evaluator and leads only (404 to everyone else)', async () => {
		const next = JSON.parse((await get('/api/v1/campaigns/mixed/next', mixed.otto)).bytes.toString());
		const row = await db.kysely
			.selectFrom('assignment')
			.select(['left_image_id', 'right_image_id'])
			.where('id', '=', next.assignment.id)
			.executeTakeFirstOrThrow();
		for (const side of ['left', 'right'] as const) {
			const imageId = side === 'left' ? row.left_image_id : row.right_image_id;
			const stored = await db.kysely
				.selectFrom('image')
				.select(['stored_path', 'format'])
				.where('id', '=', imageId)
				.executeTakeFirstOrThrow();
			const url = next.assignment[side].image_url;
			const mine = await get(url, mixed.otto);
			expect([mine.status, mine.type]).toEqual([200, 'image/jpeg']);
			expect(stored.format).toBe('jpeg');
			expect(mine.bytes.equals(readFileSync(join(root, stored.stored_path)))).toBe(true);
			expect(mine.headers).toMatch(/cache-control: private, max-age=31536000, immutable/);
			expect(mine.headers).not.toMatch(/etag|last-modified/i);
			expect((await get(url, mixed.lea)).status).toBe(200);
			for (const who of ['eve', 'hedy', 'rae', 'out'] as const) expect((await get(url, mixed[who])).status, who).toBe(404);
			// evaluators never fetch by image id, not even an image of their own pair; leads and researchers do
			expect((await get(`/i/${imageId}`, mixed.otto)).status).toBe(404);
			expect((await get(`/i/${imageId}`, mixed.rae)).status).toBe(200);
			expect((await get(`/i/${imageId}`, mixed.lea)).bytes.equals(mine.bytes)).toBe(true);
		}
		expect((await get(`/i/a/${next.assignment.id}/middle`, mixed.otto)).status).toBe(404);
	});

	it('issues no lease on HEAD …/next or HEAD of the voting page: the GET after them gets the first lease', async () => {
		const hedy = (await db.kysely.selectFrom('user').select('id').where('email', '=', 'hedy@mixed.test').executeTakeFirstOrThrow()).id;
		const leases = async () => db.kysely.selectFrom('assignment').select('id').where('user_id', '=', hedy).execute();
		expect(await leases()).toEqual([]);
		const head = await get('/api/v1/campaigns/mixed/next', mixed.hedy, 'HEAD');
		expect(await leases()).toEqual([]);
		expect(head.status).toBe(405);
		// nor does HEAD on the voting page, whose load issues the pair it shows
		expect((await get('/c/mixed/vote', mixed.hedy, 'HEAD')).status).toBe(200);
		expect(await leases()).toEqual([]);
		expect(head.bytes.length).toBe(0);
		const next = await get('/api/v1/campaigns/mixed/next', mixed.hedy);
		expect(next.status).toBe(200);
		expect(await leases()).toEqual([{ id: JSON.parse(next.bytes.toString()).assignment.id }]);
	});
});

describe('one image format per campaign', () => {
	it('is a campaign setting: an unknown format is refused at its field and the current one kept', async () => {
		const before = (await requireCampaign(db.kysely, 'mixed')).settings;
		const form = { status: 'active', rationale_min_chars: '20', gold_rate: '50', repeat_rate: '50', image_format: 'bmp' };
		const response = await fetch(`${server.url}/c/mixed/manage?/settings`, {
			method: 'POST',
			headers: { cookie: mixed.lea, origin: server.url, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams(form).toString()
		});
		expect(response.status).toBe(400);
		expect(await response.text()).toContain('image_format must be one of jpeg, webp-lossless, webp, png');
		expect((await requireCampaign(db.kysely, 'mixed')).settings).toBe(before);
		expect(JSON.parse(before).imageFormat).toBe('jpeg');
	});

	it('converts images stored in another format once, on first request, and keeps the copy', async () => {
		const campaign = await requireCampaign(db.kysely, 'legacy');
		const before = await db.kysely
			.selectFrom('image')
			.select(['id', 'stored_path', 'format'])
			.where('campaign_id', '=', campaign.id)
			.execute();
		expect(before.map((i) => i.format)).toEqual(['png', 'png']);
		const next = JSON.parse((await get('/api/v1/campaigns/legacy/next')).bytes.toString());
		const served: Buffer[] = [];
		for (const side of ['left', 'right'] as const) {
			const image = await get(next.assignment[side].image_url);
			expect([image.status, image.type]).toEqual([200, 'image/webp']);
			served.push(await sharp(image.bytes).raw().toBuffer());
		}
		const after = await db.kysely
			.selectFrom('image')
			.select(['id', 'stored_path', 'format', 'bytes'])
			.where('campaign_id', '=', campaign.id)
			.execute();
		for (const image of after) {
			const old = before.find((b) => b.id === image.id)!;
			expect(image.format).toBe('webp-lossless');
			expect(image.stored_path).toMatch(/\.lossless\.webp$/);
			const copy = readFileSync(join(root, image.stored_path));
			expect(copy.length).toBe(image.bytes);
			// lossless: the pixels of the stored PNG, exactly, and those are what was served
			const [a, b] = await Promise.all([
				sharp(copy).raw().toBuffer(),
				sharp(readFileSync(join(root, old.stored_path)))
					.raw()
					.toBuffer()
			]);
			expect(a.equals(b)).toBe(true);
			expect(served.some((pixels) => pixels.equals(a))).toBe(true);
		}
		// served from the stored copy from now on
		const again = await get(next.assignment.left.image_url);
		expect(again.type).toBe('image/webp');
		expect(
			await db.kysely.selectFrom('image').select(['id', 'stored_path', 'format', 'bytes']).where('campaign_id', '=', campaign.id).execute()
		).toEqual(after);
	});
});
