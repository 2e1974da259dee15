// The region-mark signals (lib/quality/marks.ts) added to a campaign's quality report: an evaluator who
// never marks what the others mark often, or who marks the same region on every image, is flagged with
// that reason like any other quality flag (dashboard, audit, "leave out flagged evaluators").
//
// They need every vote and every mark of the campaign, so they are computed where the rest of the
// report is: in the quality worker's pass over the votes it already holds as columns (quality-worker.ts),
// and travel back with the evaluators. The request thread reads no vote and no mark for them.
import { hotQuery } from '../db/hot-query.ts';
import type { EvaluatorQuality, VoteColumns } from '../../quality/index.ts';
import { markSignalsColumns, mergeMarkSignals, type MarkColumns, type MarkRecord } from '../../quality/marks.ts';

/** Every mark of the campaign, in the columns markRecord maps (quality-worker.ts reads them as arrays in this order). */
export const CAMPAIGN_MARKS = hotQuery('quality.campaign-marks', ['campaign_id'], (db, p: { campaign_id: string }) =>
	db.selectFrom('vote_mark').select(['vote_id', 'side', 'kind', 'x', 'y', 'w', 'h']).where('campaign_id', '=', p.campaign_id)
);

/** The mark signals over the report's own votes, merged into its evaluators (the same objects, updated). */
export function addMarkSignals(evaluators: EvaluatorQuality[], votes: VoteColumns, marks: readonly MarkRecord[] | MarkColumns): void {
	// a campaign without any mark (all campaigns from before marks, and those that do not use them) flags no one
	if (!marks.length) return;
	mergeMarkSignals(evaluators, markSignalsColumns(votes, marks));
}
