// The caches of values derived from a campaign's votes (leaderboards, chart data, the quality
// report). An entry lives until votesChanged says this campaign's votes changed, so a result is
// computed once per change for every viewer; requests that arrive while it is being computed share
// the same promise instead of starting their own.
//
// One cheap check per lookup covers the writers this process does not hear: another process on the
// same database (the CLI importing battles or seeding a demo while the server runs, a second server
// on PostgreSQL). On SQLite that is `PRAGMA data_version`, which moves only when another connection
// commits (microseconds, no table read); on PostgreSQL a count of the campaign's votes and sums of
// its pair counts.
import { sql, SqliteAdapter, type Kysely } from 'kysely';
import type { Database } from './db/schema.ts';
import { syncSqlite } from './db/index.ts';
import { onVotesChanged, votesRevision } from './votes-changed.ts';

interface Entry<V> {
	stamp: string;
	value: Promise<V>;
}

export class VotesCache<V> {
	private readonly campaigns = new Map<string, Map<string, Entry<V>>>();

	/** `limit`: entries kept per campaign (distinct queries), oldest dropped first. */
	constructor(private readonly limit = 200) {
		onVotesChanged(({ campaignId }) => (campaignId === '*' ? this.campaigns.clear() : this.campaigns.delete(campaignId)));
	}

	/** The cached value for (campaign, key), or `compute()` shared by every caller until the votes change. */
	async get(db: Kysely<Database>, campaignId: string, key: string, compute: () => Promise<V>): Promise<V> {
		const external = await storedVotesStamp(db, campaignId);
		// read after the await: a change signalled meanwhile must not be hidden by an older stamp
		const stamp = `${votesRevision(campaignId)}:${external}`;
		let entries = this.campaigns.get(campaignId);
		const hit = entries?.get(key);
		if (hit && hit.stamp === stamp) return hit.value;
		if (!entries) this.campaigns.set(campaignId, (entries = new Map()));
		if (entries.size >= this.limit) entries.delete(entries.keys().next().value!);
		const entry: Entry<V> = { stamp, value: compute() };
		entries.set(key, entry);
		const kept = entries;
		// a failure is not cached: the next request tries again
		entry.value.catch(() => kept.get(key) === entry && kept.delete(key));
		return entry.value;
	}

	/**
	 * The entry for (campaign, key) if it was made for the campaign's current votes (settled or still
	 * being computed; wrapped, so that awaiting this does not wait for it), else undefined; never computes.
	 */
	async current(db: Kysely<Database>, campaignId: string, key: string): Promise<{ value: Promise<V> } | undefined> {
		const external = await storedVotesStamp(db, campaignId);
		const hit = this.campaigns.get(campaignId)?.get(key);
		return hit && hit.stamp === `${votesRevision(campaignId)}:${external}` ? { value: hit.value } : undefined;
	}

	/** Drops one campaign's entries for a reason other than its votes (e.g. a new gold pair). */
	forget(campaignId: string): void {
		this.campaigns.delete(campaignId);
	}
}

/** What changes when another process writes the campaign's votes (see the top of this file). */
async function storedVotesStamp(db: Kysely<Database>, campaignId: string): Promise<string> {
	const sqlite = syncSqlite(db);
	if (sqlite) return String(sqlite.pragma('data_version', { simple: true }));
	if (db.getExecutor().adapter instanceof SqliteAdapter) {
		// inside a Kysely transaction on this connection: Kysely runs this after it
		const { rows } = await sql<{ data_version: number }>`pragma data_version`.execute(db);
		return String(rows[0].data_version);
	}
	const [votes, pairs] = await Promise.all([
		db
			.selectFrom('vote')
			.select([(eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.max('submitted_at').as('last')])
			.where('campaign_id', '=', campaignId)
			.executeTakeFirst(),
		db
			.selectFrom('pair_stat')
			.select([
				(eb) => eb.fn.sum<number>('a_wins').as('a'),
				(eb) => eb.fn.sum<number>('b_wins').as('b'),
				(eb) => eb.fn.sum<number>('ties').as('t'),
				(eb) => eb.fn.sum<number>('both_bad').as('bb')
			])
			.where('campaign_id', '=', campaignId)
			.executeTakeFirst()
	]);
	return JSON.stringify(
		[votes?.n, votes?.last, pairs?.a, pairs?.b, pairs?.t, pairs?.bb].map((v) => (v === null || v === undefined ? null : String(v)))
	);
}
