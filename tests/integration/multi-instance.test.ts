// Three app instances (the built bin/server.js) on one throwaway PostgreSQL, 60 simulated evaluators
// spread round-robin over them: every acknowledged vote is stored once, pair_stat matches the votes,
// nobody sees an image pair twice, the system pairs stay balanced, and the three leaderboards agree
// soon after the last vote. Then one instance is killed (SIGKILL) in the middle of a burst: every
// acknowledged vote is still stored, the other two keep answering, and the pairs the dead instance had
// leased come back once their (short, LEASE_SECONDS) leases lapse: checked on a second, small campaign
// whose whole supply the dead instance holds, so that "served again" is certain, not luck. (The
// balanced strategy takes a random free prompt of the least-loaded system pair, so when one given
// image pair of the main campaign's 448 comes back is chance: with 20–25 of the 60 evaluators gone,
// each survivor's pick finds a given free pair about once in a dozen of its system pair's issues, so
// the last of several orphaned pairs often takes dozens of rounds — a wait with no sure bound.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres } from '../helpers/postgres.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { openMigratedDatabase, type Db } from '../../src/lib/server/db/index.ts';
import { createUser } from '../../src/lib/server/auth/users.ts';
import { addMember, createCampaign } from '../../src/lib/server/campaigns/campaigns.ts';
import { createSession } from '../../src/lib/server/auth/session.ts';
import { startS3, type RunningS3 } from '../helpers/s3.ts';
import { pickwise } from '../helpers/cli.ts';
import { parseCsv } from '../../src/lib/csv.ts';
import { solidPng } from '../helpers/images.ts';

const SLUG = 'multi';
/** Two systems × four prompts: four image pairs, all of them leased by the instance that is killed. */
const SMALL = 'small';
/** Images uploaded from the browser through one instance and confirmed through another. */
const UPLOADS = 'uploads';
const EVALUATORS = 60;
const ROUNDS = 6;
/** Leases lapse after this long: the kill phase waits for the dead instance's leases to expire. */
const LEASE_SECONDS = 8;

let pg: Awaited<ReturnType<typeof startPostgres>>;
let db: Db;
let root: string;
const instances: RunningServer[] = [];
const alive = [true, true, true];
const evaluators: { id: string; cookie: string }[] = [];
let leadCookie = '';

let s3: RunningS3;

/**
 * Where the instances keep images: one S3-compatible bucket (s3rver, started here) that all three
 * read, each with a data folder of its own so that nothing is shared through the local disk.
 */
function imageStore(instance: number): { env: Record<string, string>; dataDir: string } {
	return { env: s3.env, dataDir: join(root, `instance-${instance}`) };
}

beforeAll(async () => {
	pg = await startPostgres();
	s3 = await startS3();
	root = mkdtempSync(join(tmpdir(), 'pickwise-multi-'));
	const env = { DATABASE_URL: pg.url, LEASE_SECONDS: String(LEASE_SECONDS) };
	// started together on the empty database: their migrations meet at the advisory lock
	instances.push(...(await Promise.all([0, 1, 2].map((i) => startServer(imageStore(i).dataDir, { ...env, ...imageStore(i).env })))));
	db = await openMigratedDatabase(pg.url);
	const k = db.kysely;
	const lead = await createUser(k, { email: 'lead@multi.test', password: 'lead-password-1' });
	await createCampaign(k, { slug: SLUG, name: 'Three instances' });
	await addMember(k, { slug: SLUG, email: 'lead@multi.test', role: 'lead' });
	leadCookie = `pickwise_session=${(await createSession(k, lead.id)).token}`;
	for (let e = 0; e < EVALUATORS; e++) {
		const user = await createUser(k, { email: `e${e}@multi.test`, password: 'evaluator-password' });
		await addMember(k, { slug: SLUG, email: `e${e}@multi.test`, role: 'evaluator' });
		evaluators.push({ id: user.id, cookie: `pickwise_session=${(await createSession(k, user.id)).token}` });
	}
	// the demo images, imported once by the CLI into the bucket all three read
	const cli = pickwise(
		imageStore(0).dataDir,
		['import', 'images', '--campaign', SLUG, '--manifest', 'demo/agiqa/manifest.csv'],
		undefined,
		{
			...imageStore(0).env,
			DATABASE_URL: pg.url
		}
	);
	expect(cli.code, cli.stderr).toBe(0);
	expect((await s3.keys()).length).toBeGreaterThanOrEqual(128);

	await createCampaign(k, { slug: UPLOADS, name: 'Uploads', status: 'draft' });
	await addMember(k, { slug: UPLOADS, email: 'lead@multi.test', role: 'lead' });

	// the small campaign: two systems of the demo on its first four prompts
	await createCampaign(k, { slug: SMALL, name: 'Four pairs' });
	for (const e of [0, 1, 2, 3, 50, 51, 52, 53, 54, 55]) await addMember(k, { slug: SMALL, email: `e${e}@multi.test`, role: 'evaluator' });
	const [header, ...rows] = parseCsv(readFileSync('demo/agiqa/manifest.csv', 'utf8')).map((r) => r.fields);
	const column = (name: string) => header.indexOf(name);
	const prompts = [...new Set(rows.map((r) => r[column('prompt_id')]))].slice(0, 4);
	const picked = rows.filter(
		(r) => prompts.includes(r[column('prompt_id')]) && ['AttnGAN_normal', 'DALLE2_normal'].includes(r[column('system')])
	);
	expect(picked.length).toBe(8);
	const smallDir = join(root, 'small-set');
	mkdirSync(smallDir);
	const quote = (text: string) => `"${text.replaceAll('"', '""')}"`;
	for (const r of picked)
		copyFileSync(join('demo/agiqa', r[column('image_path')]), join(smallDir, r[column('image_path')].split('/').pop()!));
	writeFileSync(
		join(smallDir, 'manifest.csv'),
		['image_path,prompt,system,prompt_id']
			.concat(
				picked.map((r) =>
					[r[column('image_path')].split('/').pop()!, r[column('prompt')], r[column('system')], r[column('prompt_id')]].map(quote).join(',')
				)
			)
			.join('\n')
	);
	const small = pickwise(
		imageStore(0).dataDir,
		['import', 'images', '--campaign', SMALL, '--manifest', join(smallDir, 'manifest.csv')],
		undefined,
		{
			...imageStore(0).env,
			DATABASE_URL: pg.url
		}
	);
	expect(small.code, small.stderr).toBe(0);
}, 180_000);

afterAll(async () => {
	await Promise.all(instances.filter((_, i) => alive[i]).map((s) => s.stop()));
	await db?.close();
	await pg?.stop();
	await s3?.dispose();
	if (root) rmSync(root, { recursive: true, force: true });
});

interface Call {
	status: number;
	body: { assignment?: { id: string }; vote_id?: string } | null;
}

async function call(instance: number, cookie: string, path: string, body?: unknown): Promise<Call> {
	const base = instances[instance].url;
	const response = await fetch(base + path, {
		method: body === undefined ? 'GET' : 'POST',
		headers: { cookie, origin: base, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	const text = await response.text();
	return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** Acknowledged votes (201) by vote id, and which instance issued each lease. */
const acked = new Map<string, string>();
const issuedBy = new Map<string, number>();
/** Answers from live instances that were neither success nor an expected refusal. */
const failures: string[] = [];
let turn = 0;
/** How long an evaluator looks at a pair before voting (the kill phase needs pairs on screen). */
let thinkMs = 0;

/** The next live instance in round-robin order. */
function nextInstance(): number {
	for (;;) {
		const i = turn++ % 3;
		if (alive[i]) return i;
	}
}

/**
 * One evaluator's step: next pair from one instance, the vote to the next. 'done' when none is left
 * for them, 'lost' when an instance was killed under a request (the evaluator then leaves).
 */
async function step(e: number, round: number): Promise<'ok' | 'done' | 'lost'> {
	const { cookie } = evaluators[e];
	let instance = nextInstance();
	let next: Call;
	try {
		next = await call(instance, cookie, `/api/v1/campaigns/${SLUG}/next`);
	} catch (error) {
		if (!alive[instance]) return 'lost'; // it was killed under this request
		throw error;
	}
	if (next.status === 204) return 'done';
	if (next.status !== 200) {
		failures.push(`next on ${instance}: ${next.status} ${JSON.stringify(next.body)}`);
		return 'done';
	}
	const assignmentId = next.body!.assignment!.id;
	issuedBy.set(assignmentId, instance);
	if (thinkMs > 0) {
		// judging; an evaluator whose pair came from an instance that died meanwhile walks away from it
		await new Promise((r) => setTimeout(r, thinkMs));
		if (!alive[instance]) return 'lost';
	}
	const voteId = crypto.randomUUID();
	instance = nextInstance();
	let vote: Call;
	try {
		vote = await call(instance, cookie, `/api/v1/campaigns/${SLUG}/votes`, {
			vote_id: voteId,
			assignment_id: assignmentId,
			choice: (['left', 'right', 'tie'] as const)[(e + round) % 3],
			rationale: `The left one keeps the prompt's details (${e}/${round})`
		});
	} catch (error) {
		if (!alive[instance]) return 'lost';
		throw error;
	}
	if (vote.status === 201) acked.set(voteId, assignmentId);
	else if (vote.status !== 410) failures.push(`vote on ${instance}: ${vote.status} ${JSON.stringify(vote.body)}`);
	return 'ok';
}

async function storedVotes() {
	return db.kysely.selectFrom('vote').select(['id', 'assignment_id', 'kind', 'status']).where('campaign_id', '!=', '').execute();
}

async function leaderboard(instance: number) {
	const r = await call(instance, leadCookie, `/api/v1/campaigns/${SLUG}/leaderboard?bootstrap=0`);
	expect(r.status).toBe(200);
	// when each instance computed it differs; everything else must not
	const { computed_at: _, ...board } = r.body as unknown as { votes: number; computed_at: string };
	return board;
}

describe('three instances on one PostgreSQL', () => {
	it('serve the images of a pair leased on one instance from the shared bucket on the others', async () => {
		const { cookie } = evaluators[0];
		const next = await call(0, cookie, `/api/v1/campaigns/${SLUG}/next`);
		expect(next.status).toBe(200);
		const pair = next.body!.assignment as unknown as { left: { image_url: string }; right: { image_url: string } };
		for (const [instance, url] of [
			[1, pair.left.image_url],
			[2, pair.right.image_url]
		] as const) {
			const r = await fetch(new URL(url, instances[instance].url), { headers: { cookie } });
			expect(r.status, url).toBe(200);
			expect(r.headers.get('content-type')).toMatch(/^image\//);
			expect((await r.arrayBuffer()).byteLength).toBeGreaterThan(1000);
		}
	}, 60_000);

	it('take an upload’s dry run on one instance, confirm it on another, and serve its images from the third', async () => {
		const form = new FormData();
		const colours = [0, 1, 2].map((i) => ({ r: 20 + i * 90, g: 120, b: 200 - i * 60 }));
		for (const [i, rgb] of colours.entries()) form.append('files', new Blob([new Uint8Array(await solidPng(40, 30, rgb))]), `u${i}.png`);
		form.append(
			'files',
			new Blob(['image_path,prompt,system\nu0.png,a lighthouse,sys-a\nu1.png,a lighthouse,sys-b\nu2.png,a lighthouse,sys-c\n']),
			'manifest.csv'
		);
		const posted = await fetch(`${instances[0].url}/c/${UPLOADS}/images/upload`, {
			method: 'POST',
			headers: { cookie: leadCookie, origin: instances[0].url, accept: 'application/json' },
			body: form
		});
		expect(posted.status).toBe(201);
		const dry = (await posted.json()).upload as { id: string; ok: number };
		expect(dry.ok).toBe(3);
		// nothing is written before the confirm; the staged copies wait in the bucket, not on instance 1's disk
		const count = async () =>
			Number(
				(
					await db.kysely
						.selectFrom('image')
						.select((eb) => eb.fn.countAll().as('n'))
						.where('campaign_id', 'in', (eb) => eb.selectFrom('campaign').select('id').where('slug', '=', UPLOADS))
						.executeTakeFirstOrThrow()
				).n
			);
		expect(await count()).toBe(0);
		expect((await s3.keys()).filter((k) => k.includes(`staging/${dry.id}/`))).toHaveLength(3);

		// another instance shows the dry run
		const page = await fetch(`${instances[2].url}/c/${UPLOADS}/images?upload=${dry.id}`, { headers: { cookie: leadCookie } });
		expect(await page.text()).toContain('Dry run: nothing is added until you confirm');

		// two confirms at once on two other instances: one import, the other a 409
		const confirm = async (instance: number) => {
			const r = await fetch(`${instances[instance].url}/c/${UPLOADS}/images?/confirm`, {
				method: 'POST',
				headers: {
					cookie: leadCookie,
					origin: instances[instance].url,
					'content-type': 'application/x-www-form-urlencoded',
					accept: 'application/json',
					'x-sveltekit-action': 'true'
				},
				body: new URLSearchParams({ upload: dry.id }).toString()
			});
			return (await r.json()) as { type: string; status: number; data?: string };
		};
		const answers = await Promise.all([confirm(1), confirm(2)]);
		expect(answers.map((a) => a.type).sort()).toEqual(['failure', 'redirect']);
		const refused = answers.find((a) => a.type === 'failure')!;
		expect(refused.status).toBe(409);
		expect(String(refused.data)).toMatch(/this upload (is being|was) confirmed already/);
		expect(await count()).toBe(3);
		// and once more, later: still one import
		expect(await confirm(1)).toMatchObject({ type: 'failure', status: 409 });
		expect(await count()).toBe(3);
		expect((await s3.keys()).filter((k) => k.includes(`staging/${dry.id}/`))).toEqual([]);

		// every instance serves them from the bucket (also the two that did not import them)
		const stored = await db.kysely
			.selectFrom('image')
			.innerJoin('campaign', 'campaign.id', 'image.campaign_id')
			.select('image.id')
			.where('campaign.slug', '=', UPLOADS)
			.execute();
		expect(stored).toHaveLength(3);
		for (const [i, image] of stored.entries()) {
			const r = await fetch(`${instances[i].url}/i/${image.id}`, { headers: { cookie: leadCookie } });
			expect(r.status).toBe(200);
			expect(r.headers.get('content-type')).toMatch(/^image\//);
		}
	}, 60_000);

	it('store every acknowledged vote once, never repeat a pair, stay balanced, and agree on the leaderboard', async () => {
		await Promise.all(
			evaluators.map(async (_, e) => {
				for (let round = 0; round < ROUNDS; round++) if ((await step(e, round)) !== 'ok') break;
			})
		);
		expect(failures).toEqual([]);
		expect(acked.size).toBeGreaterThan(EVALUATORS * ROUNDS * 0.9);

		const votes = await storedVotes();
		// every 201 stored exactly once (vote ids are primary keys; one vote per assignment)
		const stored = new Map(votes.map((v) => [v.id, v]));
		for (const [voteId, assignmentId] of acked) expect(stored.get(voteId)?.assignment_id).toBe(assignmentId);
		expect(new Set(votes.map((v) => v.assignment_id)).size).toBe(votes.length);
		expect(votes.length).toBe(acked.size);

		// pair_stat is the votes
		const counted = await db.kysely
			.selectFrom('vote')
			.select(['left_system_id', 'right_system_id', 'choice'])
			.where('kind', '=', 'normal')
			.where('status', '=', 'counted')
			.execute();
		const expected = new Map<string, number>();
		for (const v of counted) {
			const key = [v.left_system_id, v.right_system_id].sort().join('|');
			expected.set(key, (expected.get(key) ?? 0) + 1);
		}
		const stats = await db.kysely.selectFrom('pair_stat').selectAll().where('criterion', '=', 'overall').execute();
		const actual = new Map(stats.map((s) => [`${s.system_a}|${s.system_b}`, s.a_wins + s.b_wins + s.ties + s.both_bad]));
		expect(Object.fromEntries([...actual].filter(([, n]) => n > 0))).toEqual(Object.fromEntries(expected));

		// no evaluator was shown an image pair twice (hidden repeats are meant to be)
		const shown = await db.kysely
			.selectFrom('assignment')
			.select(['user_id', 'left_image_id', 'right_image_id'])
			.where('kind', '!=', 'repeat')
			.execute();
		const keys = shown.map((a) => `${a.user_id}|${[a.left_image_id, a.right_image_id].sort().join('|')}`);
		expect(keys.length - new Set(keys).size).toBe(0);

		// balanced as on one instance: 8 systems, 28 pairs, every pair within one or two of the others
		const perPair = [...expected.values()];
		expect(perPair.length).toBe(28);
		expect(Math.max(...perPair) - Math.min(...perPair)).toBeLessThanOrEqual(2);

		// the three leaderboards agree with the database within 5 s of the last vote
		const deadline = Date.now() + 5000;
		for (;;) {
			const boards = await Promise.all([0, 1, 2].map(leaderboard));
			const same = boards.every((b) => JSON.stringify(b) === JSON.stringify(boards[0]));
			if (same && boards[0].votes === counted.length) break;
			if (Date.now() > deadline) {
				expect(boards.map((b) => b.votes)).toEqual([counted.length, counted.length, counted.length]);
				expect(boards[1]).toEqual(boards[0]);
				expect(boards[2]).toEqual(boards[0]);
			}
			await new Promise((r) => setTimeout(r, 100));
		}
	}, 300_000);

	it('keep every acknowledged vote and serve the dead instance’s pairs again after one is killed', async () => {
		const before = acked.size;
		thinkMs = 100;
		let killed = false;
		/** evaluators who lost a request with the dead instance: they leave, and their leases lapse */
		const gone = new Set<number>();
		// whatever the timing of the burst on a slow machine, a few evaluators hold a pair from instance 2
		// when it dies: they took it just before the burst and walk away from it
		for (const e of [0, 1, 2, 3]) {
			const next = await call(2, evaluators[e].cookie, `/api/v1/campaigns/${SLUG}/next`);
			expect(next.status).toBe(200);
			issuedBy.set(next.body!.assignment!.id, 2);
			gone.add(e);
		}

		// The small campaign. Both survivors build its scheduler first (evaluator 50 takes and answers a
		// pair on each), so the dead instance's leases reach them by the catch-up under the lease lock
		// (adopted, expiring from memory), not by a rebuild from the database.
		const smallNext = (e: number, instance: number) => call(instance, evaluators[e].cookie, `/api/v1/campaigns/${SMALL}/next`);
		for (const instance of [0, 1]) {
			const next = await smallNext(50, instance);
			expect(next.status).toBe(200);
			const vote = await call(instance, evaluators[50].cookie, `/api/v1/campaigns/${SMALL}/votes`, {
				vote_id: crypto.randomUUID(),
				assignment_id: next.body!.assignment!.id,
				choice: 'left',
				rationale: 'The left one keeps the prompt’s details'
			});
			expect(vote.status).toBe(201);
		}
		// evaluators 0–3 take all four pairs from instance 2 and walk away with them when it dies
		const smallLeases: string[] = [];
		for (const e of [0, 1, 2, 3]) {
			const next = await smallNext(e, 2);
			expect(next.status).toBe(200);
			smallLeases.push(next.body!.assignment!.id);
		}
		const smallPairs = async (ids: string[]) =>
			(
				await db.kysely.selectFrom('assignment').select(['left_image_id', 'right_image_id', 'expires_at']).where('id', 'in', ids).execute()
			).map((a) => ({ pair: [a.left_image_id, a.right_image_id].sort().join('|'), expiresAt: a.expires_at }));
		const orphaned = await smallPairs(smallLeases);
		expect(new Set(orphaned.map((o) => o.pair)).size).toBe(4);
		// the survivors know them (the catch-up) and hand none of them out while they are held
		expect((await smallNext(51, 0)).status).toBe(204);
		expect((await smallNext(52, 1)).status).toBe(204);
		await Promise.all(
			evaluators.map(async (_, e) => {
				if (gone.has(e)) return;
				for (let round = ROUNDS; round < ROUNDS + 8; round++) {
					if (!killed && acked.size >= before + 90) {
						killed = true;
						alive[2] = false;
						instances[2].process.kill('SIGKILL');
					}
					const result = await step(e, round);
					if (result === 'lost') gone.add(e);
					if (result !== 'ok') return;
				}
			})
		);
		expect(killed).toBe(true);
		expect(failures).toEqual([]);

		const votes = await storedVotes();
		const stored = new Map(votes.map((v) => [v.id, v]));
		for (const [voteId, assignmentId] of acked) expect(stored.get(voteId)?.assignment_id).toBe(assignmentId);

		// leases the dead instance issued that were never answered stay open in the database until they lapse
		const open = await db.kysely
			.selectFrom('assignment')
			.select(['id', 'expires_at'])
			.where('answered_at', 'is', null)
			.where('skipped_at', 'is', null)
			.where('kind', '=', 'normal')
			.execute();
		expect(open.filter((a) => issuedBy.get(a.id) === 2).length).toBeGreaterThanOrEqual(4);

		// Once the small campaign's leases lapsed, the survivors serve its four pairs again, each to one
		// evaluator (a pair re-issued by one survivor is held for the other too), and then none is left.
		const lapsed = Math.max(...orphaned.map((o) => o.expiresAt));
		while (Date.now() <= lapsed) await new Promise((r) => setTimeout(r, Math.min(1000, lapsed - Date.now() + 10)));
		const again: string[] = [];
		for (const [k, e] of [51, 52, 53, 54].entries()) {
			const next = await smallNext(e, k % 2);
			expect(next.status, `evaluator ${e} on instance ${k % 2}`).toBe(200);
			again.push(next.body!.assignment!.id);
		}
		expect(new Set((await smallPairs(again)).map((a) => a.pair))).toEqual(new Set(orphaned.map((o) => o.pair)));
		expect((await smallNext(55, 0)).status).toBe(204);
		expect((await smallNext(55, 1)).status).toBe(204);

		// and the main campaign goes on on both survivors
		const results = await Promise.all(evaluators.map((_, e) => (gone.has(e) ? 'gone' : step(e, 100))));
		expect(results.filter((r) => r === 'ok').length).toBeGreaterThan(0);
		expect(failures).toEqual([]);
	}, 300_000);
});
