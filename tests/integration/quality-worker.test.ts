// The quality report on a SQLite file is computed on a worker thread from its own read-only
// connection: the event loop turns while it runs, concurrent callers share one computation, and the
// report that comes back (packed, then unpacked) is the one computed in this thread, reasons included.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { seedCampaign } from '../helpers/campaign.ts';
import { requireCampaign } from '../../src/lib/server/campaigns/campaigns.ts';
import { campaignQuality, forgetQuality } from '../../src/lib/server/audit/evaluator-quality.ts';
import { qualityHere, qualityInWorker, workerJobs } from '../../src/lib/server/audit/quality-worker.ts';
import { markRecord, markSignals } from '../../src/lib/quality/marks.ts';
import { createRng } from '../../src/lib/scheduling/index.ts';
import { assessQuality, type Choice, type RiskReason } from '../../src/lib/quality/index.ts';
import { rationaleFacts } from '../../src/lib/quality/rationale-facts.ts';
import { up as addRationaleFacts } from '../../migrations/20261201_0013_rationale_facts.ts';

let db: TestDatabase;

type ImageRow = { id: string; prompt_id: string; system_id: string };

/** A vote written straight to the tables, with its assignment (answered when the vote was made). */
async function insertVote(v: {
	id: string;
	campaignId: string;
	userId: string;
	left: ImageRow;
	right: ImageRow;
	kind: 'normal' | 'gold';
	choice: Choice;
	rationale: string;
	at: number;
	activeMs: number;
}) {
	const assignment = `as-${v.id}`;
	await db.kysely
		.insertInto('assignment')
		.values({
			id: assignment,
			campaign_id: v.campaignId,
			user_id: v.userId,
			left_image_id: v.left.id,
			right_image_id: v.right.id,
			kind: v.kind,
			issued_at: v.at,
			expires_at: v.at,
			answered_at: v.at
		})
		.execute();
	await db.kysely
		.insertInto('vote')
		.values({
			id: v.id,
			kind: v.kind,
			assignment_id: assignment,
			campaign_id: v.campaignId,
			user_id: v.userId,
			prompt_id: v.left.prompt_id,
			left_image_id: v.left.id,
			right_image_id: v.right.id,
			left_system_id: v.left.system_id,
			right_system_id: v.right.system_id,
			choice: v.choice,
			rationale: v.rationale,
			// as the app stores them, except on every third vote (as votes from before they were
			// stored): the report reads those texts again, and the rest only where it quotes them
			rationale_facts: factsStored++ % 3 === 2 ? null : rationaleFacts(v.rationale),
			guidelines_version: 1,
			shown_at: v.at,
			submitted_at: v.at,
			active_ms: v.activeMs
		})
		.execute();
}
let factsStored = 0;
const rng = createRng(7);

beforeAll(async () => {
	db = await createTestDatabase();
	const seeded = await seedCampaign(db.kysely, db.dir, { slug: 'w', systems: 4, prompts: 6, evaluators: 5 });
	const campaign = await requireCampaign(db.kysely, 'w');
	const images = await db.kysely.selectFrom('image').select(['id', 'prompt_id', 'system_id']).execute();
	const byPrompt = new Map<string, typeof images>();
	for (const i of images) byPrompt.set(i.prompt_id, [...(byPrompt.get(i.prompt_id) ?? []), i]);
	const prompts = [...byPrompt.keys()];
	const pasted = 'Left is better.';
	// 240 votes: evaluator 0 pastes one rationale and always picks left; the others argue for their choice,
	// now and then for the other side (a contradiction); pairs repeat across evaluators (disagreement)
	for (let n = 0; n < 240; n++) {
		const e = n % seeded.evaluators.length;
		const set = byPrompt.get(prompts[Math.floor(rng() * prompts.length)])!;
		const a = Math.floor(rng() * set.length);
		const b = (a + 1 + Math.floor(rng() * (set.length - 1))) % set.length;
		const choice: Choice = e === 0 ? 'left' : rng() < 0.45 ? 'left' : rng() < 0.9 ? 'right' : 'tie';
		const argued = rng() < 0.15 ? (choice === 'left' ? 'right' : 'left') : choice;
		const rationale = e === 0 ? pasted : `The ${argued} image is sharper and the hands look better (${n}).`;
		const at = Date.UTC(2026, 0, 1) + n * 60_000;
		await insertVote({
			id: `vote-${n}`,
			campaignId: campaign.id,
			userId: seeded.evaluators[e].id,
			left: set[a],
			right: set[b],
			kind: 'normal',
			choice,
			rationale,
			at,
			activeMs: e === 0 ? 900 : 8000
		});
		// region marks: evaluator 1 always in the top-left corner of the left image (same region), 2 and 3
		// anywhere on both images, 4 never (while the others mark those images: never marks)
		if (e >= 1 && e <= 3)
			for (const side of e === 1 ? (['left'] as const) : (['left', 'right'] as const))
				await db.kysely
					.insertInto('vote_mark')
					.values({
						vote_id: `vote-${n}`,
						campaign_id: campaign.id,
						side,
						position: 1,
						kind: 'artifact',
						x: e === 1 ? 0.01 : rng() * 0.9,
						y: e === 1 ? 0.02 : rng() * 0.9,
						w: e === 1 ? 0.05 : 0.1,
						h: e === 1 ? 0.05 : 0.1
					})
					.execute();
	}
});

afterAll(() => db.cleanup());

const plainReasons = (x: unknown) => JSON.parse(JSON.stringify(x));

/** Every vote's reasons as the record path (assessQuality over plain vote records) gives them, by vote id. */
async function recordReasons(campaignId: string): Promise<Map<string, RiskReason[]>> {
	const votes = await db.kysely.selectFrom('vote').selectAll().where('campaign_id', '=', campaignId).orderBy('submitted_at').execute();
	const gold = await db.kysely.selectFrom('gold_pair').selectAll().where('campaign_id', '=', campaignId).execute();
	const report = assessQuality(
		votes.map((v) => ({
			id: v.id,
			userId: v.user_id,
			leftImageId: v.left_image_id,
			rightImageId: v.right_image_id,
			leftSystemId: v.left_system_id,
			rightSystemId: v.right_system_id,
			choice: v.choice,
			rationale: v.rationale,
			activeMs: v.active_ms,
			submittedAt: v.submitted_at,
			kind: v.kind,
			status: v.status,
			assignmentId: v.assignment_id
		})),
		{ gold: gold.map((g) => ({ leftImageId: g.left_image_id, rightImageId: g.right_image_id, expected: g.expected_choice })) }
	);
	return new Map(report.votes.map((v) => [v.voteId, v.reasons]));
}

describe('the quality report on a worker thread', () => {
	it('lets the event loop turn, is shared by concurrent callers and equals the report computed in this thread', async () => {
		const campaign = await requireCampaign(db.kysely, 'w');
		const jobs = workerJobs();
		let turned = false;
		// runs only if the event loop gets a turn before the report is in (computed in this thread, it would not)
		setImmediate(() => (turned = true));
		const [first, second] = await Promise.all([campaignQuality(db.kysely, campaign), campaignQuality(db.kysely, campaign)]);
		expect(turned).toBe(true);
		expect(second).toBe(first);
		expect(workerJobs() - jobs).toBe(1);

		const here = await qualityHere(db.kysely, campaign.id);
		const plain = (x: unknown) => JSON.parse(JSON.stringify(x, (k, v) => (k === 'asOf' ? undefined : v))); // asOf: when, not what
		expect(plain(first)).toEqual(plain(here));
		// the data is rich enough to compare: flags, and votes with several kinds of reasons
		expect(first.evaluators.some((e) => e.flagged)).toBe(true);
		const codes = new Set([...first.risks].flatMap((v) => v.reasons.map((r) => r.code)));
		expect([...codes].sort()).toEqual(expect.arrayContaining(['contradiction', 'duplicate_own', 'too_fast']));
		// cached until the votes change
		expect(await campaignQuality(db.kysely, campaign)).toBe(first);
		expect(workerJobs() - jobs).toBe(1);
	});

	it('computes the mark signals in the worker, the same as the pure function over the same votes and marks', async () => {
		const campaign = await requireCampaign(db.kysely, 'w');
		// the worker's own answer, before anything on this thread touches it
		const report = await qualityInWorker(db.file, campaign.id);
		const votes = await db.kysely
			.selectFrom('vote')
			.select(['id', 'user_id', 'left_image_id', 'right_image_id'])
			.where('campaign_id', '=', campaign.id)
			.execute();
		const marks = await db.kysely
			.selectFrom('vote_mark')
			.select(['vote_id', 'side', 'kind', 'x', 'y', 'w', 'h'])
			.where('campaign_id', '=', campaign.id)
			.execute();
		const expected = markSignals(
			votes.map((v) => ({
				id: v.id,
				userId: v.user_id,
				leftImageId: v.left_image_id,
				rightImageId: v.right_image_id,
				leftSystem: '',
				rightSystem: ''
			})),
			marks.map(markRecord)
		);
		// the data gives both signals
		expect(new Set(expected.flatMap((s) => s.reasons.map((r) => r.code)))).toEqual(new Set(['never_marks', 'same_region']));
		const markCodes = new Set(['never_marks', 'same_region']);
		const got = report.evaluators
			.map((e) => ({ userId: e.userId, reasons: e.reasons.filter((r) => markCodes.has(r.code)) }))
			.filter((e) => e.reasons.length);
		expect(got).toEqual(expected);
		for (const e of report.evaluators) if (got.some((g) => g.userId === e.userId)) expect(e.flagged).toBe(true);
	});

	it('runs the near-duplicate join of a large campaign on its own thread: the report says it is pending, then has it', async () => {
		const campaign = await requireCampaign(db.kysely, 'w');
		const plain = (x: unknown) => JSON.parse(JSON.stringify(x, (k, v) => (k === 'asOf' ? undefined : v))); // asOf: when, not what
		const codes = (q: Awaited<ReturnType<typeof campaignQuality>>) => new Set([...q.risks].flatMap((v) => v.reasons.map((r) => r.code)));
		const settled = async () => {
			// the cached report is dropped when the join finishes; until then the same one comes back
			for (let i = 0; i < 600; i++) {
				const q = await campaignQuality(db.kysely, campaign);
				if (q.nearDuplicates.complete) return q;
				await new Promise((r) => setTimeout(r, 25));
			}
			throw new Error('the near-duplicate join never finished');
		};
		// every campaign above 10 votes takes the large-campaign path
		process.env.PICKWISE_QUALITY_INLINE_DUPLICATES = '10';
		try {
			forgetQuality(campaign.id);
			const pending = await campaignQuality(db.kysely, campaign);
			expect(pending.nearDuplicates).toEqual({ complete: false, unchecked: 240 });
			expect(codes(pending).has('duplicate_own')).toBe(false);

			const ready = await settled();
			expect(ready.nearDuplicates).toEqual({ complete: true, unchecked: 0 });
			// the same report as computed in one go, near-duplicates included
			const here = await qualityHere(db.kysely, campaign.id);
			expect(plain(ready)).toEqual(plain(here));
			expect(codes(ready).has('duplicate_own')).toBe(true);
			// read lean, the texts a reason quotes are still read: a contradiction quotes its clause
			const contradiction = [...ready.risks].flatMap((r) => r.reasons).find((r) => r.code === 'contradiction');
			expect(contradiction?.message).toMatch(/argues for (left|right) \("[^"]+"\)/);

			// a new vote: the report keeps the last join's partners for the votes it saw, says one is unchecked
			const last = await db.kysely.selectFrom('vote').selectAll().where('id', '=', 'vote-0').executeTakeFirstOrThrow();
			await db.kysely
				.insertInto('assignment')
				.values({
					...(await db.kysely.selectFrom('assignment').selectAll().where('id', '=', last.assignment_id).executeTakeFirstOrThrow()),
					id: 'as-new'
				})
				.execute();
			await db.kysely
				.insertInto('vote')
				.values({ ...last, id: 'vote-new', assignment_id: 'as-new', submitted_at: last.submitted_at + 1e9 })
				.execute();
			forgetQuality(campaign.id);
			const partial = await campaignQuality(db.kysely, campaign);
			expect(partial.nearDuplicates).toEqual({ complete: false, unchecked: 1 });
			expect(partial.risks.get('vote-new')!.reasons.some((r) => r.code === 'duplicate_own')).toBe(false);
			const before = ready.risks.get('vote-0')!.reasons.filter((r) => r.code.startsWith('duplicate'));
			expect(before.length).toBeGreaterThan(0);
			expect(plain(partial.risks.get('vote-0')!.reasons.filter((r) => r.code.startsWith('duplicate')))).toEqual(plain(before));

			const again = await settled();
			expect(again.nearDuplicates).toEqual({ complete: true, unchecked: 0 });
			expect(plain(again)).toEqual(plain(await qualityHere(db.kysely, campaign.id)));
			// the pasted rationale of the new vote now has its partners
			expect(again.risks.get('vote-new')!.reasons.some((r) => r.code === 'duplicate_own')).toBe(true);
		} finally {
			delete process.env.PICKWISE_QUALITY_INLINE_DUPLICATES;
			forgetQuality(campaign.id);
		}
	});

	it("gives the record path's reasons for votes without any, too fast, and a gold pair shown against id order", async () => {
		// votes on pairs of their own with unrelated rationales: only the too-fast one has a reason; the
		// last is a gold pair answered as expected, shown with the image whose id sorts last on the left
		// (the pair's canonical orientation is by id, not by which image the worker read first)
		await seedCampaign(db.kysely, db.dir, { slug: 'w2', systems: 4, prompts: 3, evaluators: 3 });
		const campaign = await requireCampaign(db.kysely, 'w2');
		const images = await db.kysely
			.selectFrom('image')
			.select(['id', 'prompt_id', 'system_id'])
			.where('campaign_id', '=', campaign.id)
			.execute();
		const users = await db.kysely.selectFrom('campaign_member').select('user_id').where('campaign_id', '=', campaign.id).execute();
		const prompts = [...new Set(images.map((i) => i.prompt_id))];
		const texts = [
			'Colours of the sky feel calmer overall.',
			'Grass texture reads more natural here.',
			'Fur detail holds up at full size.',
			'Water reflections are handled with care.'
		];
		const [, , c, d] = images.filter((i) => i.prompt_id === prompts[0]);
		const [x, y] = c.id > d.id ? [c, d] : [d, c];
		await db.kysely
			.insertInto('gold_pair')
			.values({
				id: 'w2-gold',
				campaign_id: campaign.id,
				left_image_id: x.id,
				right_image_id: y.id,
				expected_choice: 'left',
				created_at: 0
			})
			.execute();
		for (let n = 0; n < 4; n++) {
			const [a, b] = n === 3 ? [x, y] : images.filter((i) => i.prompt_id === prompts[n]);
			const at = Date.UTC(2026, 1, 1) + n * 60_000;
			await insertVote({
				id: `w2-vote-${n}`,
				campaignId: campaign.id,
				userId: users[n % 3].user_id,
				left: a,
				right: b,
				kind: n === 3 ? 'gold' : 'normal',
				choice: n === 3 ? 'left' : 'tie',
				rationale: texts[n],
				at,
				activeMs: n === 2 ? 500 : 9000
			});
		}
		const report = await campaignQuality(db.kysely, campaign);
		const expected = await recordReasons(campaign.id);
		expect([0, 1, 2, 3].map((n) => expected.get(`w2-vote-${n}`)!.length)).toEqual([0, 0, 1, 0]);
		const all = report.risks.toJSON();
		expect(all).toHaveLength(4);
		expect(plainReasons(all.map((v) => [v.voteId, v.reasons]))).toEqual(plainReasons(all.map((v) => [v.voteId, expected.get(v.voteId)])));
	});

	it('the migration gives every stored vote its rationale facts', async () => {
		// as a database from before the column: dropped, then the migration adds and fills it
		db.sqlite!.exec('alter table vote drop column rationale_facts');
		await addRationaleFacts(db.kysely);
		const rows = await db.kysely.selectFrom('vote').select(['rationale', 'rationale_facts']).execute();
		expect(rows.length).toBeGreaterThan(200);
		for (const r of rows) expect(r.rationale_facts).toBe(rationaleFacts(r.rationale));
	});
});
