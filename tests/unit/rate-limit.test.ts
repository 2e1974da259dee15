import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../src/lib/server/auth/rate-limit.ts';

describe('token buckets', () => {
	it('keeps a locked account locked when more keys arrive than the map holds, in bounded memory', () => {
		// the real limit and the real per-account bucket shape (10, then one every 90 s)
		const failures = new TokenBucket(10, 1 / 90);
		const now = 1_000_000;
		for (let i = 0; i < 10; i++) expect(failures.consume('victim@example.org', now)).toBe(true);
		expect(failures.check('victim@example.org', now)).toBe(false);
		// an attacker sprays one failed attempt at each of 100,001 made-up accounts
		for (let i = 0; i <= 100_000; i++) failures.consume(`made-up-${i}@example.org`, now + 1);
		expect(failures.check('victim@example.org', now + 2)).toBe(false);
		expect(failures.size).toBeLessThanOrEqual(100_000);
	});

	it('drops refilled buckets first, then the least recently used, and locked ones last', () => {
		const b = new TokenBucket(3, 0, 10); // no refill: only eviction can give tokens back
		for (let i = 0; i < 3; i++) b.consume('locked', 0);
		for (let i = 0; i < 9; i++) b.consume(`k${i}`, 0); // 2 tokens left each
		b.consume('k0', 0); // k0 is now the most recently used
		b.consume('new', 0); // the map is full: the least recently used unlocked bucket (k1) goes
		expect(b.size).toBe(10);
		expect(b.check('locked', 0)).toBe(false);
		expect([b.consume('k0', 0), b.consume('k0', 0)]).toEqual([true, false]); // remembered
		expect([b.consume('k1', 0), b.consume('k1', 0), b.consume('k1', 0)]).toEqual([true, true, true]); // forgotten
		// buckets that refilled are dropped before anything else
		const r = new TokenBucket(1, 1, 4);
		r.consume('old', 0);
		for (let i = 0; i < 3; i++) r.consume(`recent${i}`, 5_000);
		r.consume('x', 5_000); // 'old' refilled long ago: it goes, the recent (empty) ones stay
		expect(r.check('recent0', 5_000)).toBe(false);
		expect(r.size).toBe(4);
	});

	it('gives back a reserved token', () => {
		const b = new TokenBucket(1, 0);
		expect(b.consume('a', 0)).toBe(true);
		expect(b.check('a', 0)).toBe(false);
		b.release('a', 0);
		expect(b.consume('a', 0)).toBe(true);
	});
});
