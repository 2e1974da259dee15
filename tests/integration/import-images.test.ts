// `pickwise import images` end to end: real files, real SQLite, the real command.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { pickwise } from '../helpers/cli.ts';
import { jpegWithExif, pngWithTextChunk, solidJpeg, solidPng } from '../helpers/images.ts';
import { openMigratedDatabase } from '../../src/lib/server/db/index.ts';

let root: string;
let dataDir: string;
let set: string;

async function count(table: 'image' | 'system' | 'prompt') {
	const db = await openMigratedDatabase(`sqlite:${join(dataDir, 'pickwise.db')}`);
	try {
		return (await db.kysely.selectFrom(table).selectAll().execute()).length;
	} finally {
		await db.close();
	}
}

beforeAll(async () => {
	root = mkdtempSync(join(tmpdir(), 'pickwise-import-'));
	dataDir = join(root, 'data');
	set = join(root, 'set');
	mkdirSync(join(set, 'img'), { recursive: true });
	writeFileSync(join(set, 'img', 'a1.png'), await solidPng(32, 32, { r: 1, g: 2, b: 3 }));
	writeFileSync(join(set, 'img', 'b1.jpg'), await solidJpeg(32, 32, { r: 4, g: 5, b: 6 }));
	writeFileSync(join(set, 'img', 'a2.png'), await pngWithTextChunk('Steps: 20, Sampler: Euler, Model: sd_xl_base_1.0'));
	writeFileSync(join(set, 'img', 'b2.jpg'), await jpegWithExif('Midjourney v6'));
	writeFileSync(join(set, 'img', 'not-an-image.jpg'), 'this is text, not a JPEG');
	const jpeg = await solidJpeg(200, 200, { r: 9, g: 9, b: 9 });
	writeFileSync(join(set, 'img', 'truncated.jpg'), jpeg.subarray(0, Math.floor(jpeg.length / 2)));
	writeFileSync(
		join(set, 'img', 'big.png'),
		await sharp({ create: { width: 600, height: 600, channels: 3, background: '#fff' } })
			.png()
			.toBuffer()
	);
	writeFileSync(join(root, 'outside.png'), await solidPng(8, 8));
	expect(pickwise(dataDir, ['campaign', 'create', '--slug', 'imp', '--name', 'Import test']).code).toBe(0);
	writeFileSync(
		join(set, 'manifest.csv'),
		[
			'image_path,prompt,model,category',
			'img/a1.png,"a red fox, in snow",alpha,animals',
			'img/b1.jpg,"a red fox, in snow",beta,animals',
			'img/a2.png,a lighthouse at dusk,alpha,',
			'img/b2.jpg,a lighthouse at dusk,beta,',
			'img/missing.png,a lighthouse at dusk,gamma,',
			'img/not-an-image.jpg,a lighthouse at dusk,gamma,',
			'img/truncated.jpg,a lighthouse at dusk,delta,',
			'img/big.png,a lighthouse at dusk,epsilon,',
			'../outside.png,a lighthouse at dusk,zeta,',
			'img/a1.png,"a red fox, in snow",alpha,animals',
			'img/b1.jpg,,beta,',
			'img/b1.jpg,a lighthouse at dusk,,'
		].join('\n') + '\n'
	);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('pickwise import images', () => {
	it('reports every bad row with its line and reason and writes nothing', async () => {
		const r = pickwise(dataDir, [
			'import',
			'images',
			'--campaign',
			'imp',
			'--manifest',
			join(set, 'manifest.csv'),
			'--max-pixels',
			'250000'
		]);
		expect(r.code).toBe(1);
		expect(r.stderr).toContain('line 6: img/missing.png: file not found');
		expect(r.stderr).toContain('line 7: img/not-an-image.jpg: is not an image');
		expect(r.stderr).toMatch(/line 8: img\/truncated.jpg: image is corrupt or truncated/);
		expect(r.stderr).toMatch(/line 9: img\/big.png: image is 600×600 = 360000 pixels, over the limit of 250000/);
		expect(r.stderr).toContain("line 10: ../outside.png: path is outside the manifest's folder");
		expect(r.stderr).toContain('line 11: img/a1.png: duplicate of line 2');
		expect(r.stderr).toContain('line 12: img/b1.jpg: prompt is empty');
		expect(r.stderr).toContain('line 13: img/b1.jpg: system is empty');
		expect(r.stderr).toContain('8 of 12 rows are invalid; nothing was imported');
		expect(await count('image')).toBe(0);
		expect(await count('system')).toBe(0);
	});

	it('imports the good rows with --skip-invalid, stored by content hash', async () => {
		const r = pickwise(dataDir, [
			'import',
			'images',
			'--campaign',
			'imp',
			'--manifest',
			join(set, 'manifest.csv'),
			'--max-pixels',
			'250000',
			'--skip-invalid'
		]);
		expect(r.code).toBe(0);
		expect(r.stdout).toContain('added 4, skipped 0 (already imported), rejected 8 of 12 rows; new systems 2, new prompts 2');
		expect(await count('image')).toBe(4);
		// PNG and JPEG sources alike, in the campaign's one format (default JPEG)
		const stored = readdirSync(join(dataDir, 'images'), { recursive: true })
			.map(String)
			.filter((f) => /\.(png|jpg|webp)$/.test(f));
		expect(stored).toHaveLength(4);
		for (const f of stored) expect(f).toMatch(/^[0-9a-f]{2}\/[0-9a-f]{64}\.jpg$/);
	});

	it('stores images without the metadata that names their generator', async () => {
		const files = readdirSync(join(dataDir, 'images'), { recursive: true })
			.map(String)
			.filter((f) => /\.(png|jpg|webp)$/.test(f));
		for (const f of files) {
			const bytes = readFileSync(join(dataDir, 'images', f));
			expect(bytes.includes(Buffer.from('sd_xl_base'))).toBe(false);
			expect(bytes.includes(Buffer.from('Midjourney'))).toBe(false);
			expect((await sharp(bytes).metadata()).exif).toBeUndefined();
		}
	});

	it('adds nothing twice when the same manifest is imported again', async () => {
		const r = pickwise(dataDir, [
			'import',
			'images',
			'--campaign',
			'imp',
			'--manifest',
			join(set, 'manifest.csv'),
			'--max-pixels',
			'250000',
			'--skip-invalid'
		]);
		expect(r.stdout).toMatch(/added 0, skipped 4/);
		expect(await count('image')).toBe(4);
		expect(await count('prompt')).toBe(2);
	});

	it('names a missing manifest column and an unknown campaign', () => {
		writeFileSync(join(set, 'bad-header.csv'), 'path,prompt\nimg/a1.png,x\n');
		const r = pickwise(dataDir, ['import', 'images', '--campaign', 'imp', '--manifest', join(set, 'bad-header.csv')]);
		expect(r.code).toBe(1);
		expect(r.stderr).toContain('manifest header lacks column(s): image_path, system (or model)');
		const u = pickwise(dataDir, ['import', 'images', '--campaign', 'nope', '--manifest', join(set, 'manifest.csv')]);
		expect(u.stderr).toContain('campaign nope not found');
	});
});
