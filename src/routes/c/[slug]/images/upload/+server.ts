// POST a campaign's images (multipart: a ZIP and/or files with a manifest) for a dry run. bin/server.js
// streams large bodies through the upload lane (src/lib/server/images/upload-lane.ts) with the same
// answer; this route serves bodies within SvelteKit's BODY_SIZE_LIMIT (e.g. under `node build/index.js`).
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { RequestHandler } from './$types';
import { requireCampaignRole } from '$lib/server/auth/guards';
import { answerUpload } from '$lib/server/images/upload-http';

export const POST: RequestHandler = async (event) => {
	const { db, campaign, user } = await requireCampaignRole(event, event.params.slug, 'manage');
	const headers = Object.fromEntries(event.request.headers);
	const body = event.request.body ? Readable.fromWeb(event.request.body as NodeReadableStream) : Readable.from([]);
	const answer = await answerUpload(db.kysely, campaign, user.id, headers, body);
	return new Response(answer.body || null, { status: answer.status, headers: answer.headers });
};
