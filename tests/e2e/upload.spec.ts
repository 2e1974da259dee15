// A lead uploads a ZIP of images in the browser: the upload shows its progress, the dry run lists a
// corrupt image and a `../` entry as refused with their reasons, and confirming adds only the rest.
import { expect, test } from '@playwright/test';
import sharp from 'sharp';
import { zipBuffer } from '../helpers/zip.ts';

test('a lead uploads a ZIP, reads the dry run and confirms the good rows', async ({ page }) => {
	const noise = (seed: number) => Buffer.from(Array.from({ length: 32 * 32 * 3 }, (_, i) => (i * 31 + seed * 97) % 256));
	const a = await sharp(noise(1), { raw: { width: 32, height: 32, channels: 3 } })
		.png()
		.toBuffer();
	const b = await sharp(noise(2), { raw: { width: 32, height: 32, channels: 3 } })
		.png()
		.toBuffer();
	const jpeg = await sharp(noise(3), { raw: { width: 32, height: 32, channels: 3 } })
		.jpeg()
		.toBuffer();
	const zip = zipBuffer([
		{
			name: 'manifest.csv',
			data:
				[
					'image_path,prompt,system',
					'new/a.png,an e2e upload prompt,AttnGAN_normal',
					'new/b.png,an e2e upload prompt,DALLE2_normal',
					'new/broken.jpg,an e2e upload prompt,GLIDE_normal',
					'../escape.png,an e2e upload prompt,GLIDE_normal'
				].join('\n') + '\n'
		},
		{ name: 'new/a.png', data: a },
		{ name: 'new/b.png', data: b },
		{ name: 'new/broken.jpg', data: jpeg.subarray(0, jpeg.length / 2) },
		{ name: '../escape.png', data: a }
	]);

	await page.goto('/login');
	await page.getByLabel('Email').fill('lead@pickwise.test');
	await page.getByLabel('Password').fill('pickwise-lead');
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByRole('heading', { name: 'Your campaigns' })).toBeVisible();
	await page.goto('/c/agiqa-demo/manage');
	await page.getByRole('link', { name: 'Images' }).click();
	await expect(page.getByRole('heading', { name: /^Images:/ })).toBeVisible();
	const systemsBefore = await page.getByRole('table', { name: 'Systems' }).getByRole('row').count();

	await page.getByLabel(/ZIP file, or image files/).setInputFiles({ name: 'e2e.zip', mimeType: 'application/zip', buffer: zip });
	await page.getByRole('button', { name: 'Upload and check' }).click();
	await expect(page.getByRole('heading', { name: 'Dry run: nothing is added until you confirm' })).toBeVisible();
	await expect(page.getByRole('status').first()).toContainText('2 ok');

	const rows = page.getByRole('table', { name: /Every row/ });
	await expect(rows.getByRole('row', { name: /broken\.jpg/ })).toContainText('refused: image is corrupt or truncated');
	await expect(rows.getByRole('row', { name: /escape\.png/ })).toContainText("refused: path is outside the manifest's folder");
	await expect(page.getByRole('table', { name: 'Files not read from the upload' })).toContainText('the path leaves the archive (..)');

	await page.getByRole('button', { name: /^Confirm: add 2 rows/ }).click();
	await expect(page.getByRole('status').filter({ hasText: 'Added 2 images' })).toBeVisible();
	// no new system: the refused rows named the only one that is not in the demo
	await expect(page.getByRole('table', { name: 'Systems' }).getByRole('row')).toHaveCount(systemsBefore);
});
