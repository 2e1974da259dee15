import { describe, expect, it } from 'vitest';
import { createRng, PairScheduler, type Lease, type CampaignImage } from '../../../src/lib/scheduling/index.ts';
import { grid, pairKey } from './fixtures.ts';

function byId(images: CampaignImage[]): Map<string, CampaignImage> {
	return new Map(images.map((image) => [image.id, image]));
}

function answer(scheduler: PairScheduler, assignment: Lease): void {
	scheduler.recordVote({
		assignmentId: assignment.id,
		userId: assignment.userId,
		leftImageId: assignment.leftImageId,
		rightImageId: assignment.rightImageId
	});
}

describe('PairScheduler: what a pair is', () => {
	it('pairs two images of the same prompt from different systems, and says which prompt', () => {
		const images = grid(4, 10, (p, s) => (p + s) % 3 === 0);
		const images_ = byId(images);
		const scheduler = new PairScheduler({ images, rng: createRng(1) });
		for (let i = 0; i < 200; i++) {
			const assignment = scheduler.issue(`u${i % 7}`, { now: i });
			if (!assignment) continue;
			const left = images_.get(assignment.leftImageId)!;
			const right = images_.get(assignment.rightImageId)!;
			expect(left.promptId).toBe(right.promptId);
			expect(assignment.promptId).toBe(left.promptId);
			expect(left.systemId).not.toBe(right.systemId);
			answer(scheduler, assignment);
		}
	});

	it('never schedules a system pair that shares no prompt, nor a prompt missing one of the systems', () => {
		// s0 covers prompts 0–4, s1 covers 5–9, s2 covers all: s0–s1 is not comparable.
		const images = grid(3, 10, (p, s) => (s === 0 && p >= 5) || (s === 1 && p < 5));
		const scheduler = new PairScheduler({ images, rng: createRng(2) });
		expect(scheduler.stats().comparableSystemPairs).toBe(2);
		const images_ = byId(images);
		let issued = 0;
		for (let a = scheduler.issue('u', { now: 0 }); a; a = scheduler.issue('u', { now: 0 })) {
			const systems = [images_.get(a.leftImageId)!.systemId, images_.get(a.rightImageId)!.systemId].sort();
			expect(systems).not.toEqual(['s0', 's1']);
			answer(scheduler, a);
			issued++;
		}
		expect(issued).toBe(10); // 5 prompts for s0–s2 and 5 for s1–s2
	});

	it('handles several images of one system for the same prompt', () => {
		const images: CampaignImage[] = [
			{ id: 'a1', promptId: 'p', systemId: 'A' },
			{ id: 'a2', promptId: 'p', systemId: 'A' },
			{ id: 'b1', promptId: 'p', systemId: 'B' }
		];
		const scheduler = new PairScheduler({ images, rng: createRng(3) });
		const seen = new Set<string>();
		for (let a = scheduler.issue('u', { now: 0 }); a; a = scheduler.issue('u', { now: 0 })) {
			seen.add(pairKey(a.leftImageId, a.rightImageId));
			answer(scheduler, a);
		}
		expect([...seen].sort()).toEqual(['a1|b1', 'a2|b1']);
	});
});

describe('PairScheduler: balance', () => {
	it('keeps counts across system pairs within one of each other while evaluators answer', () => {
		const images = grid(6, 40);
		const scheduler = new PairScheduler({ images, rng: createRng(4) });
		for (let i = 0; i < 301; i++) {
			const assignment = scheduler.issue(`u${i % 5}`, { now: i });
			expect(assignment).not.toBeNull();
			answer(scheduler, assignment!);
			const votes = scheduler.systemPairCounts().map((c) => c.votes);
			expect(Math.max(...votes) - Math.min(...votes)).toBeLessThanOrEqual(1);
		}
		const votes = scheduler.systemPairCounts().map((c) => c.votes);
		expect(votes.reduce((x, y) => x + y, 0)).toBe(301);
		expect(votes).toHaveLength(15);
	});

	it('serves the pairs with the fewest existing comparisons first', () => {
		const images = grid(3, 20);
		const scheduler = new PairScheduler({
			images,
			rng: createRng(5),
			comparisons: [
				{ systemA: 's0', systemB: 's1', count: 6 },
				{ systemA: 's2', systemB: 's0', count: 2 }
			]
		});
		const images_ = byId(images);
		const systemsOf = (a: Lease) => [images_.get(a.leftImageId)!.systemId, images_.get(a.rightImageId)!.systemId].sort().join('-');
		const firstTwo = [0, 1].map(() => {
			const a = scheduler.issue('u', { now: 0 })!;
			answer(scheduler, a);
			return systemsOf(a);
		});
		expect(firstTwo).toEqual(['s1-s2', 's1-s2']); // 0 → 2: catches up with s0–s2
		const next = new Set<string>();
		for (let i = 0; i < 8; i++) {
			const a = scheduler.issue('u', { now: 0 })!;
			answer(scheduler, a);
			next.add(systemsOf(a));
		}
		expect(next).not.toContain('s0-s1'); // s0–s2 and s1–s2 go from 2 to 6 first
		expect(scheduler.systemPairCounts().map((c) => c.votes)).toEqual([6, 6, 6]);
	});

	it('counts open leases toward balance, so concurrent evaluators spread over system pairs', () => {
		const images = grid(3, 20);
		const scheduler = new PairScheduler({ images, rng: createRng(6) });
		const images_ = byId(images);
		const systemPairs = ['a', 'b', 'c'].map((user) => {
			const a = scheduler.issue(user, { now: 0 })!;
			return [images_.get(a.leftImageId)!.systemId, images_.get(a.rightImageId)!.systemId].sort().join('-');
		});
		expect(new Set(systemPairs).size).toBe(3);
		expect(scheduler.systemPairCounts().map((c) => c.open)).toEqual([1, 1, 1]);
	});

	it('breaks ties at random: every tied system pair comes first for some seed', () => {
		const images = grid(4, 5);
		const first = new Set<string>();
		for (let seed = 0; seed < 200; seed++) {
			const scheduler = new PairScheduler({ images, rng: createRng(seed) });
			const a = scheduler.issue('u', { now: 0 })!;
			first.add(pairKey(a.leftImageId.split('-')[1], a.rightImageId.split('-')[1]));
		}
		expect(first.size).toBe(6);
	});

	it('stops counting a rejected vote when told (adjustComparisons)', () => {
		const scheduler = new PairScheduler({ images: grid(2, 3), rng: createRng(7) });
		const a = scheduler.issue('u', { now: 0 })!;
		answer(scheduler, a);
		expect(scheduler.systemPairCounts()[0].votes).toBe(1);
		scheduler.adjustComparisons(a.leftImageId, a.rightImageId, -1);
		expect(scheduler.systemPairCounts()[0].votes).toBe(0);
		scheduler.adjustComparisons(a.rightImageId, a.leftImageId, +2);
		expect(scheduler.systemPairCounts()[0].votes).toBe(2);
	});
});

describe('PairScheduler: one evaluator never sees an image pair twice', () => {
	it('issues every image pair once, in either side order, then null', () => {
		const images = grid(3, 4); // 3 system pairs × 4 prompts = 12 image pairs
		const scheduler = new PairScheduler({ images, rng: createRng(8) });
		const seen = new Set<string>();
		for (let i = 0; i < 12; i++) {
			const a = scheduler.issue('u', { now: i });
			expect(a).not.toBeNull();
			const key = pairKey(a!.leftImageId, a!.rightImageId);
			expect(seen.has(key)).toBe(false);
			seen.add(key);
			answer(scheduler, a!);
		}
		expect(scheduler.issue('u', { now: 12 })).toBeNull();
		// Another evaluator still gets all of them.
		expect(scheduler.issue('other', { now: 12 })).not.toBeNull();
	});

	it('treats history rows and votes with swapped sides as the same pair', () => {
		const images = grid(2, 3);
		const scheduler = new PairScheduler({
			images,
			rng: createRng(9),
			now: 0,
			assignments: [
				{ id: 1, userId: 7, leftImageId: 'p0-s1', rightImageId: 'p0-s0', expiresAt: 10, answered: true },
				{ id: 2, userId: 7, leftImageId: 'p1-s0', rightImageId: 'p1-s1', expiresAt: 10, answered: false }
			]
		});
		scheduler.recordVote({ userId: '7', leftImageId: 'p2-s1', rightImageId: 'p2-s0' });
		expect(scheduler.hasSeen('7', 'p0-s0', 'p0-s1')).toBe(true);
		expect(scheduler.issue('7', { now: 100 })).toBeNull(); // user id 7 and '7' are the same evaluator
		const other = scheduler.issue('8', { now: 100 });
		expect(other).not.toBeNull();
	});

	it('does not repeat even after the lease expired unanswered', () => {
		const scheduler = new PairScheduler({ images: grid(2, 1), rng: createRng(10), leaseMs: 1000 });
		expect(scheduler.issue('u', { now: 0 })).not.toBeNull();
		expect(scheduler.issue('u', { now: 5000 })).toBeNull();
	});
});

describe('PairScheduler: concurrency and leases', () => {
	it('gives concurrent evaluators different pairs while supply lasts, then null', () => {
		const images = grid(3, 4); // 12 image pairs
		const scheduler = new PairScheduler({ images, rng: createRng(11) });
		const leased = new Set<string>();
		for (let user = 0; user < 12; user++) {
			const a = scheduler.issue(`u${user}`, { now: 0 });
			expect(a).not.toBeNull();
			leased.add(pairKey(a!.leftImageId, a!.rightImageId));
		}
		expect(leased.size).toBe(12);
		expect(scheduler.issue('late', { now: 1 })).toBeNull();
	});

	it('frees a pair when its lease expires (default ten minutes)', () => {
		const scheduler = new PairScheduler({ images: grid(2, 1), rng: createRng(12) });
		const held = scheduler.issue('a', { now: 0 })!;
		expect(held.expiresAt).toBe(10 * 60 * 1000);
		expect(scheduler.issue('b', { now: 10 * 60 * 1000 - 1 })).toBeNull();
		expect(scheduler.systemPairCounts()[0].open).toBe(1);
		const freed = scheduler.issue('b', { now: 10 * 60 * 1000 });
		expect(freed).not.toBeNull();
		expect(pairKey(freed!.leftImageId, freed!.rightImageId)).toBe(pairKey(held.leftImageId, held.rightImageId));
		expect(scheduler.lease(held.id)).toBeUndefined();
	});

	it('stops counting an expired lease toward balance', () => {
		const scheduler = new PairScheduler({ images: grid(3, 5), rng: createRng(13), leaseMs: 100 });
		scheduler.issue('a', { now: 0 });
		expect(scheduler.systemPairCounts().reduce((n, c) => n + c.open, 0)).toBe(1);
		expect(scheduler.expireDue(100)).toBe(1);
		expect(scheduler.systemPairCounts().every((c) => c.open === 0 && c.votes === 0)).toBe(true);
	});

	it('counts a late vote on an expired lease once', () => {
		const scheduler = new PairScheduler({ images: grid(2, 2), rng: createRng(14), leaseMs: 100 });
		const a = scheduler.issue('a', { now: 0 })!;
		scheduler.expireDue(200);
		answer(scheduler, a);
		expect(scheduler.systemPairCounts()[0]).toMatchObject({ votes: 1, open: 0 });
	});

	it('release frees the pair for others; forget also lets the same evaluator have it again', () => {
		const scheduler = new PairScheduler({ images: grid(2, 1), rng: createRng(15) });
		const a = scheduler.issue('a', { now: 0, id: 'as-1' })!;
		expect(a.id).toBe('as-1');
		expect(scheduler.release('as-1')).toBe(true);
		expect(scheduler.release('as-1')).toBe(false);
		expect(scheduler.issue('a', { now: 1 })).toBeNull(); // skipped: seen
		const b = scheduler.issue('b', { now: 1, id: 'as-2' })!;
		expect(b).not.toBeNull();
		scheduler.release('as-2', { forget: true }); // e.g. the insert was rolled back
		expect(scheduler.issue('b', { now: 2 })).not.toBeNull();
	});

	it('refuses an id that is already leased', () => {
		const scheduler = new PairScheduler({ images: grid(2, 3), rng: createRng(16) });
		scheduler.issue('a', { now: 0, id: 42 });
		expect(() => scheduler.issue('b', { now: 0, id: 42 })).toThrow(/already leased/);
	});

	it('restores open leases from assignment rows: they block others until they expire', () => {
		const images = grid(2, 1);
		const scheduler = new PairScheduler({
			images,
			rng: createRng(17),
			now: 1000,
			assignments: [{ id: 'x', userId: 'a', leftImageId: 'p0-s0', rightImageId: 'p0-s1', expiresAt: 5000, answered: false }]
		});
		expect(scheduler.openLeases('a', 1000).map((l) => l.id)).toEqual(['x']);
		expect(scheduler.systemPairCounts()[0]).toMatchObject({ votes: 0, open: 1 });
		expect(scheduler.issue('b', { now: 4999 })).toBeNull();
		expect(scheduler.issue('b', { now: 5000 })).not.toBeNull();
		expect(scheduler.openLeases('a', 5000)).toEqual([]);
	});
});

describe('PairScheduler: quotas', () => {
	it('counts open leases toward the quota so prefetching cannot overshoot it', () => {
		const scheduler = new PairScheduler({ images: grid(4, 10), rng: createRng(18) });
		const issued = [0, 1, 2].map(() => scheduler.issue('u', { now: 0, quota: 3 }));
		expect(issued.every(Boolean)).toBe(true);
		expect(scheduler.issue('u', { now: 0, quota: 3 })).toBeNull();
		for (const a of issued) answer(scheduler, a!);
		expect(scheduler.answeredBy('u')).toBe(3);
		expect(scheduler.issue('u', { now: 0, quota: 3 })).toBeNull(); // done defaults to what it saw
		expect(scheduler.issue('u', { now: 0, quota: 4 })).not.toBeNull();
	});

	it('uses the done count the server passes, and no quota means no limit', () => {
		const scheduler = new PairScheduler({ images: grid(4, 10), rng: createRng(19) });
		expect(scheduler.issue('u', { now: 0, quota: 5, done: 5 })).toBeNull();
		expect(scheduler.issue('u', { now: 0, quota: 5, done: 4 })).not.toBeNull();
		expect(scheduler.issue('u', { now: 0, quota: 5, done: 4 })).toBeNull();
		expect(scheduler.issue('u', { now: 0, quota: null, done: 400 })).not.toBeNull();
	});

	it('counts answered history rows as done', () => {
		const scheduler = new PairScheduler({
			images: grid(2, 5),
			rng: createRng(20),
			assignments: [0, 1].map((p) => ({
				id: p,
				userId: 'u',
				leftImageId: `p${p}-s0`,
				rightImageId: `p${p}-s1`,
				expiresAt: 0,
				answered: true
			}))
		});
		expect(scheduler.issue('u', { now: 0, quota: 2 })).toBeNull();
		expect(scheduler.issue('u', { now: 0, quota: 3 })).not.toBeNull();
	});
});

describe('PairScheduler: determinism', () => {
	function run(seed: number): string[] {
		const scheduler = new PairScheduler({ images: grid(5, 30), rng: createRng(seed) });
		const out: string[] = [];
		for (let i = 0; i < 100; i++) {
			const a = scheduler.issue(`u${i % 4}`, { now: i * 1000 })!;
			out.push(`${a.leftImageId}/${a.rightImageId}`);
			if (i % 3) answer(scheduler, a);
		}
		return out;
	}

	it('gives the same schedule, sides included, for the same seed, and another for another seed', () => {
		expect(run(99)).toEqual(run(99));
		expect(run(99)).not.toEqual(run(100));
	});

	it('randomizes sides', () => {
		const scheduler = new PairScheduler({ images: grid(2, 400), rng: createRng(21) });
		let s0Left = 0;
		for (let i = 0; i < 400; i++) {
			const a = scheduler.issue('u', { now: 0 })!;
			if (a.leftImageId.endsWith('-s0')) s0Left++;
			answer(scheduler, a);
		}
		expect(s0Left).toBeGreaterThan(150);
		expect(s0Left).toBeLessThan(250);
	});
});

describe('PairScheduler: invariants under a random mix of operations', () => {
	it('keeps the load order sorted, open counts exact and open pairs unique', () => {
		const rng = createRng(2024);
		const images = grid(5, 6, (p, s) => (p * 3 + s) % 7 === 0);
		const scheduler = new PairScheduler({ images, rng: createRng(77), leaseMs: 500 });
		const open = new Map<string, Lease>();
		let now = 0;
		for (let step = 0; step < 3000; step++) {
			now += Math.floor(rng() * 60);
			const roll = rng();
			const held = [...open.values()];
			if (roll < 0.5 || held.length === 0) {
				const a = scheduler.issue(`u${Math.floor(rng() * 6)}`, { now });
				if (a) {
					for (const other of open.values()) {
						if (other.expiresAt > now) {
							expect(pairKey(other.leftImageId, other.rightImageId)).not.toBe(pairKey(a.leftImageId, a.rightImageId));
						}
					}
					open.set(String(a.id), a);
				}
			} else {
				const a = held[Math.floor(rng() * held.length)];
				if (roll < 0.95) open.delete(String(a.id));
				if (roll < 0.8) answer(scheduler, a);
				else if (roll < 0.95) scheduler.release(a.id, { forget: rng() < 0.5 });
				else scheduler.adjustComparisons(a.leftImageId, a.rightImageId, rng() < 0.5 ? 1 : -1);
			}
			for (const [id, a] of open) if (a.expiresAt <= now) open.delete(id);
			scheduler.expireDue(now);
			const counts = scheduler.systemPairCounts();
			for (let i = 1; i < counts.length; i++) {
				expect(counts[i].votes + counts[i].open).toBeGreaterThanOrEqual(counts[i - 1].votes + counts[i - 1].open);
			}
			expect(counts.reduce((n, c) => n + c.open, 0)).toBe(open.size);
			expect(scheduler.stats().openLeases).toBe(open.size);
		}
	});
});
