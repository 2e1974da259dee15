// Serving stored images to members of their campaign.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { getDb } from '../db/instance.ts';
import { notFound } from '../errors.ts';
import { dataDirFromEnv } from './storage.ts';
import type { SessionUser } from '../auth/session.ts';

const CONTENT_TYPES: Record<string, string> = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' };

/** The image if the user may see its campaign (any member, or an admin); 404 otherwise, so ids cannot be probed. */
export async function readImageForUser(user: SessionUser, imageId: string) {
	const db = (await getDb()).kysely;
	const image = await db
		.selectFrom('image')
		.leftJoin('campaign_member', (join) =>
			join.onRef('campaign_member.campaign_id', '=', 'image.campaign_id').on('campaign_member.user_id', '=', user.id)
		)
		.select(['image.stored_path', 'image.format', 'campaign_member.role'])
		.where('image.id', '=', imageId)
		.executeTakeFirst();
	// placeholders of imported battles have no file
	if (!image || (!image.role && !user.isAdmin) || !image.stored_path) throw notFound('image');
	const bytes = await readFile(join(dataDirFromEnv(), image.stored_path));
	return { bytes, contentType: CONTENT_TYPES[image.format] ?? 'application/octet-stream' };
}
