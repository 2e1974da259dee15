// Where and how often each system's images get region marks and miss prompt elements: the numbers
// of the results "Marks" page and of GET /api/v1/campaigns/[slug]/marks. The statistics are pure
// (lib/quality/marks.ts); this reads the selection's votes and their marks, once per change of the
// campaign's votes (VotesCache listens to the votes-changed signal).
import type { Kysely } from 'kysely';
import type { Campaign, Database } from '../db/schema.ts';
import { VotesCache } from '../votes-cache.ts';
import { campaignFlagKinds } from '../campaigns/lists.ts';
import { rankedVotes, type VoteFilters } from './vote-filters.ts';
import {
	GRID,
	markHeatmaps,
	markRates,
	markRecord,
	type KindRate,
	type MarkRecord,
	type MarkVote,
	type MissingRecord
} from '../../quality/marks.ts';
import { csvRow } from '../../csv.ts';

export interface MarkHeatmapOut {
	system: string;
	/** a kind key, or null for all kinds together */
	kind: string | null;
	/** counts[row][col]: marks whose centre falls in that cell, row 0 at the top */
	counts: number[][];
	marks: number;
}

export interface CampaignMarks {
	/** votes in the selection (normal votes, counted unless include_rejected, the filters) */
	votes: number;
	/** votes with at least one mark, missed element or tag */
	annotated: number;
	grid: number;
	kinds: { key: string; label: string }[];
	systems: string[];
	rates: KindRate[];
	heatmaps: MarkHeatmapOut[];
	/** reason tags: how many votes chose each (by key), most used first */
	tags: { tag: string; votes: number }[];
	computed_at: string;
}

const cache = new VotesCache<CampaignMarks>(20);

/** The marks statistics of a selection (the leaderboard's filters, flagged evaluators resolved). */
export function campaignMarks(db: Kysely<Database>, campaign: Campaign, filters: VoteFilters): Promise<CampaignMarks> {
	const key = JSON.stringify([
		filters.from,
		filters.to,
		filters.evaluators,
		filters.excludeEvaluators,
		filters.includeRejected,
		filters.category
	]);
	return cache.get(db, campaign.id, key, () => compute(db, campaign, filters));
}

async function compute(db: Kysely<Database>, campaign: Campaign, filters: VoteFilters): Promise<CampaignMarks> {
	const selected = db
		.selectFrom('vote')
		.select('vote.id')
		.where((eb) => rankedVotes(eb, campaign.id, filters));
	const [rows, kinds, marks, missing, tags] = await Promise.all([
		db
			.selectFrom('vote')
			.innerJoin('system as ls', 'ls.id', 'vote.left_system_id')
			.innerJoin('system as rs', 'rs.id', 'vote.right_system_id')
			.select(['vote.id', 'vote.user_id', 'vote.left_image_id', 'vote.right_image_id', 'ls.name as left', 'rs.name as right'])
			.where((eb) => rankedVotes(eb, campaign.id, filters))
			.execute(),
		campaignFlagKinds(db, campaign.id),
		db
			.selectFrom('vote_mark')
			.select(['vote_id', 'side', 'kind', 'x', 'y', 'w', 'h'])
			.where('campaign_id', '=', campaign.id)
			.where('vote_id', 'in', selected)
			.execute(),
		db
			.selectFrom('vote_missing')
			.select(['vote_id', 'side', 'element'])
			.where('campaign_id', '=', campaign.id)
			.where('vote_id', 'in', selected)
			.execute(),
		db
			.selectFrom('vote_tag')
			.select(['tag', (eb) => eb.fn.countAll<number>().as('n')])
			.where('campaign_id', '=', campaign.id)
			.where('vote_id', 'in', selected)
			.groupBy('tag')
			.execute()
	]);
	const votes: MarkVote[] = rows.map((r) => ({
		id: r.id,
		userId: r.user_id,
		leftImageId: r.left_image_id,
		rightImageId: r.right_image_id,
		leftSystem: r.left,
		rightSystem: r.right
	}));
	const markRecords: MarkRecord[] = marks.map(markRecord);
	const missingRecords: MissingRecord[] = missing.map((m) => ({ voteId: m.vote_id, side: m.side, element: m.element }));
	// kinds in the campaign's order, then any kind a mark carries that the campaign no longer lists
	const kindKeys = [
		...kinds.map((k) => k.key),
		...[...new Set(markRecords.map((m) => m.kind))].filter((k) => !kinds.some((x) => x.key === k)).sort()
	];
	const rates = markRates(votes, markRecords, missingRecords, kindKeys);
	const systems = [...new Set(rates.map((r) => r.system))];
	const heatmaps: MarkHeatmapOut[] = markHeatmaps(votes, markRecords, systems, kindKeys);
	const annotated = new Set([...markRecords.map((m) => m.voteId), ...missingRecords.map((m) => m.voteId)]);
	return {
		votes: votes.length,
		annotated: annotated.size,
		grid: GRID,
		kinds: kindKeys.map((key) => ({ key, label: kinds.find((k) => k.key === key)?.label ?? key })),
		systems,
		rates,
		heatmaps,
		tags: tags.map((t) => ({ tag: t.tag, votes: Number(t.n) })).sort((a, b) => b.votes - a.votes || a.tag.localeCompare(b.tag)),
		computed_at: new Date().toISOString()
	};
}

const RATE_COLUMNS = ['system', 'kind', 'appearances', 'marked', 'rate', 'low95', 'high95', 'total', 'per_appearance'];

/** The rates as CSV (the project's OWASP escaping in csvRow). */
export function markRatesCsv(marks: CampaignMarks): string {
	const r6 = (v: number | null) => (v === null ? null : Math.round(v * 1e6) / 1e6);
	return (
		csvRow(RATE_COLUMNS) +
		marks.rates
			.map((r) => csvRow([r.system, r.kind, r.appearances, r.marked, r6(r.rate), r6(r.low), r6(r.high), r.total, r6(r.perAppearance)]))
			.join('')
	);
}
