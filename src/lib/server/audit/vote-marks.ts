// The region marks, missed prompt elements and reason tags of a few votes (a page of the audit queue,
// a page of an export): three indexed reads by vote id, never a campaign-wide scan. Votes without
// rows (all votes from before marks existed) read as "no marks".
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

export interface VoteMark {
	/** 1, 2, … per image, in the order the evaluator placed them */
	position: number;
	kind: string;
	/** image-relative 0–1: x, y the top-left of a box or the point; a point has w = h = 0 */
	x: number;
	y: number;
	w: number;
	h: number;
}

export interface VoteAnnotations {
	marks: { left: VoteMark[]; right: VoteMark[] };
	missing: { left: string[]; right: string[] };
	tags: string[];
}

export const NO_ANNOTATIONS: VoteAnnotations = Object.freeze({
	marks: { left: [], right: [] },
	missing: { left: [], right: [] },
	tags: []
}) as VoteAnnotations;

/** Annotations by vote id, for the given votes only (at most a page of them). */
export async function voteAnnotations(db: Kysely<Database>, voteIds: readonly string[]): Promise<Map<string, VoteAnnotations>> {
	const out = new Map<string, VoteAnnotations>();
	if (!voteIds.length) return out;
	const ids = [...voteIds];
	const [marks, missing, tags] = await Promise.all([
		db
			.selectFrom('vote_mark')
			.select(['vote_id', 'side', 'position', 'kind', 'x', 'y', 'w', 'h'])
			.where('vote_id', 'in', ids)
			.orderBy('vote_id')
			.orderBy('side')
			.orderBy('position')
			.execute(),
		db.selectFrom('vote_missing').select(['vote_id', 'side', 'element']).where('vote_id', 'in', ids).orderBy('element').execute(),
		db.selectFrom('vote_tag').select(['vote_id', 'tag']).where('vote_id', 'in', ids).orderBy('tag').execute()
	]);
	const entry = (id: string) => {
		let e = out.get(id);
		if (!e) out.set(id, (e = { marks: { left: [], right: [] }, missing: { left: [], right: [] }, tags: [] }));
		return e;
	};
	for (const m of marks)
		entry(m.vote_id).marks[m.side].push({
			position: Number(m.position),
			kind: m.kind,
			x: Number(m.x),
			y: Number(m.y),
			w: Number(m.w),
			h: Number(m.h)
		});
	for (const m of missing) entry(m.vote_id).missing[m.side].push(m.element);
	for (const t of tags) entry(t.vote_id).tags.push(t.tag);
	return out;
}

/**
 * What the audit filters offer: the reason tags and missed elements that occur in the campaign's votes
 * (distinct values on the (campaign_id, tag) and (campaign_id, element) indexes).
 */
export async function annotationValues(db: Kysely<Database>, campaignId: string): Promise<{ tags: string[]; missed: string[] }> {
	const [tags, missed] = await Promise.all([
		db.selectFrom('vote_tag').select('tag').distinct().where('campaign_id', '=', campaignId).orderBy('tag').limit(500).execute(),
		db.selectFrom('vote_missing').select('element').distinct().where('campaign_id', '=', campaignId).orderBy('element').limit(500).execute()
	]);
	return { tags: tags.map((t) => t.tag), missed: missed.map((m) => m.element) };
}

/** The campaign's reason tags as the lead defined them (settings `reasonTags`), for labels; [] when none. */
export function reasonTagLabels(settings: string): Map<string, string> {
	try {
		const list = (JSON.parse(settings) as { reasonTags?: unknown }).reasonTags;
		if (!Array.isArray(list)) return new Map();
		return new Map(
			list.flatMap((t) =>
				t && typeof t === 'object' && typeof t.key === 'string' ? [[t.key, typeof t.label === 'string' ? t.label : t.key] as const] : []
			)
		);
	} catch {
		return new Map();
	}
}
