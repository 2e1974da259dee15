import type { Handle, ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { getDb } from '$lib/server/db/instance';
import { authenticateRequest } from '$lib/server/auth/request';
import { API_CSP, SECURITY_HEADERS } from '$lib/server/http/security-headers';
import { registerFastLane } from '$lib/server/http/fast-lane';
import { registerUploadLane } from '$lib/server/images/upload-lane';
import { imageStore } from '$lib/server/images/storage';
import { warmAudit } from '$lib/server/audit/queue';
import { saveQualityReports } from '$lib/server/audit/evaluator-quality';

/** Open and migrate the database before the first request; offer bin/server.js the fast lane. */
export const init: ServerInit = async () => {
	// a bad IMAGE_STORE or AWS_* setting stops the start with a message naming the variable
	await imageStore();
	const db = await getDb();
	registerFastLane();
	registerUploadLane();
	// the large campaigns' quality reports and audit queues, computed on their worker thread while the first requests come in
	// a restart serves the large campaigns' last saved reports until it has its own
	saveQualityReports();
	void warmAudit(db.kysely);
};

/** Health probes need no session: /healthz must answer even when the database does not. */
const HEALTH = new Set(['/healthz', '/readyz']);

const auth: Handle = async ({ event, resolve }) => {
	if (HEALTH.has(event.url.pathname)) {
		event.locals.user = null;
		event.locals.session = null;
		return resolve(event);
	}
	const db = await getDb();
	const found = await authenticateRequest(db.kysely, event);
	event.locals.user = found?.user ?? null;
	event.locals.session = found?.session ?? null;
	return resolve(event);
};

const securityHeaders: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.headers.set(name, value);
	if (!response.headers.has('Content-Security-Policy')) response.headers.set('Content-Security-Policy', API_CSP);
	return response;
};

export const handle = sequence(auth, securityHeaders);
