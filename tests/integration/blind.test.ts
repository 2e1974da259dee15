// Blind means blind: nothing an evaluator receives before voting (HTML, JSON, image URLs, image
// bytes, headers) names the system, the file, its hash or where it is stored — even when the
// generator wrote its name into the image's metadata.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { openMigratedDatabase } from '../../src/lib/server/db/index.ts';
import { createUser } from '../../src/lib/server/auth/users.ts';
import { addMember, createCampaign } from '../../src/lib/server/campaigns/campaigns.ts';
import { importImages } from '../../src/lib/server/images/import.ts';
import { createSession } from '../../src/lib/server/auth/session.ts';
import { jpegWithExif, pngWithTextChunk } from '../helpers/images.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

let root: string;
let server: RunningServer;
let cookie: string;
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
	writeFileSync(join(set, 'manifest.csv'), 'image_path,prompt,system\nsecretgen_cat.png,a cat on a sofa,SecretGen-XL\nhiddenjourney_cat.jpg,a cat on a sofa,HiddenJourney-7\n');
	const db = await openMigratedDatabase(`sqlite:${join(root, 'pickwise.db')}`);
	await createCampaign(db.kysely, { slug: 'blind', name: 'Blind test' });
	await importImages(db.kysely, { campaign: 'blind', manifestPath: join(set, 'manifest.csv'), dataDir: root });
	for (const image of await db.kysely.selectFrom('image').select(['stored_path', 'system_id']).execute()) {
		secrets.push(image.stored_path, image.system_id);
	}
	const user = await createUser(db.kysely, { email: 'eve@blind.test', password: 'evaluator-password' });
	await addMember(db.kysely, { slug: 'blind', email: 'eve@blind.test', role: 'evaluator' });
	cookie = `pickwise_session=${(await createSession(db.kysely, user.id)).token}`;
	await db.close();
	server = await startServer(root);
});

afterAll(async () => {
	await server?.stop();
	rmSync(root, { recursive: true, force: true });
});

async function get(path: string) {
	const response = await fetch(server.url + path, { headers: { cookie } });
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
		for (const side of [assignment.left, assignment.right]) {
			expect(side.image_url).toMatch(/^\/i\/[a-z2-7]{24}$/);
			expect(pageHtml.bytes.includes(Buffer.from(side.image_url))).toBe(true);
			const image = await get(side.image_url);
			expect(image.status).toBe(200);
			expect(image.type).toMatch(/^image\/(png|jpeg)$/);
			expect(image.headers).toMatch(/cache-control: private, max-age=31536000, immutable/);
			expect(image.headers).not.toMatch(/etag|last-modified|content-disposition: .*filename/i);
			expectNoSecret(`image ${side.image_url}`, image.bytes);
			expectNoSecret(`image headers ${side.image_url}`, Buffer.from(image.headers));
			const meta = await sharp(image.bytes).metadata();
			expect(meta.exif).toBeUndefined();
			expect(meta.xmp).toBeUndefined();
			expect(meta.comments ?? []).toEqual([]);
		}
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
