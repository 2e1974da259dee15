// The region-mark signals (lib/quality/marks.ts) added to a campaign's quality report: an evaluator who
// never marks what the others mark often, or who marks the same region on every image, is flagged with
// that reason like any other quality flag (dashboard, audit, "leave out flagged evaluators").
import type { Kysely } from 'kysely';
import type { Campaign, Database } from '../db/schema.ts';
import type { QualityReport, Reason } from '../../quality/index.ts';
import { markSignals, type MarkRecord, type MarkVote } from '../../quality/marks.ts';

/** The report with the mark signals merged in (the same object, its evaluators updated). */
export async function withMarkSignals<R extends Pick<QualityReport, 'evaluators'>>(
	db: Kysely<Database>,
	campaign: Campaign,
	report: R
): Promise<R> {
	const marks = await db
		.selectFrom('vote_mark')
		.select(['vote_id', 'side', 'kind', 'x', 'y', 'w', 'h'])
		.where('campaign_id', '=', campaign.id)
		.execute();
	// a campaign without any mark (all campaigns from before marks, and those that do not use them): nothing to read
	if (!marks.length) return report;
	const votes = await db
		.selectFrom('vote')
		.select(['id', 'user_id', 'left_image_id', 'right_image_id'])
		.where('campaign_id', '=', campaign.id)
		.execute();
	const signals = markSignals(
		votes.map((v): MarkVote => ({
			id: v.id,
			userId: v.user_id,
			leftImageId: v.left_image_id,
			rightImageId: v.right_image_id,
			leftSystem: '',
			rightSystem: ''
		})),
		marks.map((m): MarkRecord => ({
			voteId: m.vote_id,
			side: m.side,
			kind: m.kind,
			x: Number(m.x),
			y: Number(m.y),
			w: Number(m.w),
			h: Number(m.h)
		}))
	);
	const byUser = new Map(signals.map((s) => [s.userId, s.reasons]));
	for (const e of report.evaluators) {
		const reasons = byUser.get(e.userId);
		if (!reasons) continue;
		e.flagged = true;
		(e.reasons as Reason[]).push(...reasons);
	}
	return report;
}
