// Several app instances on one PostgreSQL: "the votes of this campaign changed" (votes-changed.ts)
// travels between them by LISTEN/NOTIFY, so the caches of every instance (leaderboards, online Elo,
// quality reports, the scheduler after an undo or a review) hear a change made on another within
// milliseconds. Local changes are gathered for a few milliseconds and sent as one notification per
// campaign ('history' wins over 'added'). A lost connection may have missed notifications: after
// reconnecting, every campaign counts as changed ('*'). The caches also check a cheap stamp of the
// stored votes on each read (votes-cache.ts), so a notification lost with a crashed sender only
// delays a refresh, it never keeps a stale result.
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { onVotesChanged, votesChanged, type VotesChangeKind } from '../votes-changed.ts';

const CHANNEL = 'pickwise_votes_changed';
/** How long local changes are gathered before they go out as one notification per campaign. */
const GATHER_MS = 20;

export interface ChangeFeed {
	stop(): Promise<void>;
}

export function startChangeFeed(url: string, pool: { query(text: string, values: unknown[]): Promise<unknown> }): ChangeFeed {
	const origin = randomUUID();
	let stopped = false;
	let client: pg.Client | null = null;
	let retry: NodeJS.Timeout | null = null;
	let connectedOnce = false;

	const listen = async () => {
		if (stopped) return;
		const c = new pg.Client({ connectionString: url });
		client = c;
		const lost = (error?: Error) => {
			if (client !== c) return;
			client = null;
			if (error) console.error(`pickwise change feed: connection lost (${error.message}); listening again`);
			c.end().catch(() => undefined);
			if (!stopped) retry = setTimeout(listen, 1000);
		};
		c.on('error', lost);
		c.on('end', () => lost());
		c.on('notification', (message) => {
			if (message.channel !== CHANNEL || !message.payload) return;
			try {
				const { o, c: campaignId, k } = JSON.parse(message.payload) as { o: string; c: string; k: VotesChangeKind };
				if (o !== origin && typeof campaignId === 'string' && (k === 'added' || k === 'history')) votesChanged(campaignId, k, true);
			} catch {
				/* not ours */
			}
		});
		try {
			await c.connect();
			await c.query(`listen ${CHANNEL}`);
			// changes made while this instance was not listening reached nobody here
			if (connectedOnce) votesChanged('*', 'history', true);
			connectedOnce = true;
		} catch (error) {
			lost(error as Error);
		}
	};
	void listen();

	const pending = new Map<string, VotesChangeKind>();
	let timer: NodeJS.Timeout | null = null;
	const flush = () => {
		timer = null;
		const sent = [...pending].map(([campaignId, kind]) =>
			pool
				.query('select pg_notify($1, $2)', [CHANNEL, JSON.stringify({ o: origin, c: campaignId, k: kind })])
				.catch((error: Error) => console.error(`pickwise change feed: could not notify (${error.message})`))
		);
		pending.clear();
		return Promise.all(sent);
	};
	const unsubscribe = onVotesChanged(({ campaignId, kind, remote }) => {
		if (remote || stopped || campaignId === '*') return;
		if (pending.get(campaignId) !== 'history') pending.set(campaignId, kind);
		timer ??= setTimeout(flush, GATHER_MS);
	});

	return {
		async stop() {
			stopped = true;
			unsubscribe();
			if (retry) clearTimeout(retry);
			if (timer) {
				clearTimeout(timer);
				await flush();
			}
			const c = client;
			client = null;
			await c?.end().catch(() => undefined);
		}
	};
}
