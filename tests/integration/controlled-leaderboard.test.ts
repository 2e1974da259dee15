// The controlled leaderboard (?control=…) through the server function, on real votes in a real SQLite
// file: two systems make bigger images, raters (simulated) prefer bigger images; controlling for the
// pixel count recovers the effect and the true order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { createCampaign, requireCampaign } from '../../src/lib/server/campaigns/campaigns.ts';
import { createUser } from '../../src/lib/server/auth/users.ts';
import { submitVote } from '../../src/lib/server/voting/submit-vote.ts';
import { campaignLeaderboard, parseLeaderboardQuery } from '../../src/lib/server/results/leaderboard.ts';
import { randomId } from '../../src/lib/server/ids.ts';
import { AppError } from '../../src/lib/server/errors.ts';
import { createRng } from '../../src/lib/scheduling/rng.ts';

let db: TestDatabase;
const TRUTH = [0.45, 0.3, 0.0, -0.35];
const SIZE = [512, 900, 512, 512];
const PROMPTS = 12;
const GAMMA = 1.2;
const VOTES = 3000;

beforeAll(async () => {
	db = await createTestDatabase();
	const k = db.kysely;
	await createCampaign(k, { slug: 'ctl', name: 'Controlled' });
	const campaign = await requireCampaign(k, 'ctl');
	const user = (await createUser(k, { email: 'c@ctl.test', password: 'password-123' })).id;
	const systems = TRUTH.map(() => randomId());
	for (const [i, id] of systems.entries())
		await k
			.insertInto('system')
			.values({ id, campaign_id: campaign.id, name: `s${i}` })
			.execute();
	const images: string[][] = [];
	const side: number[][] = [];
	const sizes = createRng(7);
	for (let pr = 0; pr < PROMPTS; pr++) {
		const promptId = randomId();
		await k
			.insertInto('prompt')
			.values({ id: promptId, campaign_id: campaign.id, external_id: `p${pr}`, text: 'p', category: null })
			.execute();
		images.push([]);
		side.push([]);
		for (const [i, systemId] of systems.entries()) {
			const id = randomId();
			// sizes vary within a system too, or the effect could not be told from the system
			side[pr][i] = Math.round(SIZE[i] * (0.6 + 0.8 * sizes()));
			await k
				.insertInto('image')
				.values({
					id,
					campaign_id: campaign.id,
					prompt_id: promptId,
					system_id: systemId,
					sha256: randomId(),
					stored_path: 'x',
					width: side[pr][i],
					height: side[pr][i],
					format: 'jpeg',
					bytes: side[pr][i] ** 2,
					created_at: 0
				})
				.execute();
			images[pr].push(id);
		}
	}
	const rand = createRng(2026);
	const t0 = Date.UTC(2026, 0, 1);
	for (let v = 0; v < VOTES; v++) {
		const pr = Math.floor(rand() * PROMPTS);
		const i = Math.floor(rand() * 4);
		const j = (i + 1 + Math.floor(rand() * 3)) % 4;
		const pl = side[pr][i] ** 2;
		const pr2 = side[pr][j] ** 2;
		const eta = TRUTH[i] - TRUTH[j] + GAMMA * ((pl - pr2) / (pl + pr2));
		const choice = rand() < 1 / (1 + Math.exp(-eta)) ? 'left' : 'right';
		const assignmentId = randomId();
		await k
			.insertInto('assignment')
			.values({
				id: assignmentId,
				campaign_id: campaign.id,
				user_id: user,
				left_image_id: images[pr][i],
				right_image_id: images[pr][j],
				issued_at: t0 + v * 1000,
				expires_at: t0 + v * 1000 + 600_000,
				answered_at: null,
				skipped_at: null,
				skip_reason: null
			})
			.execute();
		await submitVote(
			k,
			user,
			campaign,
			{ voteId: crypto.randomUUID(), assignmentId, choice, rationale: 'r'.repeat(20) },
			t0 + v * 1000 + 500
		);
	}
}, 600_000);
afterAll(() => db.cleanup());

const q = (s: string) => parseLeaderboardQuery(new URLSearchParams(s));

describe('controlled leaderboard', () => {
	it('recovers the planted pixel effect and the true order, with Δrank against the raw board', async () => {
		const campaign = await requireCampaign(db.kysely, 'ctl');
		const board = await campaignLeaderboard(db.kysely, campaign, q('control=pixels,left&bootstrap=300'), { workers: 0 });
		expect(board.leaderboard[0].system).toBe('s1'); // the raw board: bigger images win
		const controlled = board.controlled!;
		expect(controlled.votes).toBe(VOTES);
		expect(controlled.coefficients.map((c) => c.name)).toEqual(['pixels', 'left']);
		const [pixels, left] = controlled.coefficients;
		const elo = 400 / Math.LN10;
		expect(pixels.ci_low!).toBeLessThan(GAMMA * elo);
		expect(pixels.ci_high!).toBeGreaterThan(GAMMA * elo);
		expect(left.ci_low!).toBeLessThan(0);
		expect(left.ci_high!).toBeGreaterThan(0);
		expect(controlled.leaderboard.map((e) => e.system)).toEqual(['s0', 's1', 's2', 's3']);
		expect(controlled.leaderboard.find((e) => e.system === 's1')!.delta_rank).toBe(-1);
		// one row per image pair, not per vote
		expect(controlled.rows).toBeLessThanOrEqual(PROMPTS * 12);
		// without ?control there is no controlled board
		expect((await campaignLeaderboard(db.kysely, campaign, q('bootstrap=0'))).controlled).toBeUndefined();
	});

	it('names a bad control', () => {
		for (const bad of ['control=marks', 'control=pixels,x']) {
			try {
				q(bad);
				expect.unreachable();
			} catch (error) {
				expect(error).toBeInstanceOf(AppError);
				expect((error as AppError).field).toBe('control');
			}
		}
		expect(q('control=aspect,bpp,aspect').control).toEqual(['aspect', 'bpp']);
	});
});
