// A large campaign's quality report keeps a thread busy for seconds, and with votes coming in all day
// one is being computed most of the time. The audit queue's pages and the off-thread counts run on
// another thread: they are answered while the report thread is busy, ordered by the scores of the
// report the caller serves. The report thread is held busy here (holdReportThread) instead of by a
// slow report, so the test does not depend on how long anything takes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { seedCampaign, type SeededCampaign, openForVoting } from '../helpers/campaign.ts';
import { requireCampaign } from '../../src/lib/server/campaigns/campaigns.ts';
import { nextAssignment } from '../../src/lib/server/voting/leases.ts';
import { castVote } from '../../src/lib/server/voting/cast-vote.ts';
import { auditQueue, parseAuditFilters, reviewProgress } from '../../src/lib/server/audit/queue.ts';
import { campaignQuality } from '../../src/lib/server/audit/evaluator-quality.ts';
import {
	holdReportThread,
	qualityInWorker,
	readSaved,
	SAVED_FORMAT,
	savedQuality,
	writeSaved
} from '../../src/lib/server/audit/quality-worker.ts';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';

let db: TestDatabase;
let seeded: SeededCampaign;

async function vote(evaluator: number, n: number) {
	const campaign = await requireCampaign(db.kysely, 'lanes');
	const pair = await nextAssignment(db.kysely, campaign, seeded.evaluators[evaluator].id, null);
	if (!pair) throw new Error('no pair');
	await castVote(db.kysely, campaign, seeded.evaluators[evaluator].id, {
		voteId: crypto.randomUUID(),
		assignmentId: pair.assignment.id,
		// evaluator 0 argues for the other side now and then (contradictions) and answers fast
		choice: n % 2 ? 'left' : 'right',
		rationale: evaluator === 0 && n % 3 === 0 ? `The ${n % 2 ? 'right' : 'left'} one is sharper (${n}).` : `Sharper, number ${n}.`,
		activeMs: evaluator === 0 ? 500 : 6000
	});
}

const withinSeconds = <T>(p: Promise<T>, what: string, seconds = 30) =>
	Promise.race([
		p,
		new Promise<never>((_, fail) => setTimeout(() => fail(new Error(`${what}: no answer in ${seconds} s`)), seconds * 1000))
	]);

beforeAll(async () => {
	db = await createTestDatabase();
	seeded = await seedCampaign(db.kysely, db.dir, { slug: 'lanes', systems: 4, prompts: 10, evaluators: 3 });
	await openForVoting(db.kysely, 'lanes');
	for (let n = 0; n < 24; n++) await vote(n % 3, n);
}, 60_000);
afterAll(() => db.cleanup());

describe('quality worker lanes', () => {
	it('saves a report for the next process of the same build, which reads it back whole', async () => {
		const campaign = await requireCampaign(db.kysely, 'lanes');
		const path = join(db.dir, 'saved', 'quality.v8');
		const plain = (x: unknown) => JSON.parse(JSON.stringify(x));
		const small = await qualityInWorker(db.file, campaign.id, { path, key: 'build-a', least: 1000 });
		expect(await savedQuality(path, 'build-a')).toBeNull(); // under `least` votes: not saved
		const computed = await qualityInWorker(db.file, campaign.id, { path, key: 'build-a', least: 1 });
		expect(plain(small)).toEqual(plain(computed));
		expect(await savedQuality(path, 'build-b')).toBeNull(); // another build's
		const saved = (await savedQuality(path, 'build-a'))!;
		expect(saved.campaignId).toBe(campaign.id);
		expect(plain(saved.quality)).toEqual(plain(computed));
		expect(saved.quality.risks.toJSON()).toEqual(computed.risks.toJSON());
		expect(saved.quality.risks.get(computed.risks.at(0).voteId)?.score).toBe(computed.risks.at(0).score);
		expect(saved.sameCode).toBe(true);
		// another build's report of the same layout is read back (served marked not current until this
		// build's own is computed); one of another layout is not
		const file = readSaved(path);
		writeSaved(path, { ...file, code: 'quality-worker.js-0ther' });
		const other = (await savedQuality(path, 'build-a'))!;
		expect(other.sameCode).toBe(false);
		expect(plain(other.quality)).toEqual(plain(computed));
		writeSaved(path, { ...readSaved(path), format: SAVED_FORMAT + 1 });
		expect(await savedQuality(path, 'build-a')).toBeNull();
		writeSaved(path, { ...readSaved(path), format: SAVED_FORMAT });
		expect(await savedQuality(path, 'build-a')).not.toBeNull();
		// a file cut short (a full disk, a copy interrupted) is not read
		const bytes = readFileSync(path);
		writeFileSync(path, bytes.subarray(0, bytes.length - 3));
		expect(await savedQuality(path, 'build-a')).toBeNull();
	});

	it('answers audit queue pages and counts while a report is being computed', async () => {
		const campaign = await requireCampaign(db.kysely, 'lanes');
		const quality = await campaignQuality(db.kysely, campaign);
		const known = new Set([...quality.risks].map((r) => r.voteId));
		expect(quality.risks.toJSON().some((r) => r.score > 0)).toBe(true);

		const hold = holdReportThread();
		await withinSeconds(hold.held, 'holding the report thread');
		try {
			// the report thread is busy: a report asked for now waits for it…
			let reported = false;
			const report = qualityInWorker(db.file, campaign.id).then((q) => ((reported = true), q));
			// …while a page in risk order and the review counts are answered meanwhile
			await vote(1, 24);
			const page = await withinSeconds(
				auditQueue(db.kysely, db.dialect, campaign, parseAuditFilters(new URLSearchParams('sort=risk')), quality),
				'audit queue page'
			);
			const progress = await withinSeconds(reviewProgress(db.kysely, campaign.id), 'review counts');
			expect(reported).toBe(false);
			// ordered by the scores of the report the caller serves (the vote newer than it has none: 0),
			// ties newest first
			expect(page.total).toBe(25);
			const scores = page.votes.map((v) => v.risk.score);
			expect(scores).toEqual(page.votes.map((v) => quality.risks.scoreOf(v.id)));
			expect(page.votes.map((v) => v.id)).toEqual(
				[...page.votes].sort((a, b) => b.risk.score - a.risk.score || b.submittedAt - a.submittedAt).map((v) => v.id)
			);
			expect(page.votes.filter((v) => !known.has(v.id))).toHaveLength(1);
			expect(progress).toEqual({ reviewed: 0, total: 25 });
			hold.release();
			expect((await withinSeconds(report, 'report after release')).risks.size).toBe(25);
		} finally {
			hold.release();
		}
	});

	it('knows the layout a saved report is written in (SAVED_FORMAT): a change of it needs a new format number', async () => {
		// another build reads a saved report of the same SAVED_FORMAT: its structure (every key, in the
		// evaluators, their metrics and reasons, the agreement, the thresholds, the risk reasons) must be
		// the one this build writes. When this fails, the layout changed: bump SAVED_FORMAT in
		// quality-worker.ts and add the new shape under the new number (keep the old ones).
		const SHAPES: Record<number, string> = { 1: '079e8855c1ccfd36' };
		const campaign = await requireCampaign(db.kysely, 'lanes');
		// evaluator 0 answers fast: with ten more votes they are flagged (a reason in the shape)
		for (let n = 24; n < 34; n++) await vote(0, n);
		const report = await qualityInWorker(db.file, campaign.id);
		/** the keys of a JSON value, values left out; arrays as the union of their elements' shapes */
		const shape = (x: unknown): unknown => {
			if (Array.isArray(x)) return [...new Set(x.map((e) => JSON.stringify(shape(e))))].sort();
			if (x !== null && typeof x === 'object')
				return Object.fromEntries(
					Object.keys(x)
						.sort()
						.map((k) => [k, shape((x as Record<string, unknown>)[k])])
				);
			return 0;
		};
		const { risks, ...rest } = JSON.parse(JSON.stringify(report));
		expect(risks).toBeDefined();
		// the data gives flags with reasons and votes with risk reasons, so their keys are in the shape
		expect(report.evaluators.some((e) => e.reasons.length)).toBe(true);
		expect(report.risks.toJSON().some((r) => r.reasons.length)).toBe(true);
		const digest = createHash('sha256')
			.update(JSON.stringify([shape(rest), shape(report.risks.toJSON())]))
			.digest('hex')
			.slice(0, 16);
		expect(digest, `the saved report's layout changed: bump SAVED_FORMAT (${SAVED_FORMAT}) and add its shape`).toBe(SHAPES[SAVED_FORMAT]);
	});
});
