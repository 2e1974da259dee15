// Liveness for process managers and load balancers: the process answers HTTP. Public, no session,
// no database (hooks.server.ts skips the session lookup here), so a slow database never gets a live
// instance restarted; readiness is /readyz.
import type { RequestHandler } from './$types';
import { HEALTH_HEADERS } from '$lib/server/health';

export const GET: RequestHandler = () => new Response(JSON.stringify({ status: 'ok' }), { headers: HEALTH_HEADERS });
