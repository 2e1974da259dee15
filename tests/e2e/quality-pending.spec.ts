// A large campaign's first quality report after a start with nothing saved takes seconds. The evaluators
// page and the audit queue then answer at once, say that the report is being computed, and show it as
// soon as it is there — without the lead reloading. On its own server, which lets pages wait 0 ms for
// the report and treats no campaign as large (no last report is served while the next is computed, and
// the near-duplicate join runs inside the report, not after it); the
// campaign holds 20,000 imported battles, so that each report takes the worker far longer than a
// request's own work and the first view after a change is always the "being computed" one.
import { expect, test } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openMigratedDatabase } from '../../src/lib/server/db/index.ts';
import { createUser } from '../../src/lib/server/auth/users.ts';
import { addMember } from '../../src/lib/server/campaigns/campaigns.ts';
import { createSession } from '../../src/lib/server/auth/session.ts';
import { api, seedCampaign } from '../helpers/campaign.ts';
import { startServer } from '../helpers/server.ts';
import { importVotes } from '../../src/lib/server/voting/battle-import.ts';

test('the evaluators page and the audit queue say a report is being computed, then show it without a reload', async ({ browser }) => {
	test.setTimeout(120_000);
	const root = mkdtempSync(join(tmpdir(), 'pickwise-e2e-pending-'));
	const db = await openMigratedDatabase(`sqlite:${join(root, 'pickwise.db')}`);
	const seeded = await seedCampaign(db.kysely, root, { slug: 'pending', systems: 4, prompts: 8, evaluators: 2 });
	const user = await createUser(db.kysely, { email: 'lead@pending.test', password: 'lead-password-1' });
	await addMember(db.kysely, { slug: 'pending', email: 'lead@pending.test', role: 'lead' });
	const token = (await createSession(db.kysely, user.id)).token;
	const server = await startServer(root, {
		PICKWISE_QUALITY_WAIT_MS: '0',
		PICKWISE_QUALITY_WARM_VOTES: '1000000000',
		PICKWISE_QUALITY_INLINE_DUPLICATES: '1000000'
	});
	try {
		const vote = async (n: number) => {
			const cookie = seeded.evaluators[n % 2].cookie;
			const next = await api(server.url, cookie, '/api/v1/campaigns/pending/next');
			expect(next.status).toBe(200);
			const saved = await api(server.url, cookie, '/api/v1/campaigns/pending/votes', {
				vote_id: crypto.randomUUID(),
				assignment_id: next.body.assignment.id,
				choice: n % 3 ? 'left' : 'right',
				rationale: `The left one keeps the hands intact, vote ${n}.`
			});
			expect(saved.status).toBe(201);
		};
		for (let n = 0; n < 4; n++) await vote(n);
		const battles = readFileSync(resolve('tests/fixtures/ranking/synthetic_20000_12.csv'), 'utf8');
		expect((await importVotes(db.kysely, { campaign: 'pending', text: battles, format: 'csv' })).added).toBe(20000);

		const context = await browser.newContext({ baseURL: server.url });
		await context.addCookies([{ name: 'pickwise_session', value: token, url: server.url }]);
		const page = await context.newPage();
		const loads: string[] = [];
		page.on('load', () => loads.push(page.url()));

		for (const [path, ready] of [
			['/c/pending/evaluators', page.getByRole('table', { name: /Quality signals per evaluator/ })],
			['/c/pending/audit', page.getByRole('list', { name: 'Votes' }).locator('[data-vote]').first()]
		] as const) {
			// a vote first: this page is the first view of the campaign's new report
			await vote(path.length);
			loads.length = 0;
			const response = await page.goto(path);
			expect(await response!.text()).toContain('id="quality-pending"');
			// the report arrives in the same page: no second load
			await expect(ready).toBeVisible();
			await expect(page.locator('#quality-pending')).toHaveCount(0);
			expect(loads).toEqual([server.url + path]);
		}
		await context.close();
	} finally {
		await server.stop();
		await db.close();
		rmSync(root, { recursive: true, force: true });
	}
});
