// Head-to-head: every ranked battle between two systems, grouped by prompt, with both images and the
// evaluators' rationales, each verdict told from the first system's side. Shown to researchers,
// leads and admins only (the caller checks): it names systems beside images and rationales.
import type { Kysely } from 'kysely';
import type { Campaign, Database } from '../db/schema.ts';
import { invalid } from '../errors.ts';
import { rankedVotes, type VoteFilters } from './vote-filters.ts';

/** Battles listed at most (the counts cover all of them). */
export const HEAD_TO_HEAD_LIMIT = 500;

export interface HeadToHeadBattle {
	vote_id: string;
	user_id: string;
	/** from system a's side */
	outcome: 'a' | 'b' | 'tie' | 'both_bad';
	/** which side system a was shown on */
	a_side: 'left' | 'right';
	rationale: string;
	submitted_at: number;
}

export interface HeadToHeadPrompt {
	prompt_id: string;
	external_id: string;
	text: string;
	category: string | null;
	/** the images of the first battle of this prompt (a system usually has one image per prompt) */
	a_image: string;
	b_image: string;
	battles: HeadToHeadBattle[];
}

export interface HeadToHead {
	a: string;
	b: string;
	totals: { a: number; b: number; tie: number; both_bad: number; battles: number };
	prompts: HeadToHeadPrompt[];
	/** true when more than HEAD_TO_HEAD_LIMIT battles exist and only the first are listed */
	truncated: boolean;
}

/** Battles of systems a and b (names) in the campaign, under the results filters. */
export async function headToHead(
	db: Kysely<Database>,
	campaign: Campaign,
	names: { a: string; b: string },
	filters: VoteFilters
): Promise<HeadToHead> {
	const systems = await db.selectFrom('system').select(['id', 'name']).where('campaign_id', '=', campaign.id).execute();
	const find = (field: 'a' | 'b') => {
		const s = systems.find((x) => x.name === names[field]);
		if (!s) throw invalid(field, `unknown system '${names[field].slice(0, 80)}'`);
		return s.id;
	};
	const a = find('a');
	const b = find('b');
	if (a === b) throw invalid('b', 'choose two different systems');
	const rows = await db
		.selectFrom('vote')
		.innerJoin('prompt', 'prompt.id', 'vote.prompt_id')
		.select([
			'vote.id',
			'vote.user_id',
			'vote.left_system_id',
			'vote.left_image_id',
			'vote.right_image_id',
			'vote.choice',
			'vote.rationale',
			'vote.submitted_at',
			'prompt.id as prompt_id',
			'prompt.external_id',
			'prompt.text',
			'prompt.category'
		])
		.where((eb) =>
			eb.and([
				rankedVotes(eb, campaign.id, filters),
				eb.or([
					eb.and([eb('vote.left_system_id', '=', a), eb('vote.right_system_id', '=', b)]),
					eb.and([eb('vote.left_system_id', '=', b), eb('vote.right_system_id', '=', a)])
				])
			])
		)
		.orderBy('prompt.external_id')
		.orderBy('vote.submitted_at')
		.orderBy('vote.id')
		.execute();
	const totals = { a: 0, b: 0, tie: 0, both_bad: 0, battles: rows.length };
	const prompts = new Map<string, HeadToHeadPrompt>();
	for (const [k, r] of rows.entries()) {
		const aLeft = r.left_system_id === a;
		const outcome: HeadToHeadBattle['outcome'] =
			r.choice === 'tie' || r.choice === 'both_bad' ? r.choice : (r.choice === 'left') === aLeft ? 'a' : 'b';
		totals[outcome]++;
		if (k >= HEAD_TO_HEAD_LIMIT) continue;
		let p = prompts.get(r.prompt_id);
		if (!p) {
			p = {
				prompt_id: r.prompt_id,
				external_id: r.external_id,
				text: r.text,
				category: r.category,
				a_image: aLeft ? r.left_image_id : r.right_image_id,
				b_image: aLeft ? r.right_image_id : r.left_image_id,
				battles: []
			};
			prompts.set(r.prompt_id, p);
		}
		p.battles.push({
			vote_id: r.id,
			user_id: r.user_id,
			outcome,
			a_side: aLeft ? 'left' : 'right',
			rationale: r.rationale,
			submitted_at: r.submitted_at
		});
	}
	return { a: names.a, b: names.b, totals, prompts: [...prompts.values()], truncated: rows.length > HEAD_TO_HEAD_LIMIT };
}
