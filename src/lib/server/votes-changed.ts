// One signal for "the votes of this campaign changed". Whatever caches data derived from votes
// (leaderboards, online Elo, chart data, quality reports, the scheduler) listens here, and every
// write that changes votes (a vote, an undo, a review, an import) calls votesChanged once, after
// its transaction committed.

/**
 * 'added': new votes were appended (a cache may advance from where it was); 'history': votes were
 * removed, rejected, restored or imported out of order (recompute from the start).
 */
export type VotesChangeKind = 'added' | 'history';

export interface VotesChange {
	/** '*' (with kind 'history'): every campaign, after the change feed missed changes (db/change-feed.ts) */
	campaignId: string;
	kind: VotesChangeKind;
	/** This campaign's revision after the change: it grows by one with every change. */
	revision: number;
	/** Said by another app instance on the same PostgreSQL (db/change-feed.ts), not made here. */
	remote: boolean;
}

type Listener = (change: VotesChange) => void;

const listeners = new Set<Listener>();
const revisions = new Map<string, number>();

/** Subscribes a cache; returns the function that unsubscribes it. */
export function onVotesChanged(listener: Listener): () => void {
	listeners.add(listener);
	return () => listeners.delete(listener);
}

export function votesChanged(campaignId: string, kind: VotesChangeKind, remote = false): void {
	if (campaignId === '*') for (const [id, revision] of revisions) revisions.set(id, revision + 1);
	const revision = (revisions.get(campaignId) ?? 0) + 1;
	if (campaignId !== '*') revisions.set(campaignId, revision);
	for (const listener of listeners) listener({ campaignId, kind, revision, remote });
}

/** How many changes this process has seen for the campaign: a cheap cache key. */
export function votesRevision(campaignId: string): number {
	return revisions.get(campaignId) ?? 0;
}
