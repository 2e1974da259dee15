// Token buckets in memory: enough for one process (SQLite). Checked before any expensive work.
export class TokenBucket {
	private buckets = new Map<string, { tokens: number; at: number }>();

	constructor(
		readonly capacity: number,
		readonly refillPerSecond: number
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

	reset(key: string): void {
		this.buckets.delete(key);
	}

	private refill(key: string, now: number) {
		let bucket = this.buckets.get(key);
		if (!bucket) {
			bucket = { tokens: this.capacity, at: now };
			this.buckets.set(key, bucket);
		}
		bucket.tokens = Math.min(this.capacity, bucket.tokens + ((now - bucket.at) / 1000) * this.refillPerSecond);
		bucket.at = now;
		if (this.buckets.size > 100_000) this.buckets.clear();
		return bucket;
	}
}

/** Every login attempt from an address: a burst of 30, then one every 2 s. */
export const loginByIp = new TokenBucket(30, 0.5);
/** Failed logins per account: 10, then one every 90 s. */
export const loginFailuresByAccount = new TokenBucket(10, 1 / 90);
