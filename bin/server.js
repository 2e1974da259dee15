#!/usr/bin/env node
// The production server (`npm start`): SvelteKit's adapter-node handler behind Node's own http
// server, with the evaluators' two hot API calls (next pair, submit vote) answered by the fast lane
// (src/lib/server/fast-lane.ts) before SvelteKit, and image uploads streamed to disk by the upload
// lane (src/lib/server/images/upload-lane.ts) past SvelteKit's BODY_SIZE_LIMIT, up to MAX_UPLOAD_BYTES.
// Environment as in the README: HOST (127.0.0.1),
// PORT (3000) or SOCKET_PATH, ORIGIN, DATA_DIR, DATABASE_URL; and adapter-node's own settings as
// `node build/index.js` reads them: BODY_SIZE_LIMIT, PROTOCOL_HEADER, HOST_HEADER, ADDRESS_HEADER,
// XFF_DEPTH (by the handler), SHUTDOWN_TIMEOUT, KEEP_ALIVE_TIMEOUT, HEADERS_TIMEOUT (here).
import http from 'node:http';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const handlerFile = fileURLToPath(new URL('../build/handler.js', import.meta.url));
if (!existsSync(handlerFile)) {
	console.error('build/handler.js is missing: run `npm run build` first');
	process.exit(1);
}
// importing the handler starts SvelteKit: its init hook opens the database and registers the lane
const { handler } = await import('../build/handler.js');
const lane = globalThis[Symbol.for('pickwise.fastLane')];
const uploadLane = globalThis[Symbol.for('pickwise.uploadLane')];
const closeDatabase = globalThis[Symbol.for('pickwise.shutdown')];
if (!lane) console.warn('pickwise: no fast lane registered; every request goes through SvelteKit');

const seconds = (name, fallback) => {
	const value = process.env[name];
	if (value === undefined || value === '') return fallback;
	const n = Number(value);
	if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number of seconds (got '${value}')`);
	return n;
};
const host = process.env.HOST || '127.0.0.1';
const port = Number(process.env.PORT || 3000);
const socketPath = process.env.SOCKET_PATH || undefined;
const shutdownTimeout = seconds('SHUTDOWN_TIMEOUT', 30);

const server = http.createServer((req, res) => {
	const kit = () => handler(req, res);
	if (uploadLane && uploadLane(req, res, kit)) return;
	if (!lane || !lane(req, res, kit)) kit();
});
const keepAlive = seconds('KEEP_ALIVE_TIMEOUT', undefined);
if (keepAlive !== undefined) server.keepAliveTimeout = keepAlive * 1000;
const headersTimeout = seconds('HEADERS_TIMEOUT', undefined);
if (headersTimeout !== undefined) server.headersTimeout = headersTimeout * 1000;

if (socketPath) server.listen(socketPath, () => console.log(`Listening on ${socketPath}`));
else server.listen(port, host, () => console.log(`Listening on http://${host}:${port}`));

let stopping = false;
/** Finishes what is in flight (a 201 is only sent after its commit), takes nothing new, closes the database. */
function shutdown(reason) {
	if (stopping) return;
	stopping = true;
	server.closeIdleConnections();
	server.close(async () => {
		process.emit('sveltekit:shutdown', reason);
		try {
			await closeDatabase?.();
		} catch (error) {
			console.error(error);
		}
		process.exit(0);
	});
	setTimeout(() => server.closeAllConnections(), shutdownTimeout * 1000).unref();
}
// while stopping, a kept-alive connection closes as soon as its request is answered
server.on('request', (req) => req.on('close', () => stopping && server.closeIdleConnections()));
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
