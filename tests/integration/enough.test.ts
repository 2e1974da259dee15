// "Enough votes?" through the real server (bin/server.js on a real SQLite file): the lead's target is
// set on the manage page (validated at its field, audit-logged, kept when the voting rules are saved),
// and GET /api/v1/campaigns/[slug]/enough reports, for the leaderboard of the same query, the adjacent
// pairs, the separability and the votes still needed — checked here against the leaderboard's own
// intervals with the formula written out (N·(reach/gap)² − N), not with lib/ranking/enough.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMigratedDatabase, type Db } from '../../src/lib/server/db/index.ts';
import { createUser } from '../../src/lib/server/auth/users.ts';
import { addMember } from '../../src/lib/server/campaigns/campaigns.ts';
import { createSession } from '../../src/lib/server/auth/session.ts';
import { createRng } from '../../src/lib/scheduling/index.ts';
import { api, seedCampaign, type SeededCampaign } from '../helpers/campaign.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

const SLUG = 'enough';
let root: string;
let db: Db;
let server: RunningServer;
let seeded: SeededCampaign;
let lead: string;
let researcher: string;
let campaignId: string;

beforeAll(async () => {
	root = mkdtempSync(join(tmpdir(), 'pickwise-enough-'));
	db = await openMigratedDatabase(`sqlite:${join(root, 'pickwise.db')}`);
	seeded = await seedCampaign(db.kysely, root, { slug: SLUG, systems: 4, prompts: 20, evaluators: 4 });
	for (const [email, role] of [
		['lead@enough.test', 'lead'],
		['researcher@enough.test', 'researcher']
	] as const) {
		const user = await createUser(db.kysely, { email, password: 'member-password-1' });
		await addMember(db.kysely, { slug: SLUG, email, role });
		const cookie = `pickwise_session=${(await createSession(db.kysely, user.id)).token}`;
		if (role === 'lead') lead = cookie;
		else researcher = cookie;
	}
	campaignId = (await db.kysely.selectFrom('campaign').select('id').where('slug', '=', SLUG).executeTakeFirstOrThrow()).id;
	server = await startServer(root);
}, 60_000);

afterAll(async () => {
	await server?.stop();
	await db?.close();
	rmSync(root, { recursive: true, force: true });
});

/** A manage-page form, posted as a browser without JavaScript posts it. */
async function post(action: string, fields: Record<string, string>) {
	const response = await fetch(`${server.url}/c/${SLUG}/manage?/${action}`, {
		method: 'POST',
		headers: { cookie: lead, origin: server.url, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams(fields),
		redirect: 'manual'
	});
	return { status: response.status, html: await response.text() };
}

const storedSettings = async () =>
	JSON.parse((await db.kysely.selectFrom('campaign').select('settings').where('id', '=', campaignId).executeTakeFirstOrThrow()).settings);

describe('enough votes', () => {
	it('the lead sets a target on the manage page: bad values refused at their field, the change audit-logged', async () => {
		const tooBig = await post('target', { target_kind: 'separability', target_value: '150' });
		expect(tooBig.status).toBe(400);
		expect(tooBig.html).toMatch(/id="target-target_value-error"[^>]*>the target separability must be a percentage from 1 to 100/);
		const kind = await post('target', { target_kind: 'rank', target_value: '3' });
		expect(kind.status).toBe(400);
		expect(kind.html).toContain('id="target-target_kind-error"');
		const empty = await post('target', { target_kind: 'width', target_value: '' });
		expect(empty.status).toBe(400);
		expect((await storedSettings()).enoughTarget).toBeUndefined();

		const ok = await post('target', { target_kind: 'separability', target_value: '80' });
		expect(ok.status).toBe(200);
		expect((await storedSettings()).enoughTarget).toEqual({ kind: 'separability', value: 0.8 });
		const log = await db.kysely
			.selectFrom('audit_log')
			.select(['action', 'detail'])
			.where('subject', '=', campaignId)
			.where('action', '=', 'campaign.target')
			.execute();
		expect(log).toHaveLength(1);
		expect(JSON.parse(log[0].detail)).toEqual({ from: null, to: { kind: 'separability', value: 0.8 } });

		// saving the voting rules keeps the target (the settings form does not know it)
		const rules = await post('settings', {
			status: 'active',
			rationale_min_chars: '0',
			gold_rate: '0',
			repeat_rate: '0',
			allow_tie: 'on',
			blind: 'on'
		});
		expect(rules.status).toBe(200);
		expect((await storedSettings()).enoughTarget).toEqual({ kind: 'separability', value: 0.8 });
		// and the manage page shows it
		const page = await fetch(`${server.url}/c/${SLUG}/manage`, { headers: { cookie: lead } });
		expect(await page.text()).toMatch(/id="target-value"[^>]*value="80"/);
	});

	it('reports adjacent pairs, separability and the votes still needed for the leaderboard’s intervals', async () => {
		// 4 evaluators × 20 votes with a clear taste: system-0 > system-1 > system-2 > system-3 more often than not
		const choices = ['left', 'right', 'tie'] as const;
		for (const [k, e] of seeded.evaluators.entries()) {
			const rng = createRng(`enough-${k}`);
			for (let v = 0; v < 20; v++) {
				const next = await api(server.url, e.cookie, `/api/v1/campaigns/${SLUG}/next`);
				expect(next.status).toBe(200);
				// the campaign is blind: which system made each side is read from the database
				const sides = await db.kysely
					.selectFrom('assignment')
					.innerJoin('image as l', 'l.id', 'assignment.left_image_id')
					.innerJoin('image as r', 'r.id', 'assignment.right_image_id')
					.innerJoin('system as ls', 'ls.id', 'l.system_id')
					.innerJoin('system as rs', 'rs.id', 'r.system_id')
					.select(['ls.name as left', 'rs.name as right'])
					.where('assignment.id', '=', next.body.assignment.id)
					.executeTakeFirstOrThrow();
				const leftBetter = sides.left < sides.right;
				const u = rng();
				const choice = u < 0.15 ? choices[2] : u < 0.8 === leftBetter ? choices[0] : choices[1];
				const vote = await api(server.url, e.cookie, `/api/v1/campaigns/${SLUG}/votes`, {
					vote_id: crypto.randomUUID(),
					assignment_id: next.body.assignment.id,
					choice,
					rationale: 'seen side by side'
				});
				expect(vote.status).toBe(201);
			}
		}
		const query = 'bootstrap=300&seed=7';
		const board = await api(server.url, researcher, `/api/v1/campaigns/${SLUG}/leaderboard?${query}`);
		expect(board.status).toBe(200);
		const enough = await api(server.url, researcher, `/api/v1/campaigns/${SLUG}/enough?${query}`);
		expect(enough.status).toBe(200);
		const rows: { system: string; rating: number; ci_low: number; ci_high: number }[] = board.body.leaderboard;
		const N = board.body.votes;
		expect(enough.body.votes).toBe(N);
		// every vote was cast in the last minutes: the rate is over one hour (the shortest span), all counted votes
		const counted = await db.kysely
			.selectFrom('vote')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.where('campaign_id', '=', campaignId)
			.where('kind', '=', 'normal')
			.where('status', '=', 'counted')
			.executeTakeFirstOrThrow();
		expect(enough.body.votesPerHour).toBeCloseTo(Number(counted.n), 9);
		let apart = 0;
		for (let i = 0; i < rows.length; i++)
			for (let j = i + 1; j < rows.length; j++) if (rows[i].ci_low > rows[j].ci_high || rows[j].ci_low > rows[i].ci_high) apart++;
		expect(enough.body.separability).toBeCloseTo(apart / 6, 12);
		expect(enough.body.separability).toBe(board.body.separability);
		expect(enough.body.adjacent).toHaveLength(3);
		for (let k = 0; k < 3; k++) {
			const [hi, lo] = [rows[k], rows[k + 1]];
			const a = enough.body.adjacent[k];
			expect([a.upper, a.lower]).toEqual([hi.system, lo.system]);
			const gap = hi.rating - lo.rating;
			expect(a.gap).toBeCloseTo(gap, 9);
			expect(a.separated).toBe(hi.ci_low > lo.ci_high);
			const reach = hi.rating - hi.ci_low + (lo.ci_high - lo.rating);
			const more = a.separated ? 0 : Math.max(1, Math.ceil(N * (reach / gap) ** 2 - N - 1e-9));
			expect(a.votesNeeded).toBe(more);
			expect(a.hoursNeeded).toBeCloseTo(more / enough.body.votesPerHour, 9);
		}
		// the target set above: separability ≥ 80%
		expect(enough.body.target).toMatchObject({ target: { kind: 'separability', value: 0.8 }, current: enough.body.separability });
		expect(enough.body.target.reached).toBe(enough.body.separability >= 0.8);

		// the results page shows the same table
		const html = await (await fetch(`${server.url}/c/${SLUG}/results`, { headers: { cookie: researcher } })).text();
		expect(html).toContain('Enough votes?');
		expect(html).toContain('Target: separability at least 80%');
	}, 120_000);

	it('the progress page shows the lead’s target and whether the default leaderboard reaches it', async () => {
		// the default query (bootstrap 1000, seed 0): the board the results page and the progress page share
		const enough = await api(server.url, lead, `/api/v1/campaigns/${SLUG}/enough`);
		expect(enough.status).toBe(200);
		const { current, reached, votesNeeded } = enough.body.target;
		const text = async (cookie: string) => {
			const html = await (await fetch(`${server.url}/c/${SLUG}/progress`, { headers: { cookie } })).text();
			const line = html.match(/data-testid="progress-enough-target"[^>]*>([\s\S]*?)<\/p>/);
			return line
				? line[1]
						.replace(/<[^>]+>/g, '')
						.replace(/\s+/g, ' ')
						.trim()
				: null;
		};
		const shown = await text(lead);
		expect(shown).toContain(`target: separability at least 80% (now ${Math.round(current * 100)}%)`);
		expect(shown).toContain(reached ? 'reached' : `not yet, about ${votesNeeded.toLocaleString('en')} more votes`);
		// researchers see it too; with the target cleared on the manage page the line goes away
		expect(await text(researcher)).toBe(shown);
		expect((await post('target', { target_kind: '', target_value: '' })).status).toBe(200);
		expect(await text(lead)).toBeNull();
		// a width target no board can reach yet: 1 Elo
		expect((await post('target', { target_kind: 'width', target_value: '1' })).status).toBe(200);
		const width = await api(server.url, lead, `/api/v1/campaigns/${SLUG}/enough`);
		expect(width.body.target.reached).toBe(false);
		expect(await text(lead)).toContain(
			`target: every 95% interval narrower than 1 Elo (widest now ${width.body.target.current.toFixed(0)} Elo): not yet, about ${width.body.target.votesNeeded.toLocaleString('en')} more votes`
		);
	}, 120_000);

	it('refuses a query without intervals, naming the field; evaluators of a blind campaign get nothing', async () => {
		const none = await api(server.url, researcher, `/api/v1/campaigns/${SLUG}/enough?bootstrap=0`);
		expect(none.status).toBe(400);
		expect(none.body.error).toMatchObject({ code: 'invalid', field: 'bootstrap' });
		const bad = await api(server.url, researcher, `/api/v1/campaigns/${SLUG}/enough?ties=sometimes`);
		expect(bad.status).toBe(400);
		expect(bad.body.error.field).toBe('ties');
		const evaluator = await api(server.url, seeded.evaluators[0].cookie, `/api/v1/campaigns/${SLUG}/enough`);
		expect(evaluator.status).toBe(403);
	});
});
