// Sign-in over real HTTP: `next` may only send the browser to a path on this site, whatever is
// encoded in it; and the form (through the shared formAction) still shows the generic message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMigratedDatabase } from '../../src/lib/server/db/index.ts';
import { createUser } from '../../src/lib/server/auth/users.ts';
import { createSession } from '../../src/lib/server/auth/session.ts';
import { Browserless, startServer, type RunningServer } from '../helpers/server.ts';

async function serverWithUser(email: string, password: string) {
	const root = mkdtempSync(join(tmpdir(), 'pickwise-login-'));
	const db = await openMigratedDatabase(`sqlite:${join(root, 'pickwise.db')}`);
	const user = await createUser(db.kysely, { email, password });
	const { token } = await createSession(db.kysely, user.id);
	await db.close();
	return { root, server: await startServer(root), cookie: `pickwise_session=${token}` };
}

/** Where a browser would go from this Location, resolved as WHATWG URL parsing does (tabs, CR, LF dropped; \ read as /). */
function destination(base: string, location: string | null): URL {
	expect(location).not.toBeNull();
	return new URL(location!, base + '/login');
}

const HOSTILE = [
	'/%09/evil.example', // tab: Location "/\t/evil.example", which Chromium follows to evil.example
	'/%0d/x', // CR: used to be a 500
	'/%0a/x',
	'/%0d%0aSet-Cookie:%20x=1',
	'%09/evil.example',
	'//evil.example',
	'///evil.example',
	'/\\evil.example',
	'/%5Cevil.example',
	'\\\\evil.example',
	'https://evil.example',
	'http:evil.example',
	'javascript:alert(1)',
	'/%2F%2Fevil.example',
	'/%2F/evil.example',
	'/ /evil.example',
	'/%20//evil.example',
	'/%E2%80%8B/evil.example', // zero-width space
	'evil.example',
	''
];

describe('where sign-in sends the browser', () => {
	let root: string;
	let server: RunningServer;
	let cookie: string;
	beforeAll(async () => {
		({ root, server, cookie } = await serverWithUser('ann@login.test', 'ann-password'));
	});
	afterAll(async () => {
		await server?.stop();
		rmSync(root, { recursive: true, force: true });
	});

	it('sends a signed-in visitor only to paths on this site, never answering 500', async () => {
		for (const next of HOSTILE) {
			const response = await fetch(`${server.url}/login?next=${next}`, { headers: { cookie }, redirect: 'manual' });
			expect(response.status, next).toBe(303);
			const to = destination(server.url, response.headers.get('location'));
			expect(to.origin, next).toBe(server.url);
			expect(response.headers.get('location'), next).toBe('/');
		}
	});

	it('keeps a same-site path with its query', async () => {
		const response = await fetch(`${server.url}/login?next=${encodeURIComponent('/c/demo/vote?x=1&y=%20')}`, {
			headers: { cookie },
			redirect: 'manual'
		});
		expect(response.headers.get('location')).toBe('/c/demo/vote?x=1&y=%20');
	});

	it('does the same after a sign-in through the form', async () => {
		for (const next of ['/%09/evil.example', '/%0d/x', '//evil.example', '/settings']) {
			const client = new Browserless(server.url);
			const response = await client.fetch(`/login?next=${next}`, {
				method: 'POST',
				headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
				body: new URLSearchParams({ email: 'ann@login.test', password: 'ann-password' }).toString()
			});
			expect(response.status, next).toBe(303);
			expect(response.headers.get('location'), next).toBe(next === '/settings' ? '/settings' : '/');
			expect(client.cookie).toMatch(/^pickwise_session=/);
		}
	});

	it('shows the generic message at a wrong password, and keeps the email typed', async () => {
		const response = await new Browserless(server.url).fetch('/login', {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
			body: new URLSearchParams({ email: 'ann@login.test', password: 'wrong-password' }).toString()
		});
		expect(response.status).toBe(400);
		const html = await response.text();
		expect(html).toContain('Incorrect email or password.');
		expect(html).toContain('value="ann@login.test"');
		expect(html).not.toContain('wrong-password');
	});
});
