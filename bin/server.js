#!/usr/bin/env node
// The production server (`npm start`): SvelteKit's adapter-node handler behind Node's own http
// server, with the evaluators' two hot API calls (next pair, submit vote) answered by the fast lane
// (src/lib/server/fast-lane.ts) before SvelteKit. Environment as in the README: HOST (127.0.0.1),
// PORT (3000), ORIGIN, DATA_DIR, DATABASE_URL, and adapter-node's own (BODY_SIZE_LIMIT, …).
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
if (!lane) console.warn('pickwise: no fast lane registered; every request goes through SvelteKit');

const host = process.env.HOST || '127.0.0.1';
const port = Number(process.env.PORT || 3000);
const server = http.createServer((req, res) => {
	const kit = () => handler(req, res);
	if (!lane || !lane(req, res, kit)) kit();
});
server.keepAliveTimeout = 65_000; // outlive common proxies' idle timeouts
server.listen(port, host, () => console.log(`Listening on http://${host}:${port}`));

let stopping = false;
function shutdown() {
	if (stopping) return;
	stopping = true;
	// finish what is in flight (a 201 is only sent after the commit), take nothing new
	server.closeIdleConnections();
	server.close(() => {
		process.emit('sveltekit:shutdown', 'SIGTERM');
		process.exit(0);
	});
	setTimeout(() => server.closeAllConnections(), 10_000).unref();
}
// while stopping, a kept-alive connection closes as soon as its request is answered
server.on('request', (req) => req.on('close', () => stopping && server.closeIdleConnections()));
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
