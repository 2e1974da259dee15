// Token buckets in memory: enough for one process (SQLite). Checked before any expensive work.
//
// Memory is bounded (maxKeys buckets). Forgetting a bucket gives its key a full bucket again, so
// when the map is full it first drops buckets that have refilled anyway (nothing is lost), then the
// least recently used ones that still have a token, and an exhausted (locked) bucket only when every
// bucket is locked. Clearing everything at the limit, as before, let anyone who could make enough
// keys (addresses, made-up emails) lift every account's lockout.
export class TokenBucket {
	// Map order is recency order: a bucket is moved to the end whenever it is used.
	private buckets = new Map<string, { tokens: number; at: number }>();

	constructor(
		readonly capacity: number,
		readonly refillPerSecond: number,
		readonly maxKeys = 100_000
	) {}

	/** Takes one token for `key`; false when the bucket is empty. */
	consume(key: string, now = Date.now()): boolean {
		const bucket = this.refill(key, now);
		if (bucket.tokens < 1) return false;
		bucket.tokens -= 1;
		return true;
	}

	/** Whether a token is available, without taking it. */
	check(key: string, now = Date.now()): boolean {
		return this.refill(key, now).tokens >= 1;
	}

	/** Gives back a token taken by `consume` (an attempt reserved before the work turned out fine). */
	release(key: string, now = Date.now()): void {
		const bucket = this.refill(key, now);
		bucket.tokens = Math.min(this.capacity, bucket.tokens + 1);
	}

	reset(key: string): void {
		this.buckets.delete(key);
	}

	/** How many buckets are held (bounded by maxKeys). */
	get size(): number {
		return this.buckets.size;
	}

	private refill(key: string, now: number) {
		let bucket = this.buckets.get(key);
		if (bucket) {
			this.buckets.delete(key);
		} else {
			if (this.buckets.size >= this.maxKeys) this.evict(now);
			bucket = { tokens: this.capacity, at: now };
		}
		this.buckets.set(key, bucket);
		bucket.tokens = Math.min(this.capacity, bucket.tokens + (Math.max(0, now - bucket.at) / 1000) * this.refillPerSecond);
		bucket.at = Math.max(bucket.at, now);
		return bucket;
	}

	/** Frees a tenth of the room at once, so that the O(n) sweep runs once per maxKeys/10 new keys. */
	private evict(now: number): void {
		const target = Math.max(0, this.maxKeys - Math.max(1, Math.floor(this.maxKeys / 10)));
		const level = (b: { tokens: number; at: number }) => b.tokens + (Math.max(0, now - b.at) / 1000) * this.refillPerSecond;
		for (const [key, b] of this.buckets) if (level(b) >= this.capacity) this.buckets.delete(key);
		if (this.buckets.size <= target) return;
		for (const [key, b] of this.buckets) {
			if (this.buckets.size <= target) return;
			if (level(b) >= 1) this.buckets.delete(key);
		}
		for (const key of this.buckets.keys()) {
			if (this.buckets.size <= target) return;
			this.buckets.delete(key);
		}
	}
}

/** Every login attempt from an address: a burst of 30, then one every 2 s. */
export const loginByIp = new TokenBucket(30, 0.5);
/** Failed logins per account: 10, then one every 90 s. */
export const loginFailuresByAccount = new TokenBucket(10, 1 / 90);
