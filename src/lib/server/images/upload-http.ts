// One answer to an upload for both ways it arrives: through SvelteKit (src/routes/c/[slug]/images/
// upload, small bodies: adapter-node caps them at BODY_SIZE_LIMIT) and through the upload lane in
// bin/server.js, which streams bodies up to MAX_UPLOAD_BYTES. The browser's script asks for JSON; a
// plain form post (no JavaScript) is sent back to the images page, which shows the dry run or why
// the upload was refused.
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { Campaign, Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { dataDirFromEnv } from './storage.ts';
import { receiveUpload, rememberMessage, uploadJson } from './upload.ts';

export interface UploadAnswer {
	status: number;
	headers: Record<string, string>;
	body: string;
}

export async function answerUpload(
	db: Kysely<Database>,
	campaign: Campaign,
	userId: string,
	headers: IncomingHttpHeaders,
	body: Readable
): Promise<UploadAnswer> {
	const wantsJson = /application\/json/i.test(String(headers.accept ?? ''));
	const page = `/c/${encodeURIComponent(campaign.slug)}/images`;
	try {
		const stored = await receiveUpload(db, campaign, userId, { headers, body }, dataDirFromEnv());
		const location = `${page}?upload=${stored.id}`;
		if (!wantsJson) return { status: 303, headers: { location }, body: '' };
		return json(201, { upload: uploadJson(stored), location });
	} catch (e) {
		if (!(e instanceof AppError)) throw e;
		if (!wantsJson) return { status: 303, headers: { location: `${page}?refused=${rememberMessage(e.message)}` }, body: '' };
		return json(e.status, e.toJSON());
	}
}

function json(status: number, payload: unknown): UploadAnswer {
	return { status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }, body: JSON.stringify(payload) };
}
