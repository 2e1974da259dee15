import { describe, expect, it } from 'vitest';
import {
	createRng,
	createStrategy,
	hasStrategy,
	PairScheduler,
	registerStrategy,
	strategyNames,
	UnknownStrategyError,
	type SchedulingStrategy
} from '../../../src/lib/scheduling/index.ts';
import { grid, pairKey } from './fixtures.ts';

describe('strategy registry', () => {
	it('has balanced (the default) and uniform', () => {
		expect(strategyNames()).toEqual(expect.arrayContaining(['balanced', 'uniform']));
		expect(createStrategy().name).toBe('balanced');
		expect(createStrategy('uniform').name).toBe('uniform');
		expect(new PairScheduler({ images: grid(2, 2) }).strategy.name).toBe('balanced');
	});

	it('rejects unknown names, naming the known ones', () => {
		expect(() => createStrategy('nope')).toThrow(UnknownStrategyError);
		expect(() => new PairScheduler({ images: grid(2, 2), strategy: 'nope' })).toThrow(/balanced.*uniform/);
	});

	it('accepts a new strategy by name, passes it the campaign settings, and refuses a silent replace', () => {
		let received: unknown;
		// Always the first free pair in image order, with fixed sides: easy to recognise.
		registerStrategy('first-free-test', (settings) => {
			received = settings;
			return {
				name: 'first-free-test',
				pick(context) {
					for (let a = 0; a < context.index.imageCount; a++) {
						for (let b = a + 1; b < context.index.imageCount; b++) {
							if (context.index.systemPairOfImages(a, b) >= 0 && context.isEligible(a, b)) {
								return { a, b, keepSides: true };
							}
						}
					}
					return null;
				}
			};
		});
		expect(hasStrategy('first-free-test')).toBe(true);
		const scheduler = new PairScheduler({
			images: grid(3, 2),
			strategy: 'first-free-test',
			strategySettings: { goldRate: 0.05 },
			rng: createRng(1)
		});
		expect(received).toEqual({ goldRate: 0.05 });
		const first = scheduler.issue('u', { now: 0 })!;
		const second = scheduler.issue('u', { now: 0 })!;
		expect([first.leftImageId, first.rightImageId]).toEqual(['p0-s0', 'p0-s1']);
		expect([second.leftImageId, second.rightImageId]).toEqual(['p0-s0', 'p0-s2']);
		expect(() => registerStrategy('first-free-test', () => createStrategy('uniform'))).toThrow(/already/);
		expect(() => registerStrategy('Bad Name', () => createStrategy('uniform'))).toThrow(/invalid/);
	});

	it('leases gold and repeat candidates without counting them toward balance or blocking others', () => {
		const gold: SchedulingStrategy = { name: 'gold-test', pick: () => ({ a: 0, b: 1, kind: 'gold', keepSides: true }) };
		const scheduler = new PairScheduler({ images: grid(2, 1), strategy: gold, rng: createRng(2) });
		const a = scheduler.issue('a', { now: 0 })!;
		const b = scheduler.issue('b', { now: 0 })!;
		expect(a.kind).toBe('gold');
		expect([b.leftImageId, b.rightImageId]).toEqual(['p0-s0', 'p0-s1']);
		expect(scheduler.systemPairCounts()[0]).toMatchObject({ votes: 0, open: 0 });
	});

	it('throws when a strategy proposes an image that does not exist', () => {
		const broken: SchedulingStrategy = { name: 'broken', pick: () => ({ a: 0, b: 99 }) };
		const scheduler = new PairScheduler({ images: grid(2, 1), strategy: broken });
		expect(() => scheduler.issue('u', { now: 0 })).toThrow(/invalid pair/);
	});
});

describe('uniform strategy', () => {
	it('reaches every comparable pair once per evaluator, then null', () => {
		const images = grid(3, 5, (p, s) => p === 4 && s === 2);
		const scheduler = new PairScheduler({ images, strategy: 'uniform', rng: createRng(3) });
		const seen = new Set<string>();
		for (let a = scheduler.issue('u', { now: 0 }); a; a = scheduler.issue('u', { now: 0 })) {
			const key = pairKey(a.leftImageId, a.rightImageId);
			expect(seen.has(key)).toBe(false);
			expect(a.leftImageId.split('-')[0]).toBe(a.rightImageId.split('-')[0]);
			seen.add(key);
			scheduler.recordVote({ assignmentId: a.id, userId: 'u', leftImageId: a.leftImageId, rightImageId: a.rightImageId });
		}
		expect(seen.size).toBe(4 * 3 + 1);
	});

	it('ignores balance and draws pairs about equally often', () => {
		const images = grid(3, 2); // 6 image pairs
		const counts = new Map<string, number>();
		const scheduler = new PairScheduler({
			images,
			strategy: 'uniform',
			rng: createRng(4),
			comparisons: [{ systemA: 's0', systemB: 's1', count: 1000 }]
		});
		for (let user = 0; user < 6000; user++) {
			const a = scheduler.issue(user, { now: 0 })!;
			const key = pairKey(a.leftImageId, a.rightImageId);
			counts.set(key, (counts.get(key) ?? 0) + 1);
			scheduler.release(a.id);
		}
		expect(counts.size).toBe(6);
		for (const n of counts.values()) expect(Math.abs(n - 1000)).toBeLessThan(150);
	});

	it('does not hand out a pair leased to someone else', () => {
		const scheduler = new PairScheduler({ images: grid(2, 3), strategy: 'uniform', rng: createRng(5) });
		const keys = ['a', 'b', 'c'].map((u) => {
			const a = scheduler.issue(u, { now: 0 })!;
			return pairKey(a.leftImageId, a.rightImageId);
		});
		expect(new Set(keys).size).toBe(3);
		expect(scheduler.issue('d', { now: 0 })).toBeNull();
	});
});

describe('createRng', () => {
	it('is reproducible, in [0, 1), and accepts text seeds', () => {
		const a = createRng(123);
		const b = createRng(123);
		const xs = Array.from({ length: 1000 }, () => a());
		expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
		expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
		const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
		expect(Math.abs(mean - 0.5)).toBeLessThan(0.05);
		expect(createRng('campaign-1')()).toBe(createRng('campaign-1')());
		expect(createRng('campaign-1')()).not.toBe(createRng('campaign-2')());
	});
});
