// pair_stat: the sufficient statistics of the rankings, changed in the same transaction as the vote
// (or review, or undo) that changes them. One vote's outcome becomes one counter of one system pair.
import type { Kysely, Transaction } from 'kysely';
import type SQLite from 'better-sqlite3';
import type { AssignmentKind, Choice, Database, Vote } from '../db/schema.ts';
import { hotQuery } from '../db/hot-query.ts';

/** Gold and repeat votes measure evaluators; they stay out of the rankings. */
export function countsInRankings(kind: AssignmentKind): boolean {
	return kind === 'normal';
}

export type PairStatColumn = 'a_wins' | 'b_wins' | 'ties' | 'both_bad';

export interface PairStatChange {
	row: {
		campaign_id: string;
		criterion: string;
		system_a: string;
		system_b: string;
		a_wins: number;
		b_wins: number;
		ties: number;
		both_bad: number;
	};
	column: PairStatColumn;
	delta: 1 | -1;
}

/**
 * One vote's outcome as a change of the unordered pair's counts (stored with system_a < system_b):
 * delta +1 adds it, -1 (a rejection) takes it out. Null for a pair of one system with itself.
 */
export function pairStatChange(
	vote: Pick<Vote, 'campaign_id' | 'left_system_id' | 'right_system_id'>,
	criterion: string,
	choice: Choice,
	delta: 1 | -1
): PairStatChange | null {
	if (vote.left_system_id === vote.right_system_id) return null;
	const leftIsA = vote.left_system_id < vote.right_system_id;
	const [systemA, systemB] = leftIsA ? [vote.left_system_id, vote.right_system_id] : [vote.right_system_id, vote.left_system_id];
	const column: PairStatColumn =
		choice === 'tie' ? 'ties' : choice === 'both_bad' ? 'both_bad' : (choice === 'left') === leftIsA ? 'a_wins' : 'b_wins';
	const row = {
		campaign_id: vote.campaign_id,
		criterion,
		system_a: systemA,
		system_b: systemB,
		a_wins: 0,
		b_wins: 0,
		ties: 0,
		both_bad: 0
	};
	row[column] = Math.max(delta, 0);
	return { row, column, delta };
}

type PairStatParams = PairStatChange['row'] & { delta: number };
const PAIR_STAT_KEYS = ['campaign_id', 'criterion', 'system_a', 'system_b', 'a_wins', 'b_wins', 'ties', 'both_bad', 'delta'] as const;

/** One upsert per counter: the column is one of four fixed names, never input. */
const addToColumn = (column: PairStatColumn) =>
	hotQuery('pair-stat.add-to-' + column, PAIR_STAT_KEYS, (db, { delta, ...row }: PairStatParams) =>
		db
			.insertInto('pair_stat')
			.values(row)
			.onConflict((oc) =>
				oc
					.columns(['campaign_id', 'criterion', 'system_a', 'system_b'])
					.doUpdateSet((eb) => ({ [column]: eb(eb.ref(`pair_stat.${column}`), '+', delta) }))
			)
	);

const ADD_TO: Record<PairStatColumn, ReturnType<typeof addToColumn>> = {
	a_wins: addToColumn('a_wins'),
	b_wins: addToColumn('b_wins'),
	ties: addToColumn('ties'),
	both_bad: addToColumn('both_bad')
};

/** SQLite, inside a batchedWrite job. */
export function upsertPairStatSync(sqlite: SQLite.Database, { row, column, delta }: PairStatChange): void {
	ADD_TO[column].runSync(sqlite, { ...row, delta });
}

export async function upsertPairStat(trx: Transaction<Database> | Kysely<Database>, { row, column, delta }: PairStatChange): Promise<void> {
	await ADD_TO[column].run(trx, { ...row, delta });
}

/** Adds (delta +1) or removes (-1, a rejection) one vote's outcome to the pair's counts. */
export async function addToPairStat(
	trx: Transaction<Database> | Kysely<Database>,
	vote: Pick<Vote, 'campaign_id' | 'left_system_id' | 'right_system_id'>,
	criterion: string,
	choice: Choice,
	delta: 1 | -1
): Promise<void> {
	const change = pairStatChange(vote, criterion, choice, delta);
	if (change) await upsertPairStat(trx, change);
}

/** Takes a stored vote (overall and every criterion it answered) out of pair_stat (-1) or puts it back (+1). */
export async function moveStoredVote(trx: Transaction<Database>, vote: Vote, delta: 1 | -1): Promise<void> {
	if (!countsInRankings(vote.kind)) return;
	await addToPairStat(trx, vote, 'overall', vote.choice, delta);
	const criteria = await trx
		.selectFrom('vote_criterion')
		.innerJoin('criterion', 'criterion.id', 'vote_criterion.criterion_id')
		.select(['criterion.key', 'vote_criterion.choice'])
		.where('vote_criterion.vote_id', '=', vote.id)
		.execute();
	for (const c of criteria) await addToPairStat(trx, vote, c.key, c.choice, delta);
}
