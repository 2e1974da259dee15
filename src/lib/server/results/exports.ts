// Vote exports: CSV, JSONL and the battle format of the public arena tools
// (model_a, model_b, winner, tstamp, judge, …), streamed page by page so that a million votes
// export in bounded memory without holding the database connection between pages.
import type { Kysely } from 'kysely';
import type { Campaign, Database } from '../db/schema.ts';
import { csvRow } from '../../csv.ts';
import { sha256Hex } from '../ids.ts';
import { afterCursor, rankedVotes, type VoteFilters } from './vote-filters.ts';
import { NO_ANNOTATIONS, voteAnnotations, type VoteMark } from '../audit/vote-marks.ts';

export const EXPORT_FORMATS = ['csv', 'jsonl', 'battles'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
const PAGE = 2000;

export const WINNER: Record<string, string> = { left: 'model_a', right: 'model_b', tie: 'tie', both_bad: 'tie (bothbad)' };

/** The same evaluator gets the same id within a campaign and different ids across campaigns. */
export function pseudonym(campaignId: string, userId: string): string {
	return 'ev_' + sha256Hex(`${campaignId}:${userId}`).slice(0, 12);
}

const CSV_COLUMNS = [
	'vote_id',
	'submitted_at',
	'shown_at',
	'active_ms',
	'evaluator',
	'prompt_id',
	'prompt',
	'category',
	'left_system',
	'right_system',
	'left_image_id',
	'right_image_id',
	'choice',
	'rationale',
	'flags_left',
	'flags_right',
	'criteria',
	'guidelines_version',
	'status',
	'kind',
	'simulated',
	// P(a) the adaptive scheduler drew the pair with (empty otherwise): reweight by 1/P to rank like uniform sampling
	'probability',
	// region marks as JSON arrays of {kind, x, y, w, h} (image-relative 0–1; a point has w = h = 0),
	// missed prompt elements and reason tags joined with '|' like the flags
	'marks_left',
	'marks_right',
	'missing_left',
	'missing_right',
	'tags'
];
const BATTLE_COLUMNS = [
	'model_a',
	'model_b',
	'winner',
	'tstamp',
	'judge',
	'vote_id',
	'rationale',
	'flags',
	'criteria',
	'guidelines_version',
	'active_ms',
	'shown_at',
	'prompt_id',
	'probability',
	// {"left": [{kind, x, y, w, h}], "right": […]}, {"left": [elements], "right": […]}, [tags] as JSON (model_a is left)
	'marks',
	'missing',
	'tags'
];

export type ExportFilters = VoteFilters;

/** Rows of the export as text chunks, in submission order. */
export async function* exportVotes(
	db: Kysely<Database>,
	campaign: Campaign,
	format: ExportFormat,
	filters: ExportFilters
): AsyncGenerator<string> {
	const systems = new Map(
		(await db.selectFrom('system').select(['id', 'name']).where('campaign_id', '=', campaign.id).execute()).map((s) => [s.id, s.name])
	);
	const criteria = new Map(
		(await db.selectFrom('criterion').select(['id', 'key']).where('campaign_id', '=', campaign.id).execute()).map((c) => [c.id, c.key])
	);
	if (format === 'csv') yield csvRow(CSV_COLUMNS);
	if (format === 'battles') yield csvRow(BATTLE_COLUMNS);
	let after: { at: number; id: string } | null = null;
	for (;;) {
		let query = db
			.selectFrom('vote')
			.innerJoin('prompt', 'prompt.id', 'vote.prompt_id')
			.selectAll('vote')
			.select(['prompt.external_id as prompt_external_id', 'prompt.text as prompt_text', 'prompt.category as prompt_category'])
			.where((eb) => rankedVotes(eb, campaign.id, filters));
		if (after) {
			const cursor = after;
			query = query.where((eb) => afterCursor(eb, cursor));
		}
		const page = await query.orderBy('vote.submitted_at').orderBy('vote.id').limit(PAGE).execute();
		if (page.length === 0) return;
		const choices = new Map<string, Record<string, string>>();
		if (criteria.size) {
			const rows = await db
				.selectFrom('vote_criterion')
				.selectAll()
				.where(
					'vote_id',
					'in',
					page.map((v) => v.id)
				)
				.execute();
			for (const r of rows) {
				const entry = choices.get(r.vote_id) ?? {};
				entry[criteria.get(r.criterion_id) ?? r.criterion_id] = r.choice;
				choices.set(r.vote_id, entry);
			}
		}
		// marks, missed elements and tags of this page's votes only
		const annotations = await voteAnnotations(
			db,
			page.map((v) => v.id)
		);
		let chunk = '';
		for (const v of page) {
			const notes = annotations.get(v.id) ?? NO_ANNOTATIONS;
			const flags = JSON.parse(v.flags) as { left?: string[]; right?: string[] };
			const crit = choices.get(v.id) ?? {};
			const evaluator = pseudonym(campaign.id, v.user_id);
			const left = systems.get(v.left_system_id) ?? v.left_system_id;
			const right = systems.get(v.right_system_id) ?? v.right_system_id;
			if (format === 'battles') {
				chunk += csvRow([
					left,
					right,
					WINNER[v.choice],
					(v.submitted_at / 1000).toFixed(3),
					evaluator,
					v.id,
					v.rationale,
					JSON.stringify(flags),
					JSON.stringify(crit),
					v.guidelines_version,
					v.active_ms,
					new Date(v.shown_at).toISOString(),
					v.prompt_external_id,
					v.probability,
					JSON.stringify({ left: notes.marks.left.map(markOut), right: notes.marks.right.map(markOut) }),
					JSON.stringify(notes.missing),
					JSON.stringify(notes.tags)
				]);
			} else {
				const record = {
					vote_id: v.id,
					submitted_at: new Date(v.submitted_at).toISOString(),
					shown_at: new Date(v.shown_at).toISOString(),
					active_ms: v.active_ms,
					evaluator,
					prompt_id: v.prompt_external_id,
					prompt: v.prompt_text,
					category: v.prompt_category,
					left_system: left,
					right_system: right,
					left_image_id: v.left_image_id,
					right_image_id: v.right_image_id,
					choice: v.choice,
					rationale: v.rationale,
					flags_left: flags.left ?? [],
					flags_right: flags.right ?? [],
					criteria: crit,
					guidelines_version: v.guidelines_version,
					status: v.status,
					kind: v.kind,
					simulated: v.simulated === 1,
					probability: v.probability,
					marks_left: notes.marks.left.map(markOut),
					marks_right: notes.marks.right.map(markOut),
					missing_left: notes.missing.left,
					missing_right: notes.missing.right,
					tags: notes.tags
				};
				chunk +=
					format === 'jsonl'
						? JSON.stringify(record) + '\n'
						: csvRow(
								CSV_COLUMNS.map((c) => {
									const value = record[c as keyof typeof record];
									return Array.isArray(value) && value.every((x) => typeof x === 'string')
										? value.join('|')
										: typeof value === 'object' && value !== null
											? JSON.stringify(value)
											: value;
								})
							);
			}
		}
		yield chunk;
		const last = page[page.length - 1];
		after = { at: last.submitted_at, id: last.id };
		if (page.length < PAGE) return;
	}
}

/** A mark as exports carry it: kind and box (its position is its place in the list). */
function markOut(m: VoteMark) {
	return { kind: m.kind, x: m.x, y: m.y, w: m.w, h: m.h };
}

/** A streamed HTTP body from the export generator. */
export function exportStream(chunks: AsyncGenerator<string>): ReadableStream<Uint8Array> {
	const encoder = new TextEncoder();
	return new ReadableStream({
		async pull(controller) {
			const { value, done } = await chunks.next();
			if (done) controller.close();
			else controller.enqueue(encoder.encode(value));
		},
		async cancel() {
			await chunks.return(undefined);
		}
	});
}
