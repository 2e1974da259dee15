// The evaluators' two hot API calls — `GET /api/v1/campaigns/{slug}/next` and
// `POST /api/v1/campaigns/{slug}/votes` — answered straight from Node's request, before SvelteKit.
// Kit's request pipeline (a web Request, hooks, routing, a web Response streamed back) costs about
// as much as the vote itself; at a hundred evaluators it capped throughput near 800 requests/s.
// The lane runs the same guards and the same services as the routes (requireCampaignAccess,
// nextAssignment, castVoteFromJson), writes the same JSON and headers, and hands anything unusual
// back to SvelteKit untouched: other paths and methods, query strings, API tokens, a missing or
// invalid session (Kit clears the cookie), a body that is not JSON.
// bin/server.js uses it; `node build/index.js` (plain adapter-node) simply goes without.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getDb, shutdownDb } from '../db/instance.ts';
import { SESSION_COOKIE, sessionExpiresAt, validateSessionToken, type SessionRecord } from '../auth/session.ts';
import { requireCampaignAccess } from '../auth/access.ts';
import { parseJsonBody } from './api-route.ts';
import { assignmentJson, nextAssignment } from '../voting/leases.ts';
import { castVoteFromJson } from '../voting/cast-vote.ts';
import { AppError } from '../errors.ts';
import { API_CSP, SECURITY_HEADERS } from './security-headers.ts';

export type FastLane = (req: IncomingMessage, res: ServerResponse, fallback: () => void) => boolean;

const LANE = Symbol.for('pickwise.fastLane');
const ROUTE = /^\/api\/v1\/campaigns\/([^/?#]+)\/(next|votes)$/;
/** A vote is a few kB at most (2,000 characters of rationale); SvelteKit's own limit is 512 kB. */
const BODY_LIMIT = 64 * 1024;

/** Called from the server hooks' init: bin/server.js finds the lane once SvelteKit is up. */
export function registerFastLane(): void {
	(globalThis as Record<symbol, unknown>)[LANE] = fastLane;
	// and how bin/server.js closes the database (last checkpoint, worker stopped) when it stops
	(globalThis as Record<symbol, unknown>)[Symbol.for('pickwise.shutdown')] = shutdownDb;
}

/** True when the lane took the request; false (synchronously) when SvelteKit should have it. */
export const fastLane: FastLane = (req, res, fallback) => {
	const match = req.url ? ROUTE.exec(req.url) : null;
	if (!match) return false;
	const route = match[2];
	if (route === 'next' ? req.method !== 'GET' : req.method !== 'POST') return false;
	if (req.headers.authorization) return false;
	if (route === 'votes' && !/^application\/json\b/i.test(req.headers['content-type'] ?? '')) return false;
	const token = sessionToken(req.headers.cookie);
	if (!token) return false;
	let slug: string;
	try {
		slug = decodeURIComponent(match[1]);
	} catch {
		return false;
	}
	const started = performance.now();
	serve(req, res, route, slug, token, fallback, started).catch((error) => {
		// the session check may write (its sliding expiry) and so meet a busy database: a 503, not a 500
		if (error instanceof AppError && !res.headersSent)
			return send(res, started, error.status, error.toJSON(), undefined, false, error.retryAfter);
		console.error(error);
		if (!res.headersSent) send(res, started, 500, { error: { code: 'internal', message: 'Internal Error' } });
		else res.destroy();
	});
	return true;
};

async function serve(
	req: IncomingMessage,
	res: ServerResponse,
	route: string,
	slug: string,
	token: string,
	fallback: () => void,
	started: number
) {
	const db = await getDb();
	const found = await validateSessionToken(db.kysely, token);
	if (!found) return fallback();
	const cookie = sessionCookie(req, token, found.session);
	try {
		const { campaign, quota } = await requireCampaignAccess(db.kysely, found.user, slug, 'vote');
		if (route === 'next') {
			const pair = await nextAssignment(db.kysely, campaign, found.user.id, quota);
			if (!pair) return send(res, started, 204, null, cookie, true);
			return send(res, started, 200, { assignment: assignmentJson(pair) }, cookie, true);
		}
		const text = await readBody(req);
		const { status, payload } = await castVoteFromJson(db.kysely, campaign, found.user.id, parseJsonBody(text));
		send(res, started, status, payload, cookie);
	} catch (e) {
		if (e instanceof AppError) return send(res, started, e.status, e.toJSON(), cookie, false, e.retryAfter);
		throw e;
	}
}

function sessionToken(header: string | undefined): string | null {
	if (!header) return null;
	for (const part of header.split(';')) {
		const eq = part.indexOf('=');
		if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim() || null;
	}
	return null;
}

/**
 * The same cookie setSessionCookie writes through Kit: the session's expiry slides with use. Secure
 * as Kit decides it: the protocol of ORIGIN, else of adapter-node's PROTOCOL_HEADER, else https.
 */
function sessionCookie(req: IncomingMessage, token: string, session: SessionRecord): string {
	const secure = requestProtocol(req) === 'https' ? '; Secure' : '';
	return `${SESSION_COOKIE}=${token}; Path=/; Expires=${sessionExpiresAt(session).toUTCString()}; HttpOnly; SameSite=Lax${secure}`;
}

function requestProtocol(req: IncomingMessage): string {
	if (process.env.ORIGIN) return new URL(process.env.ORIGIN).protocol.slice(0, -1);
	const header = process.env.PROTOCOL_HEADER?.toLowerCase();
	const value = header ? req.headers[header] : undefined;
	return (typeof value === 'string' && value) || 'https';
}

function readBody(req: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const declared = Number(req.headers['content-length'] ?? 0);
		if (declared > BODY_LIMIT) return reject(new AppError(413, 'too_large', `the body can be at most ${BODY_LIMIT} bytes`));
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size <= BODY_LIMIT) return void chunks.push(chunk);
			// keep draining (the answer goes back on this connection) but store nothing more
			chunks.length = 0;
			reject(new AppError(413, 'too_large', `the body can be at most ${BODY_LIMIT} bytes`));
		});
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

/**
 * The lane's own time goes out (Server-Timing) only when a bench asks for it: to an evaluator it
 * would tell a gold pair or a hidden repeat (more work) from a normal one.
 */
const SERVER_TIMING = process.env.PICKWISE_SERVER_TIMING === '1';

/** Writes the JSON answer with Kit's headers (plus Server-Timing under PICKWISE_SERVER_TIMING=1). */
function send(
	res: ServerResponse,
	started: number,
	status: number,
	payload: unknown,
	cookie?: string,
	noStore = false,
	retryAfter?: number
): void {
	const body = payload === null ? '' : JSON.stringify(payload);
	const headers: Record<string, string | number> = { ...SECURITY_HEADERS, 'Content-Security-Policy': API_CSP };
	if (SERVER_TIMING) headers['Server-Timing'] = `lane;dur=${(performance.now() - started).toFixed(2)}`;
	if (payload !== null) {
		headers['content-type'] = 'application/json';
		headers['content-length'] = Buffer.byteLength(body);
	}
	if (noStore) headers['cache-control'] = 'no-store';
	if (cookie) headers['set-cookie'] = cookie;
	if (retryAfter) headers['retry-after'] = String(retryAfter);
	res.writeHead(status, headers);
	res.end(body);
}
