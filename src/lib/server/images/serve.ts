// Serving stored images. Evaluators get an image only through the assignment that shows it
// (/i/a/<assignment>/<left|right>): a URL that is new with every lease, so a hidden repeat or a gold
// pair never reuses a URL the evaluator saw before. Leads, researchers and admins audit by image id
// (/i/<id>); evaluators never see image ids, and an id they learnt anyway (an old URL) tells them nothing.
import sharp from 'sharp';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { getDb } from '../db/instance.ts';
import { notFound } from '../errors.ts';
import { contentPath, imageStore, storeUnavailable, StoreError, type ImageStore } from './storage.ts';
import { campaignSettings } from '../campaigns/campaigns.ts';
import { ENCODINGS, contentTypeOf, encodeForServing, type ImageFormat } from './formats.ts';
import type { SessionUser } from '../auth/session.ts';

interface StoredImage {
	id: string;
	sha256: string;
	stored_path: string;
	format: string;
	/** the campaign's settings JSON: which format it serves */
	settings: string;
}

export interface ServedImage {
	bytes: Uint8Array;
	contentType: string;
}

/** By image id: members of the image's campaign other than evaluators, and admins; 404 otherwise, so ids cannot be probed. */
export async function readImageForUser(user: SessionUser, imageId: string): Promise<ServedImage> {
	const db = (await getDb()).kysely;
	const image = await db
		.selectFrom('image')
		.innerJoin('campaign', 'campaign.id', 'image.campaign_id')
		.leftJoin('campaign_member', (join) =>
			join.onRef('campaign_member.campaign_id', '=', 'image.campaign_id').on('campaign_member.user_id', '=', user.id)
		)
		.select(['image.id', 'image.sha256', 'image.stored_path', 'image.format', 'campaign.settings', 'campaign_member.role'])
		.where('image.id', '=', imageId)
		.executeTakeFirst();
	const allowed = user.isAdmin || (image?.role != null && image.role !== 'evaluator');
	// placeholders of imported battles have no file
	if (!image || !allowed || !image.stored_path) throw notFound('image');
	return servedCopy(db, image);
}

/** One side of an assignment: for the evaluator who holds it, the campaign's leads and admins; 404 for anyone else. */
export async function readAssignmentImageForUser(user: SessionUser, assignmentId: string, side: string): Promise<ServedImage> {
	if (side !== 'left' && side !== 'right') throw notFound('image');
	const db = (await getDb()).kysely;
	const image = await db
		.selectFrom('assignment')
		.innerJoin('image', 'image.id', side === 'left' ? 'assignment.left_image_id' : 'assignment.right_image_id')
		.innerJoin('campaign', 'campaign.id', 'assignment.campaign_id')
		.leftJoin('campaign_member', (join) =>
			join.onRef('campaign_member.campaign_id', '=', 'assignment.campaign_id').on('campaign_member.user_id', '=', user.id)
		)
		.select([
			'image.id',
			'image.sha256',
			'image.stored_path',
			'image.format',
			'campaign.settings',
			'campaign_member.role',
			'assignment.user_id'
		])
		.where('assignment.id', '=', assignmentId)
		.executeTakeFirst();
	const allowed = user.isAdmin || image?.role === 'lead' || (image?.role != null && image.user_id === user.id);
	if (!image || !allowed || !image.stored_path) throw notFound('image');
	return servedCopy(db, image);
}

/**
 * Cacheable for a year: an assignment side shows the same picture for its whole lease (after a
 * format change, a copy cached before it is the same pixels in the old format). No ETag, no file name.
 */
export function imageResponse({ bytes, contentType }: ServedImage): Response {
	return new Response(new Uint8Array(bytes), {
		headers: {
			'content-type': contentType,
			'content-length': String(bytes.length),
			'cache-control': 'private, max-age=31536000, immutable',
			'content-disposition': 'inline',
			'x-content-type-options': 'nosniff'
		}
	});
}

/** Conversions under way, by image id: two requests for the same image convert it once. */
const converting = new Map<string, Promise<ServedImage>>();

/** The stored copy when it is in the campaign's format; otherwise converted once, stored, and the row updated. */
async function servedCopy(db: Kysely<Database>, image: StoredImage): Promise<ServedImage> {
	const target = campaignSettings(image).imageFormat;
	const store = await imageStore();
	if (image.format === target) return { bytes: await read(store, image.stored_path), contentType: contentTypeOf(target) };
	let pending = converting.get(image.id);
	if (!pending) {
		pending = convert(db, store, image, target).finally(() => converting.delete(image.id));
		converting.set(image.id, pending);
	}
	return pending;
}

/** A store that cannot be reached is a 503 naming the store; a missing file stays a server error (it should exist). */
async function read(store: ImageStore, key: string): Promise<Buffer> {
	try {
		return await store.get(key);
	} catch (e) {
		if (e instanceof StoreError && !e.missing) throw storeUnavailable(e, 'be read');
		throw e;
	}
}

async function convert(db: Kysely<Database>, store: ImageStore, image: StoredImage, target: ImageFormat): Promise<ServedImage> {
	const source = await read(store, image.stored_path);
	// the stored copy was decoded in full at import: no pixel limit to enforce again
	const { data } = await encodeForServing(sharp(source, { limitInputPixels: false }), target);
	const stored = contentPath(image.sha256, ENCODINGS[target].suffix);
	// content-addressed: another campaign may have stored this copy already (then it is kept, and served)
	try {
		await store.put(stored, data, contentTypeOf(target));
	} catch (e) {
		if (e instanceof StoreError) throw storeUnavailable(e, 'be written');
		throw e;
	}
	const bytes = await read(store, stored);
	await db.updateTable('image').set({ stored_path: stored, format: target, bytes: bytes.length }).where('id', '=', image.id).execute();
	return { bytes, contentType: contentTypeOf(target) };
}
