// Serving stored images. Evaluators get an image only through the assignment that shows it
// (/i/a/<assignment>/<left|right>): a URL that is new with every lease, so a hidden repeat or a gold
// pair never reuses a URL the evaluator saw before. Leads, researchers and admins audit by image id
// (/i/<id>); evaluators never see image ids, and an id they learnt anyway (an old URL) tells them nothing.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { getDb } from '../db/instance.ts';
import { notFound } from '../errors.ts';
import { dataDirFromEnv } from './storage.ts';
import type { SessionUser } from '../auth/session.ts';

interface StoredImage {
	id: string;
	sha256: string;
	stored_path: string;
	format: string;
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
		.leftJoin('campaign_member', (join) =>
			join.onRef('campaign_member.campaign_id', '=', 'image.campaign_id').on('campaign_member.user_id', '=', user.id)
		)
		.select(['image.id', 'image.sha256', 'image.stored_path', 'image.format', 'campaign_member.role'])
		.where('image.id', '=', imageId)
		.executeTakeFirst();
	const allowed = user.isAdmin || (image?.role != null && image.role !== 'evaluator');
	// placeholders of imported battles have no file
	if (!image || !allowed || !image.stored_path) throw notFound('image');
	return servedCopy(image);
}

/** One side of an assignment: for the evaluator who holds it, the campaign's leads and admins; 404 for anyone else. */
export async function readAssignmentImageForUser(user: SessionUser, assignmentId: string, side: string): Promise<ServedImage> {
	if (side !== 'left' && side !== 'right') throw notFound('image');
	const db = (await getDb()).kysely;
	const image = await db
		.selectFrom('assignment')
		.innerJoin('image', 'image.id', side === 'left' ? 'assignment.left_image_id' : 'assignment.right_image_id')
		.leftJoin('campaign_member', (join) =>
			join.onRef('campaign_member.campaign_id', '=', 'assignment.campaign_id').on('campaign_member.user_id', '=', user.id)
		)
		.select(['image.id', 'image.sha256', 'image.stored_path', 'image.format', 'campaign_member.role', 'assignment.user_id'])
		.where('assignment.id', '=', assignmentId)
		.executeTakeFirst();
	const allowed = user.isAdmin || image?.role === 'lead' || (image?.role != null && image.user_id === user.id);
	if (!image || !allowed || !image.stored_path) throw notFound('image');
	return servedCopy(image);
}

/**
 * Cacheable for a year: an image id or an assignment side never shows other bytes. No ETag, no file name.
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

const CONTENT_TYPES: Record<string, string> = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' };

async function servedCopy(image: StoredImage): Promise<ServedImage> {
	const bytes = await readFile(join(dataDirFromEnv(), image.stored_path));
	return { bytes, contentType: CONTENT_TYPES[image.format] ?? 'application/octet-stream' };
}
