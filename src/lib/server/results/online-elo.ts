// Online Elo of a campaign (K = 4, time order), next to Bradley–Terry. Kept per campaign and filter
// and advanced with the votes submitted since the last call (new votes: votesChanged 'added');
// recomputed from the start when votes were removed, rejected, restored or imported (votesChanged
// 'history'). The vote count the leaderboard passes in is a second check, for changes another
// process made: fewer votes than counted, or more than the cursor finds, starts again too.
import type { Kysely } from 'kysely';
import type { Campaign, Database } from '../db/schema.ts';
import { onlineElo } from '../../ranking/index.ts';
import type { LeaderboardQuery } from './leaderboard.ts';
import { afterCursor, rankedVotes } from './vote-filters.ts';
import { onVotesChanged } from '../votes-changed.ts';

interface EloState {
	cursor: { at: number; id: string } | null;
	systems: Map<string, number>;
	rating: Float64Array;
	votes: number;
}

/** Per campaign, per filter. */
const states = new Map<string, Map<string, EloState>>();
const OUTCOME: Record<string, number> = { left: 0, right: 1, tie: 2, both_bad: 3 };

// votes left or entered the middle of the history: Elo starts again from the first vote
onVotesChanged(({ campaignId, kind }) => {
	if (kind === 'history') void (campaignId === '*' ? states.clear() : states.delete(campaignId));
});

/** One advance at a time per campaign and filter: two at once would both apply the same new votes. */
const running = new Map<string, Promise<unknown>>();

export function campaignElo(
	db: Kysely<Database>,
	campaign: Campaign,
	q: LeaderboardQuery,
	expectedVotes: number
): Promise<Map<string, number>> {
	const key = JSON.stringify([q.criterion, q.from, q.to, q.evaluators, q.excludeEvaluators, q.category, q.includeRejected]);
	const lock = `${campaign.id}:${key}`;
	const run = (running.get(lock) ?? Promise.resolve()).catch(() => undefined).then(() => advance(db, campaign, q, key, expectedVotes));
	running.set(lock, run);
	const release = () => void (running.get(lock) === run && running.delete(lock));
	run.then(release, release);
	return run;
}

async function advance(
	db: Kysely<Database>,
	campaign: Campaign,
	q: LeaderboardQuery,
	key: string,
	expectedVotes: number
): Promise<Map<string, number>> {
	let campaignStates = states.get(campaign.id);
	if (!campaignStates) states.set(campaign.id, (campaignStates = new Map()));
	let state = campaignStates.get(key);
	if (!state || state.votes > expectedVotes) {
		state = { cursor: null, systems: new Map(), rating: new Float64Array(0), votes: 0 };
		campaignStates.set(key, state);
	}
	const names = new Map(
		(await db.selectFrom('system').select(['id', 'name']).where('campaign_id', '=', campaign.id).execute()).map((s) => [s.id, s.name])
	);
	for (;;) {
		let query =
			q.criterion === 'overall'
				? db.selectFrom('vote').select(['vote.id', 'vote.submitted_at', 'vote.left_system_id', 'vote.right_system_id', 'vote.choice'])
				: db
						.selectFrom('vote')
						.innerJoin('vote_criterion', 'vote_criterion.vote_id', 'vote.id')
						.innerJoin('criterion', 'criterion.id', 'vote_criterion.criterion_id')
						.where('criterion.key', '=', q.criterion)
						.select(['vote.id', 'vote.submitted_at', 'vote.left_system_id', 'vote.right_system_id', 'vote_criterion.choice as choice']);
		query = query.where((eb) => rankedVotes(eb, campaign.id, q));
		const cursor = state.cursor;
		if (cursor) query = query.where((eb) => afterCursor(eb, cursor));
		const page = await query.orderBy('vote.submitted_at').orderBy('vote.id').limit(20_000).execute();
		if (page.length === 0) break;
		const a = new Int32Array(page.length);
		const b = new Int32Array(page.length);
		const outcome = new Uint8Array(page.length);
		let n = 0;
		for (const v of page) {
			if (v.left_system_id === v.right_system_id) continue;
			a[n] = indexOf(state, names.get(v.left_system_id) ?? v.left_system_id);
			b[n] = indexOf(state, names.get(v.right_system_id) ?? v.right_system_id);
			outcome[n++] = OUTCOME[v.choice];
		}
		if (state.rating.length < state.systems.size) {
			const grown = new Float64Array(state.systems.size).fill(1000);
			grown.set(state.rating);
			state.rating = grown;
		}
		onlineElo(state.systems.size, { a: a.subarray(0, n), b: b.subarray(0, n), outcome: outcome.subarray(0, n) }, 4, 1000, state.rating);
		state.votes += n;
		const last = page[page.length - 1];
		state.cursor = { at: last.submitted_at, id: last.id };
		if (page.length < 20_000) break;
	}
	// fewer than counted: votes arrived with times before the cursor (an import); start again once
	if (state.votes < expectedVotes && expectedVotes >= 0) return advance(db, campaign, q, key, -1);
	return new Map([...state.systems].map(([name, i]) => [name, state.rating[i]]));
}

function indexOf(state: EloState, name: string): number {
	let i = state.systems.get(name);
	if (i === undefined) {
		i = state.systems.size;
		state.systems.set(name, i);
	}
	return i;
}
