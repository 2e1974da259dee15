// The in-memory pair scheduler of one campaign: built once from the campaign's images and history,
// then told about every lease issued, answered, released or expired. Pure: no I/O, no clock of its
// own (time is passed in), randomness from an injected Rng.
import { ImageIndex, imagePairKey, type CampaignImage } from './image-index.ts';
import { createStrategy } from './registry.ts';
import { randomInt, type Rng } from './rng.ts';
import type { PairArrays, PairKind, PairCandidate, PickContext, SchedulingStrategy } from './types.ts';

export const DEFAULT_LEASE_MS = 10 * 60 * 1000;

/** Lease ids are the server's (`assignment.id`); numbers and strings are both accepted. */
export type LeaseId = string | number;
/** User ids are compared as strings, so 7 and '7' are the same evaluator. */
export type UserId = string | number;

/** One row of `pair_stat` (criterion 'overall'): counted comparisons between two systems. */
export interface ComparisonCount {
	systemA: string;
	systemB: string;
	count: number;
	/** The outcomes behind `count`, from systemA's side (pair_stat's columns); the adaptive strategy's variance. */
	aWins?: number;
	bWins?: number;
	ties?: number;
	bothBad?: number;
}

/** A vote's choice, sides as shown. */
export type VoteChoice = 'left' | 'right' | 'tie' | 'both_bad';

/** One row of `assignment` as the scheduler needs it. Times are epoch milliseconds. */
export interface LeaseRecord {
	id: LeaseId;
	userId: UserId;
	leftImageId: string;
	rightImageId: string;
	kind?: PairKind;
	issuedAt?: number;
	expiresAt: number;
	/** `answered_at` is set (a vote exists for it). */
	answered: boolean;
	/** The stored probability of an open lease (`assignment.probability`), handed back with it. */
	probability?: number | null;
}

export interface SchedulerInit {
	images: readonly CampaignImage[];
	/** Counted comparisons so far, e.g. `a_wins + b_wins + ties + both_bad` of `pair_stat` per system pair. */
	comparisons?: Iterable<ComparisonCount>;
	/** Every assignment of the campaign, answered or not: what each evaluator has been shown. */
	assignments?: Iterable<LeaseRecord>;
	/** Unanswered assignments that expire after `now` become open leases. Default Date.now(). */
	now?: number;
	/** A strategy or a registered name (the campaign's `strategy` column). Default 'balanced'. */
	strategy?: string | SchedulingStrategy;
	/** The campaign's `settings` json, handed to the strategy factory. */
	strategySettings?: Readonly<Record<string, unknown>>;
	/** Default Math.random; pass createRng(seed) for reproducible schedules. */
	rng?: Rng;
	/** Lease length in ms, default 10 minutes. */
	leaseMs?: number;
}

export interface IssueOptions {
	/** Default Date.now(). */
	now?: number;
	/** The assignment id the server will store; default a generated 'lease-N'. Must not be open already. */
	id?: LeaseId;
	/** Maximum assignments for this evaluator in this campaign (`campaign_member.quota`); none when null. */
	quota?: number | null;
	/** Votes this evaluator has already made; default what the scheduler has seen answered. */
	done?: number;
	/** Lease length for this lease; default the scheduler's. */
	leaseMs?: number;
}

/** An issued assignment: what the server stores in `assignment` and shows to the evaluator. */
export interface Lease {
	id: LeaseId;
	userId: string;
	leftImageId: string;
	rightImageId: string;
	promptId: string;
	kind: PairKind;
	issuedAt: number;
	expiresAt: number;
	/** Probability with which the strategy drew this system pair (adaptive), else null. */
	probability: number | null;
}

export interface VoteRecord {
	/** Closes this lease when it is still open. */
	assignmentId?: LeaseId;
	userId: UserId;
	leftImageId: string;
	rightImageId: string;
	/** Whether the vote went into `pair_stat` (status counted). Default true. */
	counted?: boolean;
	/** The choice, for the per-pair outcome variance (adaptive); unknown outcomes only count as load. */
	choice?: VoteChoice;
}

export interface SystemPairCount {
	systemA: string;
	systemB: string;
	/** Counted comparisons. */
	votes: number;
	/** Open normal leases. */
	open: number;
}

interface Evaluator {
	id: string;
	/** Image pair keys ever shown to this evaluator. */
	seen: Set<number>;
	/** How many of `seen` fall in each system pair: a pair is exhausted when this reaches its supply. */
	seenPerPair: Map<number, number>;
	open: Set<OpenLease>;
	answered: number;
}

interface OpenLease {
	id: LeaseId;
	evaluator: Evaluator;
	left: number;
	right: number;
	key: number;
	/** System pair, or -1 when the two images are not comparable (e.g. a gold pair across prompts). */
	pair: number;
	kind: PairKind;
	issuedAt: number;
	expiresAt: number;
	/** This lease put the pair in the evaluator's history (so releasing with `forget` may take it out). */
	firstShowing: boolean;
	probability: number | null;
}

const SAMPLE_TRIES = 12;

export class PairScheduler {
	readonly index: ImageIndex;
	readonly strategy: SchedulingStrategy;
	readonly leaseMs: number;
	private readonly rng: Rng;

	/** Per system pair: counted comparisons + open normal leases, and the open part of it. */
	private readonly loads: Int32Array;
	private readonly openPerPair: Int32Array;
	/** Active system pairs sorted by load; rankOf[pair] is its position, -1 when inactive. */
	private order = new Int32Array(0);
	private readonly rankOf: Int32Array;

	private readonly evaluators = new Map<string, Evaluator>();
	private readonly leases = new Map<LeaseId, OpenLease>();
	/** Image pair keys under an open normal lease, with how many leases hold each. */
	private readonly leased = new Map<number, number>();
	private readonly expiry = new LeaseHeap();
	private nextLeaseNumber = 1;
	/** Per system pair, counted outcomes from pairA's side (win 1, loss 0, tie or both bad ½): n, Σx, Σx². */
	private readonly outcomeN: Float64Array;
	private readonly outcomeSum: Float64Array;
	private readonly outcomeSumSq: Float64Array;
	/** Normal image pairs shown per (system pair, prompt), answered or leased: key pair · promptCount + prompt. */
	private readonly promptLoads = new Map<number, number>();
	private readonly pairArrays: PairArrays;

	constructor(init: SchedulerInit) {
		this.index = new ImageIndex(init.images);
		this.rng = init.rng ?? Math.random;
		this.leaseMs = init.leaseMs ?? DEFAULT_LEASE_MS;
		this.strategy = typeof init.strategy === 'object' ? init.strategy : createStrategy(init.strategy, init.strategySettings ?? {});

		const pairs = this.index.systemPairCount;
		this.loads = new Int32Array(pairs);
		this.openPerPair = new Int32Array(pairs);
		this.rankOf = new Int32Array(pairs).fill(-1);
		this.outcomeN = new Float64Array(pairs);
		this.outcomeSum = new Float64Array(pairs);
		this.outcomeSumSq = new Float64Array(pairs);
		this.pairArrays = {
			supply: this.index.pairSupply,
			load: this.loads,
			open: this.openPerPair,
			outcomeN: this.outcomeN,
			outcomeSum: this.outcomeSum,
			outcomeSumSq: this.outcomeSumSq
		};

		for (const row of init.comparisons ?? []) {
			const a = this.index.systemOf(row.systemA);
			const b = this.index.systemOf(row.systemB);
			const pair = a >= 0 && b >= 0 ? this.index.systemPair(a, b) : -1;
			if (pair < 0) continue;
			this.loads[pair] += Math.max(0, Math.trunc(row.count));
			// outcomes seen from the pair's first system (the lower index), whichever way the row lists them
			const flip = a > b;
			const count = (x: number | undefined) => Math.max(0, Math.trunc(x ?? 0));
			const wins = count(flip ? row.bWins : row.aWins);
			const losses = count(flip ? row.aWins : row.bWins);
			const halves = count(row.ties) + count(row.bothBad);
			this.outcomeN[pair] += wins + losses + halves;
			this.outcomeSum[pair] += wins + 0.5 * halves;
			this.outcomeSumSq[pair] += wins + 0.25 * halves;
		}
		const now = init.now ?? Date.now();
		for (const row of init.assignments ?? []) this.restore(row, now);

		// Sort only once all history is in; from here on loads move by ±1 and the order is kept by swaps.
		let active = 0;
		for (let pair = 0; pair < pairs; pair++) if (this.index.pairSupply[pair] > 0) active++;
		const order = new Int32Array(active);
		for (let pair = 0, k = 0; pair < pairs; pair++) if (this.index.pairSupply[pair] > 0) order[k++] = pair;
		order.sort((x, y) => this.loads[x] - this.loads[y] || x - y);
		for (let rank = 0; rank < active; rank++) this.rankOf[order[rank]] = rank;
		this.order = order;
	}

	/**
	 * The next pair for this evaluator, leased to them until `expiresAt`, or null when their quota is
	 * reached or nothing they have not seen is free. Pairs leased to others are never handed out twice
	 * (null rather than overlap), so concurrent evaluators get different pairs while supply lasts.
	 */
	issue(userId: UserId, options: IssueOptions = {}): Lease | null {
		const now = options.now ?? Date.now();
		this.expireDue(now);
		const evaluator = this.evaluator(userId);
		if (options.quota !== undefined && options.quota !== null) {
			const done = options.done ?? evaluator.answered;
			if (done + evaluator.open.size >= options.quota) return null;
		}
		const id = options.id ?? this.generateId();
		if (this.leases.has(id)) throw new Error(`assignment ${id} is already leased`);

		const candidate = this.strategy.pick(this.context(evaluator, now));
		if (!candidate) return null;
		const { a, b } = candidate;
		if (!(a >= 0 && b >= 0 && a < this.index.imageCount && b < this.index.imageCount) || a === b) {
			throw new Error(`strategy ${this.strategy.name} proposed an invalid pair (${a}, ${b})`);
		}
		const swap = !candidate.keepSides && this.rng() < 0.5;
		const lease = this.open({
			id,
			evaluator,
			left: swap ? b : a,
			right: swap ? a : b,
			kind: candidate.kind ?? 'normal',
			issuedAt: now,
			expiresAt: now + (options.leaseMs ?? this.leaseMs),
			probability: candidate.probability ?? null
		});
		return this.describe(lease);
	}

	/**
	 * A vote was stored (call once per newly inserted vote, not on an idempotent replay): closes its
	 * lease if still open, keeps the pair in the evaluator's history and, when counted, adds it to the
	 * balance. Works for late votes on expired leases too.
	 */
	recordVote(vote: VoteRecord): void {
		if (vote.assignmentId !== undefined) {
			const lease = this.leases.get(vote.assignmentId);
			if (lease) this.close(lease);
		}
		const evaluator = this.evaluator(vote.userId);
		evaluator.answered++;
		const a = this.index.imageOf(vote.leftImageId);
		const b = this.index.imageOf(vote.rightImageId);
		if (a < 0 || b < 0 || a === b) return;
		this.markSeen(evaluator, a, b);
		if (vote.counted ?? true) {
			const pair = this.index.systemPairOfImages(a, b);
			if (pair >= 0) {
				this.increment(pair);
				this.addPromptLoad(pair, a, 1);
				if (vote.choice) this.addOutcome(pair, a, vote.choice, 1);
			}
		}
	}

	/**
	 * Ends an open lease without a vote (skipped, or expired early by the server). The evaluator keeps
	 * the pair in their history — they have seen it — unless `forget` is set, for an assignment that
	 * never reached them (its insert was rolled back). Returns false for an unknown or closed lease.
	 */
	release(id: LeaseId, { forget = false }: { forget?: boolean } = {}): boolean {
		const lease = this.leases.get(id);
		if (!lease) return false;
		this.close(lease);
		if (forget && lease.firstShowing) this.unmarkSeen(lease.evaluator, lease.left, lease.right);
		return true;
	}

	/**
	 * Counted comparisons changed outside a vote: a review rejected (-1) or reinstated (+1) a vote, or a
	 * vote was undone (-1). Mirrors the `pair_stat` change.
	 */
	adjustComparisons(leftImageId: string, rightImageId: string, delta: number, choice?: VoteChoice): void {
		const a = this.index.imageOf(leftImageId);
		const b = this.index.imageOf(rightImageId);
		if (a < 0 || b < 0) return;
		const pair = this.index.systemPairOfImages(a, b);
		if (pair < 0) return;
		for (let i = 0; i < delta; i++) this.increment(pair);
		for (let i = 0; i > delta; i--) this.decrement(pair);
		if (choice) this.addOutcome(pair, a, choice, delta);
	}

	/** Counted outcomes of a system pair by system ids (first system's view): for tests and benchmarks. */
	outcomeStats(systemA: string, systemB: string): { n: number; sum: number; sumSq: number } | null {
		const a = this.index.systemOf(systemA);
		const b = this.index.systemOf(systemB);
		const pair = a >= 0 && b >= 0 ? this.index.systemPair(a, b) : -1;
		if (pair < 0) return null;
		const flip = a > b;
		const n = this.outcomeN[pair];
		const sum = this.outcomeSum[pair];
		return { n, sum: flip ? n - sum : sum, sumSq: flip ? n - 2 * sum + this.outcomeSumSq[pair] : this.outcomeSumSq[pair] };
	}

	/** Closes every lease that expired at or before `now`; `issue` calls this itself. Returns how many. */
	expireDue(now: number): number {
		let expired = 0;
		for (let lease = this.expiry.peek(); lease && lease.expiresAt <= now; lease = this.expiry.peek()) {
			this.expiry.pop();
			if (this.leases.get(lease.id) === lease) {
				this.close(lease);
				expired++;
			}
		}
		return expired;
	}

	/** This evaluator's open leases, oldest first: lets a server hand back a pair after a reload. */
	openLeases(userId: UserId, now: number = Date.now()): Lease[] {
		const evaluator = this.evaluators.get(String(userId));
		if (!evaluator) return [];
		return [...evaluator.open]
			.filter((lease) => lease.expiresAt > now)
			.sort((x, y) => x.issuedAt - y.issuedAt)
			.map((lease) => this.describe(lease));
	}

	/** An open lease by id (possibly past its expiry if `expireDue` has not run since). */
	lease(id: LeaseId): Lease | undefined {
		const lease = this.leases.get(id);
		return lease && this.describe(lease);
	}

	/** Votes the scheduler knows this evaluator has made (history rows answered + recordVote calls). */
	answeredBy(userId: UserId): number {
		return this.evaluators.get(String(userId))?.answered ?? 0;
	}

	/** Whether this evaluator has been shown the image pair, in either side order. */
	hasSeen(userId: UserId, imageIdA: string, imageIdB: string): boolean {
		const a = this.index.imageOf(imageIdA);
		const b = this.index.imageOf(imageIdB);
		return a >= 0 && b >= 0 && (this.evaluators.get(String(userId))?.seen.has(imagePairKey(a, b)) ?? false);
	}

	/** Comparisons per comparable system pair, fewest first. */
	systemPairCounts(): SystemPairCount[] {
		const { index } = this;
		return [...this.order].map((pair) => ({
			systemA: index.systemIds[index.pairA[pair]],
			systemB: index.systemIds[index.pairB[pair]],
			votes: this.loads[pair] - this.openPerPair[pair],
			open: this.openPerPair[pair]
		}));
	}

	stats() {
		return {
			images: this.index.imageCount,
			prompts: this.index.promptCount,
			systems: this.index.systemCount,
			comparableSystemPairs: this.order.length,
			comparableImagePairs: this.index.totalCrossPairs,
			evaluators: this.evaluators.size,
			openLeases: this.leases.size
		};
	}

	// ---- internals ----

	private restore(row: LeaseRecord, now: number): void {
		const a = this.index.imageOf(row.leftImageId);
		const b = this.index.imageOf(row.rightImageId);
		if (a < 0 || b < 0 || a === b) return;
		const evaluator = this.evaluator(row.userId);
		if (row.answered) {
			evaluator.answered++;
			this.markSeen(evaluator, a, b);
			if ((row.kind ?? 'normal') === 'normal') {
				const pair = this.index.systemPairOfImages(a, b);
				if (pair >= 0) this.addPromptLoad(pair, a, 1);
			}
		} else if (row.expiresAt > now && !this.leases.has(row.id)) {
			// The order is not built yet: open() adds to loads directly, the constructor sorts afterwards.
			this.open({
				id: row.id,
				evaluator,
				left: a,
				right: b,
				kind: row.kind ?? 'normal',
				issuedAt: row.issuedAt ?? row.expiresAt - this.leaseMs,
				expiresAt: row.expiresAt,
				probability: row.probability ?? null
			});
		} else {
			this.markSeen(evaluator, a, b);
		}
	}

	private context(evaluator: Evaluator, now: number): PickContext {
		const { index, order, loads } = this;
		return {
			index,
			rng: this.rng,
			userId: evaluator.id,
			now,
			activePairCount: order.length,
			pairAtRank: (rank) => order[rank],
			levelEnd: (rank) => this.upperBound(loads[order[rank]]),
			load: (pair) => loads[pair],
			pairs: this.pairArrays,
			seenPerPair: () => evaluator.seenPerPair,
			findFewestShown: (pair) => this.findFewestShown(evaluator, pair),
			isEligible: (a, b) => this.isEligible(evaluator, a, b),
			hasSeen: (a, b) => evaluator.seen.has(imagePairKey(a, b)),
			findInSystemPair: (pair) => this.findInSystemPair(evaluator, pair)
		};
	}

	private isEligible(evaluator: Evaluator, a: number, b: number): boolean {
		const key = imagePairKey(a, b);
		return !evaluator.seen.has(key) && !this.leased.has(key);
	}

	/**
	 * A few random prompts of the system with fewer prompts (cheap while most pairs are free), then a
	 * scan of all of them from a random start, so a free pair is found whenever one exists.
	 */
	private findInSystemPair(evaluator: Evaluator, pair: number): PairCandidate | null {
		const { index, rng } = this;
		const supply = index.pairSupply[pair];
		if (supply === 0 || (evaluator.seenPerPair.get(pair) ?? 0) >= supply) return null;
		let s1 = index.pairA[pair];
		let s2 = index.pairB[pair];
		if (this.promptCountOf(s2) < this.promptCountOf(s1)) [s1, s2] = [s2, s1];
		const start = index.systemPromptStart[s1];
		const count = this.promptCountOf(s1);
		const tries = index.pairPrompts[pair] * 5 >= count ? SAMPLE_TRIES : 0;
		for (let t = 0; t < tries; t++) {
			const p = index.systemPrompts[start + randomInt(rng, count)];
			const k2 = index.imagesAt(p, s2);
			if (k2 < 0) continue;
			const k1 = index.imagesAt(p, s1);
			const a = index.sortedImages[k1 + randomInt(rng, index.runEnd[k1] - k1)];
			const b = index.sortedImages[k2 + randomInt(rng, index.runEnd[k2] - k2)];
			if (this.isEligible(evaluator, a, b)) return { a, b };
		}
		const offset = randomInt(rng, count);
		for (let i = 0; i < count; i++) {
			const p = index.systemPrompts[start + ((offset + i) % count)];
			const k2 = index.imagesAt(p, s2);
			if (k2 < 0) continue;
			const k1 = index.imagesAt(p, s1);
			for (let x = k1; x < index.runEnd[k1]; x++) {
				for (let y = k2; y < index.runEnd[k2]; y++) {
					const a = index.sortedImages[x];
					const b = index.sortedImages[y];
					if (this.isEligible(evaluator, a, b)) return { a, b };
				}
			}
		}
		return null;
	}

	/**
	 * The image pair of the system pair on the prompt with the fewest normal showings of that pair
	 * (answered or leased), among those this evaluator has not seen and nobody holds; ties go to the
	 * first found from a random start. Stops at a prompt never shown for the pair.
	 */
	private findFewestShown(evaluator: Evaluator, pair: number): PairCandidate | null {
		const { index, rng } = this;
		const supply = index.pairSupply[pair];
		if (supply === 0 || (evaluator.seenPerPair.get(pair) ?? 0) >= supply) return null;
		let s1 = index.pairA[pair];
		let s2 = index.pairB[pair];
		if (this.promptCountOf(s2) < this.promptCountOf(s1)) [s1, s2] = [s2, s1];
		const start = index.systemPromptStart[s1];
		const count = this.promptCountOf(s1);
		const base = pair * index.promptCount;
		const offset = randomInt(rng, count);
		let best: PairCandidate | null = null;
		let bestLoad = Infinity;
		for (let i = 0; i < count && bestLoad > 0; i++) {
			const p = index.systemPrompts[start + ((offset + i) % count)];
			const load = this.promptLoads.get(base + p) ?? 0;
			if (load >= bestLoad) continue;
			const k2 = index.imagesAt(p, s2);
			if (k2 < 0) continue;
			const k1 = index.imagesAt(p, s1);
			search: for (let x = k1; x < index.runEnd[k1]; x++) {
				for (let y = k2; y < index.runEnd[k2]; y++) {
					const a = index.sortedImages[x];
					const b = index.sortedImages[y];
					if (this.isEligible(evaluator, a, b)) {
						best = { a, b };
						bestLoad = load;
						break search;
					}
				}
			}
		}
		return best;
	}

	private addPromptLoad(pair: number, image: number, delta: number): void {
		const key = pair * this.index.promptCount + this.index.imagePrompt[image];
		const load = (this.promptLoads.get(key) ?? 0) + delta;
		if (load > 0) this.promptLoads.set(key, load);
		else this.promptLoads.delete(key);
	}

	/** Adds (delta = 1) or removes (−1) one counted outcome of the pair; `left` is the left image. */
	private addOutcome(pair: number, left: number, choice: VoteChoice, delta: number): void {
		const leftIsFirst = this.index.imageSystem[left] === this.index.pairA[pair];
		const x = choice === 'tie' || choice === 'both_bad' ? 0.5 : (choice === 'left') === leftIsFirst ? 1 : 0;
		this.outcomeN[pair] = Math.max(0, this.outcomeN[pair] + delta);
		this.outcomeSum[pair] = Math.max(0, this.outcomeSum[pair] + delta * x);
		this.outcomeSumSq[pair] = Math.max(0, this.outcomeSumSq[pair] + delta * x * x);
	}

	private promptCountOf(system: number): number {
		return this.index.systemPromptStart[system + 1] - this.index.systemPromptStart[system];
	}

	private open(fields: Omit<OpenLease, 'key' | 'pair' | 'firstShowing'>): OpenLease {
		const key = imagePairKey(fields.left, fields.right);
		const firstShowing = this.markSeen(fields.evaluator, fields.left, fields.right);
		const lease: OpenLease = { ...fields, key, pair: this.index.systemPairOfImages(fields.left, fields.right), firstShowing };
		this.leases.set(lease.id, lease);
		lease.evaluator.open.add(lease);
		this.expiry.push(lease);
		if (lease.kind === 'normal') {
			this.leased.set(key, (this.leased.get(key) ?? 0) + 1);
			if (lease.pair >= 0) {
				this.openPerPair[lease.pair]++;
				this.increment(lease.pair);
				this.addPromptLoad(lease.pair, lease.left, 1);
			}
		}
		return lease;
	}

	private close(lease: OpenLease): void {
		this.leases.delete(lease.id);
		lease.evaluator.open.delete(lease);
		if (lease.kind === 'normal') {
			const holders = (this.leased.get(lease.key) ?? 1) - 1;
			if (holders > 0) this.leased.set(lease.key, holders);
			else this.leased.delete(lease.key);
			if (lease.pair >= 0) {
				this.openPerPair[lease.pair]--;
				this.decrement(lease.pair);
				this.addPromptLoad(lease.pair, lease.left, -1);
			}
		}
	}

	/** Returns whether the pair was new to this evaluator. */
	private markSeen(evaluator: Evaluator, a: number, b: number): boolean {
		const key = imagePairKey(a, b);
		if (evaluator.seen.has(key)) return false;
		evaluator.seen.add(key);
		const pair = this.index.systemPairOfImages(a, b);
		if (pair >= 0) evaluator.seenPerPair.set(pair, (evaluator.seenPerPair.get(pair) ?? 0) + 1);
		return true;
	}

	private unmarkSeen(evaluator: Evaluator, a: number, b: number): void {
		if (!evaluator.seen.delete(imagePairKey(a, b))) return;
		const pair = this.index.systemPairOfImages(a, b);
		if (pair >= 0) evaluator.seenPerPair.set(pair, (evaluator.seenPerPair.get(pair) ?? 1) - 1);
	}

	private evaluator(userId: UserId): Evaluator {
		const id = String(userId);
		let evaluator = this.evaluators.get(id);
		if (!evaluator) {
			evaluator = { id, seen: new Set(), seenPerPair: new Map(), open: new Set(), answered: 0 };
			this.evaluators.set(id, evaluator);
		}
		return evaluator;
	}

	private generateId(): string {
		let id: string;
		do id = `lease-${this.nextLeaseNumber++}`;
		while (this.leases.has(id));
		return id;
	}

	private describe(lease: OpenLease): Lease {
		const { index } = this;
		return {
			id: lease.id,
			userId: lease.evaluator.id,
			leftImageId: index.imageIds[lease.left],
			rightImageId: index.imageIds[lease.right],
			promptId: index.promptIds[index.imagePrompt[lease.left]],
			kind: lease.kind,
			issuedAt: lease.issuedAt,
			expiresAt: lease.expiresAt,
			probability: lease.probability
		};
	}

	// The order stays sorted under ±1 steps: swap the pair with the last (or first) pair of its tie
	// group, then change its load. While restoring, every rank is still -1 and only the load changes.

	private increment(pair: number): void {
		const rank = this.rankOf[pair];
		if (rank >= 0) this.swapRanks(rank, this.upperBound(this.loads[pair]) - 1);
		this.loads[pair]++;
	}

	private decrement(pair: number): void {
		if (this.loads[pair] <= 0) return;
		const rank = this.rankOf[pair];
		if (rank >= 0) this.swapRanks(rank, this.lowerBound(this.loads[pair]));
		this.loads[pair]--;
	}

	private swapRanks(i: number, j: number): void {
		if (i === j) return;
		const { order, rankOf } = this;
		const x = order[i];
		const y = order[j];
		order[i] = y;
		order[j] = x;
		rankOf[y] = i;
		rankOf[x] = j;
	}

	/** First rank whose load is >= `load`. */
	private lowerBound(load: number): number {
		let lo = 0;
		let hi = this.order.length;
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			if (this.loads[this.order[mid]] < load) lo = mid + 1;
			else hi = mid;
		}
		return lo;
	}

	/** First rank whose load is > `load`. */
	private upperBound(load: number): number {
		let lo = 0;
		let hi = this.order.length;
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			if (this.loads[this.order[mid]] <= load) lo = mid + 1;
			else hi = mid;
		}
		return lo;
	}
}

/** Binary min-heap of leases by expiry; closed leases are skipped when they surface. */
class LeaseHeap {
	private readonly items: OpenLease[] = [];

	peek(): OpenLease | undefined {
		return this.items[0];
	}

	push(lease: OpenLease): void {
		const items = this.items;
		let i = items.push(lease) - 1;
		while (i > 0) {
			const parent = (i - 1) >> 1;
			if (items[parent].expiresAt <= lease.expiresAt) break;
			items[i] = items[parent];
			i = parent;
		}
		items[i] = lease;
	}

	pop(): OpenLease | undefined {
		const items = this.items;
		const top = items[0];
		const last = items.pop();
		if (items.length > 0 && last) {
			let i = 0;
			for (;;) {
				const l = 2 * i + 1;
				if (l >= items.length) break;
				const r = l + 1;
				const child = r < items.length && items[r].expiresAt < items[l].expiresAt ? r : l;
				if (items[child].expiresAt >= last.expiresAt) break;
				items[i] = items[child];
				i = child;
			}
			items[i] = last;
		}
		return top;
	}
}
