// Every form action answers a refusal in one shape (formAction): without JavaScript the page comes
// back with the message at the field it names (aria-describedby) and what was typed filled in again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMigratedDatabase } from '../../src/lib/server/db/index.ts';
import { createUser } from '../../src/lib/server/auth/users.ts';
import { addMember } from '../../src/lib/server/campaigns/campaigns.ts';
import { createSession } from '../../src/lib/server/auth/session.ts';
import { seedCampaign, type SeededCampaign } from '../helpers/campaign.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

const SLUG = 'forms';
let root: string;
let server: RunningServer;
let seeded: SeededCampaign;
let lead: string;

beforeAll(async () => {
	root = mkdtempSync(join(tmpdir(), 'pickwise-forms-'));
	const db = await openMigratedDatabase(`sqlite:${join(root, 'pickwise.db')}`);
	seeded = await seedCampaign(db.kysely, root, { slug: SLUG, systems: 2, prompts: 2, evaluators: 1 });
	const user = await createUser(db.kysely, { email: 'lead@forms.test', password: 'lead-password-1' });
	await addMember(db.kysely, { slug: SLUG, email: 'lead@forms.test', role: 'lead' });
	lead = `pickwise_session=${(await createSession(db.kysely, user.id)).token}`;
	await db.close();
	server = await startServer(root);
}, 60_000);

afterAll(async () => {
	await server?.stop();
	rmSync(root, { recursive: true, force: true });
});

/** A form posted as a browser without JavaScript posts it. */
async function post(cookie: string, path: string, form: Record<string, string>) {
	const response = await fetch(server.url + path, {
		method: 'POST',
		headers: { cookie, origin: server.url, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams(form).toString(),
		redirect: 'manual'
	});
	return { status: response.status, html: await response.text() };
}

/** The opening tag of the element with this id. */
const tag = (html: string, id: string) => new RegExp(`<[a-z]+[^>]*\\bid="${id}"[^>]*>`).exec(html)?.[0] ?? '';

describe('form actions', () => {
	it('show a refused criterion at its field, with what was typed', async () => {
		const { status, html } = await post(lead, `/c/${SLUG}/manage?/criterion`, { key: 'Bad Key', label: 'Adherence', description: 'kept' });
		expect(status).toBe(400);
		const input = tag(html, 'ckey');
		expect(input).toContain('aria-describedby="criterion-key-error"');
		expect(input).toContain('aria-invalid="true"');
		expect(input).toContain('value="Bad Key"');
		expect(tag(html, 'clabel')).toContain('value="Adherence"');
		expect(html).toMatch(/id="criterion-key-error"[^>]*>key must be lower-case letters/);
		// the other forms of the page are not marked
		expect(tag(html, 'min')).not.toContain('aria-invalid');
	});

	it('show a refused setting at its field and keep the rest as typed', async () => {
		const { status, html } = await post(lead, `/c/${SLUG}/manage?/settings`, {
			status: 'active',
			rationale_min_chars: '9999',
			gold_rate: '5',
			repeat_rate: '3',
			allow_tie: 'on'
		});
		expect(status).toBe(400);
		expect(tag(html, 'min')).toContain('aria-describedby="settings-rationale_min_chars-error"');
		expect(tag(html, 'min')).toContain('value="9999"');
		expect(html).toMatch(/id="settings-rationale_min_chars-error"[^>]*>minimum rationale length must be/);
	});

	it('show a refused vote at its field (no JavaScript), rationale and choice kept', async () => {
		const evaluator = seeded.evaluators[0];
		const page = await fetch(`${server.url}/c/${SLUG}/vote`, { headers: { cookie: evaluator.cookie } });
		const assignment = /name="assignment_id" value="([^"]+)"/.exec(await page.text())![1];
		const { status, html } = await post(evaluator.cookie, `/c/${SLUG}/vote?/vote`, {
			assignment_id: assignment,
			vote_id: crypto.randomUUID(),
			choice: 'left',
			rationale: 'too short'
		});
		expect(status).toBe(400);
		expect(tag(html, 'rationale')).toContain('rationale-error');
		expect(html).toMatch(/<textarea[^>]*id="rationale"[^>]*>too short<\/textarea>/);
		expect(html).toMatch(/<input[^>]*value="left"[^>]*checked|<input[^>]*checked[^>]*value="left"/);
	});
});
