// The campaign's PairScheduler as leases.ts keeps it, plus what several app instances on one
// PostgreSQL need (docs/multi-instance.md): taking in a lease another instance issued ("adopt"),
// and counting each answered lease once although two paths may report it (this instance's own
// castVote, and the catch-up that reads the votes other instances stored). The scheduler itself
// (src/lib/scheduling) stays untouched: a lease is adopted by issuing it through a strategy
// wrapper that proposes exactly that pair once, with its sides kept.
import {
	PairScheduler,
	createStrategy,
	type LeaseId,
	type PairCandidate,
	type PickContext,
	type SchedulerInit,
	type SchedulingStrategy,
	type VoteRecord
} from '../../scheduling/index.ts';
import type { AssignmentKind } from '../db/schema.ts';

/** The campaign's strategy, which can be told to propose one given pair on the next pick. */
class AdoptingStrategy implements SchedulingStrategy {
	forced: PairCandidate | null = null;
	constructor(readonly inner: SchedulingStrategy) {}
	get name(): string {
		return this.inner.name;
	}
	pick(context: PickContext): PairCandidate | null {
		const forced = this.forced;
		if (!forced) return this.inner.pick(context);
		this.forced = null;
		return forced;
	}
}

/** A lease row as another instance stored it. */
export interface ForeignLease {
	id: string;
	user_id: string;
	left_image_id: string;
	right_image_id: string;
	kind: AssignmentKind;
	issued_at: number;
	expires_at: number;
	probability: number | null;
}

/** How long a settled lease id is remembered: both reports of one vote arrive within seconds. */
const SETTLED_KEEP_MS = 10 * 60 * 1000;

export class SharedScheduler extends PairScheduler {
	private readonly adopting: AdoptingStrategy;
	/**
	 * PostgreSQL: leases this instance knows open (issued here or adopted), by id, with their expiry:
	 * the ones whose vote or skip another instance may store. Empty on SQLite.
	 */
	readonly watch = new Map<string, number>();
	/** Lease ids whose vote or skip is applied, with when (insertion order = age). */
	private readonly settled = new Map<string, number>();

	constructor(
		init: Omit<SchedulerInit, 'strategy'> & { strategy: string },
		private readonly tracking: boolean,
		adopting = new AdoptingStrategy(createStrategy(init.strategy, init.strategySettings ?? {}))
	) {
		super({ ...init, strategy: adopting });
		this.adopting = adopting;
	}

	/** Whether the lease's vote or skip was applied here (so a catch-up must not apply it again). */
	isSettled(id: string): boolean {
		return this.settled.has(id);
	}

	/**
	 * Takes in a lease another instance issued: the evaluator has seen the pair, and while it is open
	 * it counts as load and nobody else gets it. False when an image is unknown here (a rebuild follows).
	 */
	adopt(row: ForeignLease): boolean {
		if (this.lease(row.id) || this.settled.has(row.id)) return true;
		const a = this.index.imageOf(row.left_image_id);
		const b = this.index.imageOf(row.right_image_id);
		if (a < 0 || b < 0 || a === b) return false;
		this.adopting.forced = { a, b, kind: row.kind, keepSides: true, probability: row.probability ?? undefined };
		try {
			this.issue(row.user_id, { id: row.id, now: row.issued_at, leaseMs: Math.max(1, row.expires_at - row.issued_at) });
		} finally {
			this.adopting.forced = null;
		}
		if (this.tracking) this.watch.set(row.id, row.expires_at);
		return true;
	}

	/** A locally issued lease: watched for a vote stored by another instance. */
	track(id: string, expiresAt: number): void {
		if (this.tracking) this.watch.set(id, expiresAt);
	}

	recordVote(vote: VoteRecord): void {
		if (vote.assignmentId !== undefined && !this.settle(vote.assignmentId)) return;
		super.recordVote(vote);
	}

	release(id: LeaseId, options: { forget?: boolean } = {}): boolean {
		this.settle(id);
		return super.release(id, options);
	}

	/** Marks the lease settled; false when it already was (its vote is counted). */
	private settle(id: LeaseId): boolean {
		if (!this.tracking) return true;
		const key = String(id);
		if (this.settled.has(key)) return false;
		this.watch.delete(key);
		const now = Date.now();
		this.settled.set(key, now);
		for (const [old, at] of this.settled) {
			if (now - at < SETTLED_KEEP_MS) break;
			this.settled.delete(old);
		}
		return true;
	}
}
