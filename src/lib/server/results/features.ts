// Mean luminance and RMS contrast of each stored image, the two controls of the controlled
// leaderboard that need the pixels. Measured once per image and stored (image_feature), on a copy of
// at most 512 px a side in grey levels (0–255): sharp decodes and scales in its own thread pool, so the
// event loop only sums the small copy. Images stored before the table existed are measured lazily,
// once per process, the first time a campaign's controlled board or controlled tab asks for them.
import sharp from 'sharp';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { readImageBytes } from '../images/storage.ts';

export interface ImageMeasure {
	/** mean grey level, 0–255 */
	luminance: number;
	/** standard deviation of the grey levels (RMS contrast), 0–127.5 */
	contrast: number;
}

const SIDE = 512;

/** Mean luminance and RMS contrast of encoded image bytes. */
export async function measureImage(bytes: Uint8Array): Promise<ImageMeasure> {
	const { data } = await sharp(bytes, { limitInputPixels: false })
		.resize(SIDE, SIDE, { fit: 'inside', withoutEnlargement: true })
		// transparent pixels count as white, as the vote page shows them on a white page
		.flatten({ background: '#ffffff' })
		.greyscale()
		.raw()
		.toBuffer({ resolveWithObject: true });
	let sum = 0;
	let squares = 0;
	for (let i = 0; i < data.length; i++) {
		sum += data[i];
		squares += data[i] * data[i];
	}
	const n = Math.max(1, data.length);
	const mean = sum / n;
	return { luminance: mean, contrast: Math.sqrt(Math.max(0, squares / n - mean * mean)) };
}

/** Campaigns being measured: concurrent callers wait for the same pass. */
const pending = new Map<string, Promise<number>>();
/** Images whose bytes could not be read or decoded in this process: not retried on every request. */
const failed = new Set<string>();

/**
 * Measures every image of the campaign that has a stored file and no features yet; resolves to the
 * number measured now. Two at a time: the other core stays free for requests.
 */
export function ensureImageFeatures(db: Kysely<Database>, campaignId: string): Promise<number> {
	let run = pending.get(campaignId);
	if (!run) {
		run = measureMissing(db, campaignId).finally(() => pending.delete(campaignId));
		pending.set(campaignId, run);
	}
	return run;
}

async function measureMissing(db: Kysely<Database>, campaignId: string): Promise<number> {
	const missing = (
		await db
			.selectFrom('image')
			.leftJoin('image_feature', 'image_feature.image_id', 'image.id')
			.select(['image.id', 'image.stored_path'])
			.where('image.campaign_id', '=', campaignId)
			.where('image.stored_path', '!=', '')
			.where('image_feature.image_id', 'is', null)
			.execute()
	).filter((im) => !failed.has(im.id));
	let measured = 0;
	let next = 0;
	const worker = async () => {
		while (next < missing.length) {
			const image = missing[next++];
			let m: ImageMeasure;
			try {
				m = await measureImage(await readImageBytes(image));
			} catch {
				failed.add(image.id);
				continue;
			}
			await db
				.insertInto('image_feature')
				.values({ image_id: image.id, campaign_id: campaignId, luminance: m.luminance, contrast: m.contrast, computed_at: Date.now() })
				.onConflict((oc) => oc.column('image_id').doNothing())
				.execute();
			measured++;
		}
	};
	await Promise.all([worker(), worker()]);
	return measured;
}

/** The stored features of a campaign's images, by image id (images not measured are absent). */
export async function campaignImageFeatures(db: Kysely<Database>, campaignId: string): Promise<Map<string, ImageMeasure>> {
	const rows = await db
		.selectFrom('image_feature')
		.select(['image_id', 'luminance', 'contrast'])
		.where('campaign_id', '=', campaignId)
		.execute();
	return new Map(rows.map((r) => [r.image_id, { luminance: Number(r.luminance), contrast: Number(r.contrast) }]));
}
