// Readiness for load balancers: 200 when this instance can serve (database, migrations, image store),
// 503 with the failing check otherwise, so traffic goes to the other instances. Public and without a
// session (hooks.server.ts skips the session lookup here); the answer names no host, bucket or secret.
import type { RequestHandler } from './$types';
import { HEALTH_HEADERS, readiness } from '$lib/server/health';

export const GET: RequestHandler = async () => {
	const { ready, checks, reason } = await readiness();
	const body = ready ? { status: 'ready', checks } : { status: 'not ready', reason, checks };
	return new Response(JSON.stringify(body), { status: ready ? 200 : 503, headers: HEALTH_HEADERS });
};
