// Guidelines Markdown used to be rendered on every page view: 12 kB of `_a _a …` cost 2.3 s of the
// one event loop per view, '>' × 3000 gave 500. Now it is bounded and rendered once when saved; the
// pages serve the stored HTML. Over real HTTP with the built server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMigratedDatabase } from '../../src/lib/server/db/index.ts';
import { createUser } from '../../src/lib/server/auth/users.ts';
import { addMember, createCampaign } from '../../src/lib/server/campaigns/campaigns.ts';
import { createSession } from '../../src/lib/server/auth/session.ts';
import { api, seedCampaign, type SeededCampaign } from '../helpers/campaign.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

let root: string;
let server: RunningServer;
let lead: string;
let seeded: SeededCampaign;

beforeAll(async () => {
	root = mkdtempSync(join(tmpdir(), 'pickwise-guidelines-'));
	const db = await openMigratedDatabase(`sqlite:${join(root, 'pickwise.db')}`);
	seeded = await seedCampaign(db.kysely, root, { slug: 'g', systems: 3, prompts: 2, evaluators: 2 });
	const user = await createUser(db.kysely, { email: 'lead@g.test', password: 'lead-password' });
	await addMember(db.kysely, { slug: 'g', email: 'lead@g.test', role: 'lead' });
	lead = `pickwise_session=${(await createSession(db.kysely, user.id)).token}`;
	// Campaigns saved before the HTML was stored: no HTML yet, and text the bounds now refuse.
	for (const [slug, md] of [
		['legacy-quote', '>'.repeat(3000) + 'x'],
		['legacy-emphasis', '_a '.repeat(16_000)]
	] as const) {
		await createCampaign(db.kysely, { slug, name: slug });
		await db.kysely.updateTable('campaign').set({ guidelines_md: md, guidelines_html: null }).where('slug', '=', slug).execute();
		await addMember(db.kysely, { slug, email: seeded.evaluators[0].email, role: 'evaluator' });
	}
	// A campaign whose stored HTML differs from what its Markdown renders to: pages must show the stored one.
	await createCampaign(db.kysely, { slug: 'stored', name: 'Stored', guidelinesMd: '**from markdown**' });
	await db.kysely.updateTable('campaign').set({ guidelines_html: '<p>served as stored</p>' }).where('slug', '=', 'stored').execute();
	await addMember(db.kysely, { slug: 'stored', email: seeded.evaluators[0].email, role: 'evaluator' });
	await db.close();
	server = await startServer(root);
});

afterAll(async () => {
	await server?.stop();
	rmSync(root, { recursive: true, force: true });
});

async function page(cookie: string, path: string) {
	const response = await fetch(server.url + path, { headers: { cookie, accept: 'text/html' }, redirect: 'manual' });
	// the voting page carries the guidelines in its serialized data (a panel opened on demand): unescape that too
	const html = (await response.text())
		.replace(/\\u003C/gi, '<')
		.replace(/\\u003E/gi, '>')
		.replace(/\\"/g, '"');
	return { status: response.status, html };
}

async function saveGuidelines(guidelines: string) {
	const response = await fetch(`${server.url}/c/g/manage?/guidelines`, {
		method: 'POST',
		headers: { cookie: lead, origin: server.url, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ guidelines }).toString()
	});
	return { status: response.status, html: await response.text() };
}

describe('guidelines', () => {
	it('refuses the payloads that stalled or broke the pages, with a message at the field', async () => {
		const cases: [string, RegExp][] = [
			['_a '.repeat(4000), /more than 100 emphasis markers/], // 12 kB
			['_a '.repeat(16_000), /at most 20000 characters/], // 48 kB
			['>'.repeat(3000) + 'x', /nesting deeper than 10 levels/]
		];
		for (const [md, message] of cases) {
			const saved = await saveGuidelines(md);
			expect(saved.status).toBe(400);
			expect(saved.html).toMatch(message);
		}
		// nothing was written: still the first version, and the pages answer
		const manage = await page(lead, '/c/g/manage');
		expect(manage.status).toBe(200);
		expect(manage.html).toContain('version 1;');
	});

	it('renders once on save and serves the stored HTML on every page', async () => {
		const saved = await saveGuidelines('# Judge\n\n**Prompt first**, then [quality](jav\tascript:alert(1)) ![x](//evil.example/x.png)');
		expect(saved.status).toBe(200);
		const evaluator = seeded.evaluators[0].cookie;
		for (const [cookie, path] of [
			[lead, '/c/g'],
			[lead, '/c/g/manage'],
			[evaluator, '/c/g/vote']
		]) {
			const view = await page(cookie, path);
			expect(view.status, path).toBe(200);
			expect(view.html, path).toContain('<h3>Judge</h3>');
			expect(view.html, path).toContain('<strong>Prompt first</strong>');
			expect(view.html, path).not.toMatch(/<a [^>]*href="[^"]*script|<img [^>]*evil/);
		}
	});

	it('never renders on a view: the stored HTML is served as is', async () => {
		const evaluator = seeded.evaluators[0].cookie;
		for (const path of ['/c/stored', '/c/stored/vote']) {
			const view = await page(evaluator, path);
			expect(view.status, path).toBe(200);
			expect(view.html, path).toContain('<p>served as stored</p>');
			expect(view.html, path).not.toContain('<strong>from markdown</strong>');
		}
	});

	it('shows guidelines stored before the bounds as plain text instead of failing, and stays responsive', async () => {
		const evaluator = seeded.evaluators[0].cookie;
		for (const path of ['/c/legacy-quote', '/c/legacy-quote/vote', '/c/legacy-emphasis', '/c/legacy-emphasis/vote']) {
			const view = await page(evaluator, path);
			expect(view.status, path).toBe(200);
			expect(view.html, path).toMatch(/<pre>(&gt;){10}|<pre>_a _a _a/);
		}
		// another evaluator's next pair is answered
		const next = await api(server.url, seeded.evaluators[1].cookie, '/api/v1/campaigns/g/next');
		expect(next.status).toBe(200);
		expect(next.body.assignment.id).toBeTruthy();
	});
});
