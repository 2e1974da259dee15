// "Enough votes?" for a campaign: the pure summary (lib/ranking/enough.ts) of a leaderboard, with the
// campaign's recent voting rate and the lead's target (campaign settings JSON, key `enoughTarget`).
import type { Kysely } from 'kysely';
import type { Campaign, Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { writeAudit } from '../audit-log.ts';
import { requireOpen, storedSettings } from '../campaigns/campaigns.ts';
import { checkTarget, enoughVotes, type EnoughTarget, type EnoughVotes } from '../../ranking/enough.ts';
import type { CampaignLeaderboard } from './leaderboard.ts';

const HOUR = 3_600_000;
/** The rate is measured over the last day (or since the first vote of that day, at least an hour). */
const RATE_WINDOW = 24 * HOUR;

/** The lead's target, or null when none is set (or what is stored is not a valid target). */
export function enoughTarget(campaign: Pick<Campaign, 'settings'>): EnoughTarget | null {
	const raw = storedSettings(campaign).enoughTarget;
	if (raw === undefined || raw === null) return null;
	try {
		return checkTarget(raw);
	} catch {
		return null;
	}
}

/** Counted normal votes per hour over the last day; null when there were none. */
export async function recentVotesPerHour(db: Kysely<Database>, campaignId: string, now = Date.now()): Promise<number | null> {
	const since = now - RATE_WINDOW;
	const row = await db
		.selectFrom('vote')
		.select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('submitted_at').as('first')])
		.where('campaign_id', '=', campaignId)
		.where('submitted_at', '>=', since)
		.where('kind', '=', 'normal')
		.where('status', '=', 'counted')
		.executeTakeFirst();
	const n = Number(row?.n ?? 0);
	if (!n || row?.first === null || row?.first === undefined) return null;
	// a campaign that started an hour ago is not judged by a full day; nor by a few seconds' burst
	const span = Math.max(HOUR, now - Number(row.first));
	return n / (span / HOUR);
}

/** The summary for a board with intervals; null when the board has none (no bootstrap rounds). */
export async function campaignEnough(
	db: Kysely<Database>,
	campaign: Campaign,
	board: Pick<CampaignLeaderboard, 'leaderboard' | 'votes'>
): Promise<EnoughVotes | null> {
	const rows = [];
	for (const e of board.leaderboard) {
		if (e.ci_low === null || e.ci_high === null) return null;
		rows.push({ system: e.system, rating: e.rating, ci_low: e.ci_low, ci_high: e.ci_high });
	}
	return enoughVotes(rows, board.votes, await recentVotesPerHour(db, campaign.id), enoughTarget(campaign));
}

/**
 * Sets (or, with an empty kind, clears) the lead's target from form fields: `target_kind`
 * ('', 'separability' or 'width') and `target_value` (separability in percent 1–100, or Elo).
 * Only this key of the settings JSON changes; one audit entry with the before and after.
 */
export async function updateEnoughTarget(
	db: Kysely<Database>,
	campaign: Campaign,
	input: { kind: unknown; value: unknown },
	actorId: string | null
): Promise<EnoughTarget | null> {
	requireOpen(campaign);
	const kind = input.kind === null || input.kind === undefined ? '' : String(input.kind);
	let target: EnoughTarget | null = null;
	if (kind === 'separability' || kind === 'width') {
		const text = typeof input.value === 'string' ? input.value.trim() : '';
		const v = text === '' ? NaN : Number(text);
		if (kind === 'separability') {
			if (!Number.isFinite(v) || v < 1 || v > 100)
				throw new AppError(400, 'invalid', 'the target separability must be a percentage from 1 to 100', 'target_value');
			target = { kind, value: v / 100 };
		} else {
			if (!Number.isFinite(v) || v <= 0 || v > 10_000)
				throw new AppError(
					400,
					'invalid',
					'the target interval width must be a number of Elo points above 0 and at most 10000',
					'target_value'
				);
			target = { kind, value: v };
		}
	} else if (kind !== '') {
		throw new AppError(400, 'invalid', "the target must be 'separability', 'width' or none", 'target_kind');
	}
	const before = enoughTarget(campaign);
	const settings = { ...storedSettings(campaign), enoughTarget: target };
	await db.transaction().execute(async (trx) => {
		await trx
			.updateTable('campaign')
			.set({ settings: JSON.stringify(settings) })
			.where('id', '=', campaign.id)
			.execute();
		await writeAudit(trx, { actorId, action: 'campaign.target', subject: campaign.id, detail: { from: before, to: target } });
	});
	return target;
}
