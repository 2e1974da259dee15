// Uploads of images bypass SvelteKit's request body limit (adapter-node's BODY_SIZE_LIMIT, 512 kB by
// default, for every route at once): bin/server.js offers `POST /c/{slug}/images/upload` to this lane
// first. It takes the request only when it is sure — a valid session cookie of a lead or admin of
// the campaign, and an Origin equal to the server's own (the CSRF check Kit would make) — and then
// streams the body to disk with the same code as the Kit route. Anything else goes to SvelteKit
// untouched (the body unread), which answers with its own redirect, error page or CSRF refusal.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getDb } from '../db/instance.ts';
import { SESSION_COOKIE, validateSessionToken } from '../auth/session.ts';
import { requireCampaignAccess } from '../auth/access.ts';
import { SECURITY_HEADERS, API_CSP } from '../http/security-headers.ts';
import { answerUpload } from './upload-http.ts';

const LANE = Symbol.for('pickwise.uploadLane');
const ROUTE = /^\/c\/([^/?#]+)\/images\/upload$/;
const DRAIN_LIMIT = 64 * 1024 * 1024;

export type UploadLane = (req: IncomingMessage, res: ServerResponse, fallback: () => void) => boolean;

/** Called from the server hooks' init, next to the fast lane. */
export function registerUploadLane(): void {
	(globalThis as Record<symbol, unknown>)[LANE] = uploadLane;
}

export const uploadLane: UploadLane = (req, res, fallback) => {
	const match = req.method === 'POST' && req.url ? ROUTE.exec(req.url) : null;
	if (!match) return false;
	const token = cookie(req.headers.cookie, SESSION_COOKIE);
	if (!token || req.headers.authorization || req.headers.origin !== ownOrigin(req)) return false;
	let slug: string;
	try {
		slug = decodeURIComponent(match[1]);
	} catch {
		return false;
	}
	serve(req, res, slug, token, fallback).catch((error) => {
		console.error(error);
		if (!res.headersSent) {
			res.writeHead(500, {
				...SECURITY_HEADERS,
				'Content-Security-Policy': API_CSP,
				'content-type': 'application/json',
				connection: 'close'
			});
			res.end(JSON.stringify({ error: { code: 'internal', message: 'Internal Error' } }));
		} else res.destroy();
	});
	return true;
};

async function serve(req: IncomingMessage, res: ServerResponse, slug: string, token: string, fallback: () => void) {
	const db = (await getDb()).kysely;
	const found = await validateSessionToken(db, token);
	if (!found) return fallback();
	let campaign;
	try {
		campaign = (await requireCampaignAccess(db, found.user, slug, 'manage')).campaign;
	} catch {
		return fallback(); // Kit renders the 403/404 as it does for every page
	}
	const answer = await answerUpload(db, campaign, found.user.id, req.headers, req);
	res.writeHead(answer.status, {
		...SECURITY_HEADERS,
		'Content-Security-Policy': API_CSP,
		...answer.headers,
		'content-length': Buffer.byteLength(answer.body)
	});
	res.end(answer.body);
	// a refused body is read and dropped, so a client still sending gets the answer; past a
	// bound the connection is cut instead (nobody needs gigabytes drained to read a 413)
	if (!req.complete) {
		let drained = 0;
		req.on('data', (chunk: Buffer) => {
			drained += chunk.length;
			if (drained > DRAIN_LIMIT) req.socket.destroy();
		});
		req.resume();
	}
}

/** The origin a same-site form post carries: ORIGIN when set (behind a proxy), else this request's host. */
function ownOrigin(req: IncomingMessage): string | null {
	if (process.env.ORIGIN) return new URL(process.env.ORIGIN).origin;
	if (!req.headers.host) return null;
	const header = process.env.PROTOCOL_HEADER?.toLowerCase();
	const value = header ? req.headers[header] : undefined;
	const protocol = (typeof value === 'string' && value) || 'http';
	return `${protocol}://${req.headers.host}`;
}

function cookie(header: string | undefined, name: string): string | null {
	if (!header) return null;
	for (const part of header.split(';')) {
		const eq = part.indexOf('=');
		if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || null;
	}
	return null;
}
