// The same migrations and services on PostgreSQL (DATABASE_URL=postgres://…): a campaign from
// import to vote, ranking, search, review and export, on a real server started for the test.
import { sql } from 'kysely';
import { rationaleFacts } from '../../src/lib/quality/rationale-facts.ts';
import { up as addRationaleFacts } from '../../migrations/20261201_0013_rationale_facts.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres } from '../helpers/postgres.ts';
import { openMigratedDatabase, migrateToLatest, type Db } from '../../src/lib/server/db/index.ts';
import { createUser, authenticate } from '../../src/lib/server/auth/users.ts';
import { addCriterion, addMember, createCampaign, requireCampaign } from '../../src/lib/server/campaigns/campaigns.ts';
import { importImages } from '../../src/lib/server/images/import.ts';
import { nextAssignment, skipAssignment } from '../../src/lib/server/voting/leases.ts';
import { castVote } from '../../src/lib/server/voting/cast-vote.ts';
import { undoVote } from '../../src/lib/server/voting/undo.ts';
import { campaignLeaderboard, parseLeaderboardQuery } from '../../src/lib/server/results/leaderboard.ts';
import { auditQueue, parseAuditFilters, reviewProgress } from '../../src/lib/server/audit/queue.ts';
import { campaignQuality, campaignQualityWithin } from '../../src/lib/server/audit/evaluator-quality.ts';
import { reviewVotes } from '../../src/lib/server/audit/reviews.ts';
import { exportVotes } from '../../src/lib/server/results/exports.ts';
import { importVotes } from '../../src/lib/server/voting/battle-import.ts';
import { votesPerDay } from '../../src/lib/server/results/chart-data.ts';
import { selectionCounts } from '../../src/lib/server/results/selection-counts.ts';
import { seedCampaign } from '../helpers/campaign.ts';
import { readNotes, sendNote, unreadNoteCount } from '../../src/lib/server/feedback/notes.ts';
import { evaluatorFeedback } from '../../src/lib/server/feedback/evaluator-page.ts';
import { ensureImageFeatures } from '../../src/lib/server/results/features.ts';
import { personalBoards } from '../../src/lib/server/results/personal.ts';
import { headToHead } from '../../src/lib/server/results/head-to-head.ts';

let pg: Awaited<ReturnType<typeof startPostgres>>;
let db: Db;
let dataDir: string;

beforeAll(async () => {
	pg = await startPostgres();
	db = await openMigratedDatabase(pg.url);
	dataDir = mkdtempSync(join(tmpdir(), 'pickwise-pgdata-'));
}, 60_000);
afterAll(async () => {
	await db?.close();
	await pg?.stop();
	rmSync(dataDir, { recursive: true, force: true });
});

describe('PostgreSQL', () => {
	it('runs the migrations (again without change) and the whole vote path', async () => {
		expect(db.dialect).toBe('postgres');
		await migrateToLatest(db);
		const k = db.kysely;
		const admin = await createUser(k, { email: 'admin@pg.test', password: 'password-123', isAdmin: true });
		expect((await authenticate(k, 'admin@pg.test', 'password-123', '10.3.0.1')).id).toBe(admin.id);
		await createCampaign(k, { slug: 'pg', name: 'PostgreSQL' });
		await addCriterion(k, { slug: 'pg', key: 'adherence', label: 'Prompt adherence' });
		const imported = await importImages(k, { campaign: 'pg', manifestPath: 'demo/agiqa/manifest.csv', dataDir });
		expect(imported.added).toBe(128);
		const users: string[] = [];
		for (let i = 0; i < 3; i++) {
			users.push((await createUser(k, { email: `e${i}@pg.test`, password: 'password-123' })).id);
			await addMember(k, { slug: 'pg', email: `e${i}@pg.test`, role: 'evaluator' });
		}
		const campaign = await requireCampaign(k, 'pg');
		let last = { id: '', user: '', assignment: '' };
		for (let round = 0; round < 40; round++) {
			for (const user of users) {
				const pair = (await nextAssignment(k, campaign, user, null))!;
				const id = crypto.randomUUID();
				const choice = (['left', 'right', 'tie'] as const)[(round + users.indexOf(user)) % 3];
				await castVote(k, campaign, user, {
					voteId: id,
					assignmentId: pair.assignment.id,
					choice,
					rationale: `The chosen image is sharper at the edges (${round})`,
					criteria: { adherence: choice },
					activeMs: 6000
				});
				last = { id, user, assignment: pair.assignment.id };
			}
		}
		const replay = await castVote(k, campaign, last.user, {
			voteId: last.id,
			assignmentId: last.assignment,
			choice: 'left',
			rationale: 'x'.repeat(30)
		});
		expect(replay.created).toBe(false);
		await undoVote(k, campaign, last.user, last.id);

		// hidden repeats (3% by default) are stored but not ranked
		const ranked = async () =>
			Number(
				(
					await k
						.selectFrom('vote')
						.select((eb) => eb.fn.countAll<number>().as('n'))
						.where('kind', '=', 'normal')
						.where('status', '=', 'counted')
						.executeTakeFirstOrThrow()
				).n
			);
		const n = await ranked();
		expect(n).toBeGreaterThan(100);
		const q = parseLeaderboardQuery(new URLSearchParams('bootstrap=50&prior=1'));
		const board = await campaignLeaderboard(k, campaign, q);
		expect(board.votes).toBe(n);
		expect(board.leaderboard.every((r) => Number.isFinite(r.rating) && r.elo !== null)).toBe(true);
		const filtered = await campaignLeaderboard(
			k,
			campaign,
			parseLeaderboardQuery(new URLSearchParams('bootstrap=0&prior=1&from=2020-01-01&criterion=adherence'))
		);
		expect(filtered.votes).toBe(n);
		expect((await votesPerDay(k, campaign, q)).reduce((sum, d) => sum + d.value, 0)).toBe(n);
		const counts = await selectionCounts(k, campaign, q);
		expect([counts.votes, counts.rated.adherence, Object.values(counts.byEvaluator).reduce((a, b) => a + b, 0)]).toEqual([n, n, n]);
		// the same counts from the votes themselves when a filter is set (pair_stat above)
		const fromVotes = await selectionCounts(k, campaign, parseLeaderboardQuery(new URLSearchParams('from=2020-01-01')));
		expect(fromVotes).toEqual(counts);

		const quality = await campaignQuality(k, campaign);
		// a page that waits 0 ms for a report already computed gets it: the change check's queries are
		// real I/O here, but nothing is being computed, so it is not told "being computed"
		for (let i = 0; i < 5; i++) expect(await campaignQualityWithin(k, campaign, 0)).not.toHaveProperty('pending');
		const found = await auditQueue(k, db.dialect, campaign, parseAuditFilters(new URLSearchParams('q=sharper edge')), quality);
		expect(found.total).toBe(119); // every stored vote, repeats included
		const normal = found.votes.find((v) => v.kind === 'normal')!;
		await reviewVotes(k, campaign, admin.id, [normal.id], 'reject', 'checked on PostgreSQL');
		expect((await campaignLeaderboard(k, campaign, q)).votes).toBe(n - 1);
		// the review's subquery and count run on PostgreSQL too
		expect(await reviewProgress(k, campaign.id)).toEqual({ reviewed: 1, total: 119 });
		const unreviewed = await auditQueue(k, db.dialect, campaign, parseAuditFilters(new URLSearchParams('status=unreviewed')), quality);
		expect(unreviewed.total).toBe(118);
		expect(
			(await auditQueue(k, db.dialect, campaign, parseAuditFilters(new URLSearchParams(`vote=${normal.id}`)), quality)).votes[0].review
		).toMatchObject({ decision: 'reject', comment: 'checked on PostgreSQL' });

		let text = '';
		for await (const chunk of exportVotes(k, campaign, 'battles', q)) text += chunk;
		const rows = text.trim().split('\n');
		expect(rows[0]).toMatch(/^model_a,model_b,winner,tstamp,judge/);
		expect(rows.length - 1).toBe(n - 1);
		const battles = await importVotes(k, { campaign: 'pg', text: 'model_a,model_b,winner\nx,y,model_a\ny,x,tie\n', format: 'csv' });
		expect(battles.added).toBe(2);

		// every vote was stored with its rationale facts; the migration that adds them fills a database
		// from before them on PostgreSQL too (dropped here, then added and filled again)
		const stored = await k.selectFrom('vote').select(['id', 'rationale', 'rationale_facts']).orderBy('id').execute();
		expect(stored.length).toBeGreaterThan(100);
		for (const v of stored) expect(v.rationale_facts).toBe(rationaleFacts(v.rationale));
		await sql`alter table vote drop column rationale_facts`.execute(k);
		await addRationaleFacts(k);
		expect(await k.selectFrom('vote').select(['id', 'rationale', 'rationale_facts']).orderBy('id').execute()).toEqual(stored);
	}, 120_000);

	it('measures image features (migration 0011) and builds the controlled, personal and head-to-head boards', async () => {
		const k = db.kysely;
		const seeded = await seedCampaign(k, dataDir, { slug: 'pg-boards', systems: 3, prompts: 3, evaluators: 1 });
		const campaign = await requireCampaign(k, 'pg-boards');
		const evaluator = seeded.evaluators[0].id;
		for (let i = 0; i < 6; i++) {
			const pair = (await nextAssignment(k, campaign, evaluator, null))!;
			await castVote(k, campaign, evaluator, {
				voteId: crypto.randomUUID(),
				assignmentId: pair.assignment.id,
				choice: 'tie',
				rationale: 'Both are about as good as each other.'
			});
		}
		const before = process.env.DATA_DIR;
		process.env.DATA_DIR = dataDir;
		try {
			expect(await ensureImageFeatures(k, campaign.id)).toBe(9);
			expect(await ensureImageFeatures(k, campaign.id)).toBe(0);
		} finally {
			if (before === undefined) delete process.env.DATA_DIR;
			else process.env.DATA_DIR = before;
		}
		const board = await campaignLeaderboard(
			k,
			campaign,
			parseLeaderboardQuery(new URLSearchParams('bootstrap=0&control=left,luminance,contrast'))
		);
		expect(board.controlled!.coefficients.map((c) => c.name)).toEqual(['left', 'luminance', 'contrast']);
		expect((await personalBoards(k, campaign)).consensus).toHaveLength(3);
		const h2h = await headToHead(k, campaign, { a: 'system-0', b: 'system-1' }, parseLeaderboardQuery(new URLSearchParams()));
		expect(h2h.totals.battles).toBe(h2h.totals.tie);
	});

	it('keeps notes to evaluators and shows an evaluator their rejected votes', async () => {
		const k = db.kysely;
		const seeded = await seedCampaign(k, dataDir, { slug: 'pg-feedback', systems: 2, prompts: 1, evaluators: 1 });
		const lead = await createUser(k, { email: 'lead@pg-feedback.test', password: 'password-123' });
		await addMember(k, { slug: 'pg-feedback', email: 'lead@pg-feedback.test', role: 'lead' });
		const campaign = await requireCampaign(k, 'pg-feedback');
		const evaluator = seeded.evaluators[0].id;
		const pair = (await nextAssignment(k, campaign, evaluator, null))!;
		const voteId = crypto.randomUUID();
		await castVote(k, campaign, evaluator, {
			voteId,
			assignmentId: pair.assignment.id,
			choice: 'right',
			rationale: 'Right follows the prompt.'
		});
		await reviewVotes(k, campaign, lead.id, [voteId], 'reject', 'Both miss the prompt: both bad.');
		await expect(sendNote(k, campaign, lead.id, evaluator, 'n'.repeat(2001))).rejects.toMatchObject({ status: 400, field: 'note' });
		await sendNote(k, campaign, lead.id, evaluator, 'Welcome aboard.');
		expect(await unreadNoteCount(k, campaign.id, evaluator)).toBe(1);
		const notes = await readNotes(k, campaign, evaluator);
		expect(notes).toMatchObject([{ body: 'Welcome aboard.', read_at: null }]);
		expect(await unreadNoteCount(k, campaign.id, evaluator)).toBe(0);
		const feedback = await evaluatorFeedback(k, campaign, evaluator, 1);
		expect(feedback.votes).toEqual({ total: 1, today: 1, rejected: 1 });
		expect(feedback.rejected).toMatchObject([
			{ comment: 'Both miss the prompt: both bad.', left_url: `/i/a/${pair.assignment.id}/left`, systems: null }
		]);
	}, 60_000);

	it('writes a vote with its criteria, marks, missing elements and tags in one statement, once when two requests race for its pair', async () => {
		const k = db.kysely;
		const seeded = await seedCampaign(k, dataDir, { slug: 'pg-once', systems: 3, prompts: 2, evaluators: 2 });
		await addCriterion(k, { slug: 'pg-once', key: 'adherence', label: 'Prompt adherence' });
		const row = await k.selectFrom('campaign').select(['id', 'settings']).where('slug', '=', 'pg-once').executeTakeFirstOrThrow();
		const settings = { ...JSON.parse(row.settings), goldRate: 0, repeatRate: 0, reasonTags: [{ key: 'sharper', label: 'Sharper' }] };
		await k
			.updateTable('campaign')
			.set({ settings: JSON.stringify(settings) })
			.where('id', '=', row.id)
			.execute();
		const campaign = await requireCampaign(k, 'pg-once');
		const evaluator = seeded.evaluators[0].id;
		const counts = async () => {
			const n = async (table: 'vote' | 'vote_criterion' | 'vote_mark' | 'vote_missing' | 'vote_tag') =>
				Number(
					(
						await k
							.selectFrom(table)
							.select((eb) => eb.fn.countAll<number>().as('n'))
							.where('campaign_id' as never, '=', row.id as never)
							.executeTakeFirstOrThrow()
					).n
				);
			const criterion = await k
				.selectFrom('vote_criterion')
				.innerJoin('vote', 'vote.id', 'vote_criterion.vote_id')
				.select((eb) => eb.fn.countAll<number>().as('n'))
				.where('vote.campaign_id', '=', row.id)
				.executeTakeFirstOrThrow();
			const stats = await k.selectFrom('pair_stat').selectAll().where('campaign_id', '=', row.id).execute();
			const total = (criterion: string) =>
				stats.filter((s) => s.criterion === criterion).reduce((sum, s) => sum + s.a_wins + s.b_wins + s.ties + s.both_bad, 0);
			return {
				votes: await n('vote'),
				criteria: Number(criterion.n),
				marks: await n('vote_mark'),
				missing: await n('vote_missing'),
				tags: await n('vote_tag'),
				overall: total('overall'),
				adherence: total('adherence')
			};
		};

		const first = (await nextAssignment(k, campaign, evaluator, null))!;
		const voteId = crypto.randomUUID();
		const full = {
			voteId,
			assignmentId: first.assignment.id,
			choice: 'left',
			rationale: 'Left is sharper and shows the number.',
			criteria: { adherence: 'right' },
			marks: [
				{ side: 'left', kind: 'artifacts', x: 0.1, y: 0.2, w: 0.3, h: 0.25 },
				{ side: 'right', kind: 'watermark', x: 0.9, y: 0.95 }
			],
			missing: { left: ['number'], right: [] },
			tags: ['sharper']
		};
		// the same vote sent twice at once (a retry racing its first try): stored once, the other gets it back
		const [a, b] = await Promise.all([castVote(k, campaign, evaluator, full), castVote(k, campaign, evaluator, full)]);
		expect([a.created, b.created].sort()).toEqual([false, true]);
		expect(a.vote.id).toBe(voteId);
		expect(b.vote.id).toBe(voteId);
		expect(await counts()).toEqual({ votes: 1, criteria: 1, marks: 2, missing: 1, tags: 1, overall: 1, adherence: 1 });
		const marks = await k.selectFrom('vote_mark').selectAll().where('vote_id', '=', voteId).orderBy('side').execute();
		expect(marks).toMatchObject([
			{ side: 'left', position: 1, kind: 'artifacts', x: 0.1, y: 0.2, w: 0.3, h: 0.25 },
			{ side: 'right', position: 1, kind: 'watermark', x: 0.9, y: 0.95, w: 0, h: 0 }
		]);
		const stored = await k.selectFrom('vote').selectAll().where('id', '=', voteId).executeTakeFirstOrThrow();
		expect(stored).toMatchObject({ choice: 'left', kind: 'normal', status: 'counted', simulated: 0, shown_at: first.assignment.issued_at });

		// two different votes for one pair at once: one is stored, the other is refused
		const second = (await nextAssignment(k, campaign, evaluator, null))!;
		const plain = (choice: string) => ({
			voteId: crypto.randomUUID(),
			assignmentId: second.assignment.id,
			choice,
			rationale: 'The chosen one is sharper.'
		});
		const outcomes = await Promise.allSettled([
			castVote(k, campaign, evaluator, plain('left')),
			castVote(k, campaign, evaluator, plain('right'))
		]);
		expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
		expect(outcomes.find((o) => o.status === 'rejected')).toMatchObject({ reason: { status: 409 } });
		expect(await counts()).toMatchObject({ votes: 2, overall: 2, adherence: 1 });

		// a pair leased to another evaluator is theirs, whichever instance knows it
		const other = seeded.evaluators[1].id;
		const theirs = (await nextAssignment(k, campaign, other, null))!;
		await expect(castVote(k, campaign, evaluator, { ...plain('left'), assignmentId: theirs.assignment.id })).rejects.toMatchObject({
			status: 403,
			field: 'assignment_id'
		});
		// a vote for a skipped pair writes nothing
		const third = (await nextAssignment(k, campaign, evaluator, null))!;
		await skipAssignment(k, campaign, evaluator, third.assignment.id, 'cannot tell');
		await expect(castVote(k, campaign, evaluator, { ...plain('left'), assignmentId: third.assignment.id })).rejects.toMatchObject({
			status: 409,
			field: 'assignment_id'
		});
		expect(await counts()).toMatchObject({ votes: 2, overall: 2 });
	}, 60_000);
});
