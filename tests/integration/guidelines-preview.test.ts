// The manage page's live guidelines preview (the previewGuidelines form action, asked by the page
// as the lead types): the HTML saving would store, sanitized by the same renderer, nothing written;
// text out of bounds gets a message naming the field, never a 500. Over real HTTP, as the page asks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'devalue';
import { openMigratedDatabase, type Db } from '../../src/lib/server/db/index.ts';
import { createUser } from '../../src/lib/server/auth/users.ts';
import { addMember, createCampaign } from '../../src/lib/server/campaigns/campaigns.ts';
import { createSession } from '../../src/lib/server/auth/session.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

let root: string;
let server: RunningServer;
let db: Db;
let lead: string;

beforeAll(async () => {
	root = mkdtempSync(join(tmpdir(), 'pickwise-preview-'));
	db = await openMigratedDatabase(`sqlite:${join(root, 'pickwise.db')}`);
	await createCampaign(db.kysely, { slug: 'p', name: 'Preview', guidelinesMd: 'Saved text.' });
	const user = await createUser(db.kysely, { email: 'lead@p.test', password: 'lead-password' });
	await addMember(db.kysely, { slug: 'p', email: 'lead@p.test', role: 'lead' });
	lead = `pickwise_session=${(await createSession(db.kysely, user.id)).token}`;
	server = await startServer(root);
});

afterAll(async () => {
	await server?.stop();
	await db?.close();
	rmSync(root, { recursive: true, force: true });
});

/** As the page's fetch sends it: form data, asking for the action's JSON answer. */
async function preview(guidelines: string | null, body?: BodyInit) {
	const form = new FormData();
	if (guidelines !== null) form.set('guidelines', guidelines);
	const response = await fetch(`${server.url}/c/p/manage?/previewGuidelines`, {
		method: 'POST',
		headers: { cookie: lead, origin: server.url, accept: 'application/json', 'x-sveltekit-action': 'true' },
		body: body ?? form
	});
	const text = await response.text();
	const json = (response.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : null;
	// an action's JSON answer is HTTP 200 with the action's own status inside
	return {
		status: json?.status ?? response.status,
		type: json?.type as string | undefined,
		data: json?.data ? (parse(json.data) as { html?: string; message?: string; field?: string }) : undefined,
		text
	};
}

const stored = async () =>
	db.kysely.selectFrom('campaign').select(['guidelines_md', 'guidelines_version']).where('slug', '=', 'p').executeTakeFirstOrThrow();

describe('guidelines preview', () => {
	it('renders what was typed, sanitized as on save, and saves nothing', async () => {
		const before = await stored();
		const r = await preview(
			'# Judge\n\n**Prompt first** <script>alert(1)</script> [x](javascript:alert(1)) ![y](https://evil.example/t.png) <img src=x onerror=alert(1)>'
		);
		expect(r.status).toBe(200);
		expect(r.type).toBe('success');
		const html = r.data!.html!;
		expect(html).toContain('<h3>Judge</h3>');
		expect(html).toContain('<strong>Prompt first</strong>');
		// raw HTML is text, scripts and foreign images are gone
		expect(html).toContain('&lt;script&gt;');
		expect(html).not.toMatch(/<script|<img|javascript:|evil\.example/);
		expect(await stored()).toEqual(before);
	});

	it('answers text out of bounds with the message saving gives, at the field, never a 500', async () => {
		const cases: [string, RegExp][] = [
			['_a '.repeat(4000), /more than 100 emphasis markers/],
			['x'.repeat(20_001), /at most 20000 characters/],
			['>'.repeat(3000) + 'x', /nesting deeper than 10 levels/],
			['- '.repeat(500) + 'x', /nesting deeper than 10 levels/]
		];
		for (const [md, message] of cases) {
			const r = await preview(md);
			expect(r.status, md.slice(0, 20)).toBe(400);
			expect(r.type).toBe('failure');
			expect(r.data!.message).toMatch(message);
			expect(r.data!.field).toBe('guidelines');
		}
		const missing = await preview(null);
		expect(missing.status).toBe(400);
		expect(missing.data!.message).toMatch(/guidelines is required/);
	});

	it('refuses a body over the server limit with the length message, not "required" and not a 500', async () => {
		const r = await preview(null, new URLSearchParams({ guidelines: 'x'.repeat(2_000_000) }));
		expect(r.status).toBe(413);
		expect(r.data!.message).toMatch(/at most 20000 characters/);
		expect(r.data!.field).toBe('guidelines');
	});
});
