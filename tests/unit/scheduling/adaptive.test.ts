import { describe, expect, it } from 'vitest';
import {
	createRng,
	createStrategy,
	pairProbabilities,
	pairWeight,
	PairScheduler,
	predictedVariances,
	shrunkVariance,
	type ComparisonCount,
	type LeaseRecord
} from '../../../src/lib/scheduling/index.ts';
import { grid, pairKey } from './fixtures.ts';

// Values below were worked out by hand (and checked in a calculator), not by the code under test:
// v = p(1−p) − t/4 with p from the two systems' records against the others (rᵢ = (Sᵢ + 1)/(Nᵢ + 2),
// p = 1/(1 + e^(βⱼ−βᵢ)), β = logit r) and t the other pairs' tie share; σ̂² = (m·v + 4·¼)/(m + 4),
// w = σ̂·(1/√n − 1/√(n+1)), w(0) = σ̂, P = 0.8·w/Σw + 0.2/#pairs.

describe('adaptive weights', () => {
	it('shrinks the outcome variance toward ¼ and gives an unseen pair the largest weight', () => {
		expect(shrunkVariance(0, 0)).toBe(0.25);
		// outcomes 1, 1, 0, ½: mean 0.625, s² = 0.5625 − 0.390625 = 0.171875; (0.6875 + 1)/8
		expect(shrunkVariance(0.171875, 4)).toBeCloseTo(0.2109375, 15);
		expect(pairWeight(0.2109375, 4)).toBeCloseTo(0.02424370432148566, 14);
		expect(pairWeight(0.25, 0)).toBe(0.5);
		expect(pairWeight(0.25, 1)).toBeCloseTo(0.5 * (1 - Math.SQRT1_2), 15);
		// the largest weight a seen pair can have is below an unseen pair's
		for (let n = 1; n < 50; n++) expect(pairWeight(0.25, n)).toBeLessThan(pairWeight(shrunkVariance(0, 0), 0));
	});

	it('predicts a pair’s outcome variance from its systems’ records against the others, never from its own votes', () => {
		// systems 0, 1, 2; pairs (0,1), (0,2), (1,2). 0–1: 3 wins of 0, 1 of 1; 0–2: 4 halves (2 ties, 2 both bad); 1–2: none
		const pairA = [0, 0, 1];
		const pairB = [1, 2, 2];
		const n = [4, 4, 0];
		const sum = [3, 2, 0];
		const sumSq = [3, 1, 0];
		const out = new Float64Array(3);
		predictedVariances(pairA, pairB, n, sum, sumSq, out, new Float64Array(3), new Float64Array(3));
		// 0–1: 0 without 1 scored 2 of 4 (r = 3/6), 1 without 0 has nothing (r = ½): p = ½; the other pairs' votes
		// are all halves (t = 1): v = ¼ − ¼ = 0
		expect(out[0]).toBeCloseTo(0, 15);
		// 0–2: 0 without 2 scored 3 of 4 (r = 4/6, odds 2), 2 without 0 nothing (odds 1): p = 2/3; t = 0: v = 2/9
		expect(out[1]).toBeCloseTo(2 / 9, 15);
		// 1–2: 1 scored 1 of 4 (r = 2/6, odds ½), 2 scored 2 of 4 (r = ½, odds 1): p = 1/3; t = 4/8: v = 2/9 − 1/8
		expect(out[2]).toBeCloseTo(2 / 9 - 1 / 8, 15);
		// the pair's own outcomes do not move its own prediction: 0–1 all wins of 1 instead
		predictedVariances(pairA, pairB, n, [0, 2, 0], [0, 1, 0], out, new Float64Array(3), new Float64Array(3));
		expect(out[0]).toBeCloseTo(0, 15);
		expect(out[1]).not.toBeCloseTo(2 / 9, 3);
	});

	it('mixes the normalized weights with the floor ε/#pairs', () => {
		const p = pairProbabilities([0.024688580039852456, 0.01866281228821792, 0.5], 0.2);
		expect(p[0]).toBeCloseTo(0.10301674197843946, 12);
		expect(p[1]).toBeCloseTo(0.09414474078478652, 12);
		expect(p[2]).toBeCloseTo(0.802838517236774, 12);
		expect([...pairProbabilities([0, 0, 0, 0], 0.2)]).toEqual([0.25, 0.25, 0.25, 0.25]);
	});

	it('property: P(a) ≥ ε/#pairs for every pair and ΣP = 1 (seeded random weights and ε)', () => {
		const rng = createRng('adaptive-property');
		for (let trial = 0; trial < 2000; trial++) {
			const count = 1 + Math.floor(rng() * 300);
			const epsilon = trial % 10 === 0 ? 0 : trial % 10 === 1 ? 1 : rng();
			const weights = Float64Array.from({ length: count }, () => {
				const n = Math.floor(rng() * 60);
				return rng() < 0.05 ? 0 : pairWeight(shrunkVariance(rng() * 0.25, Math.floor(rng() * n)), n);
			});
			const p = pairProbabilities(weights, epsilon);
			let sum = 0;
			let lowest = Infinity;
			for (const x of p) {
				lowest = Math.min(lowest, x);
				sum += x;
			}
			expect(lowest).toBeGreaterThanOrEqual(epsilon / count - 1e-15);
			expect(sum).toBeCloseTo(1, 12);
		}
	});
});

describe('adaptive strategy in the scheduler', () => {
	// s0–s1: 3 wins of s0, 1 of s1; s0–s2: 4 ties; s1–s2: never compared. Predicted v: s0–s1 from s0's 4
	// halves against s2 (p = ½, t = 1): 0, σ̂² = (0 + 1)/8 = 0.125; s0–s2 from s0's 3 of 4 against s1 (p = 2/3,
	// t = 0): 2/9, σ̂² = (8/9 + 1)/8 = 17/72; s1–s2 unseen: σ̂² = ¼. n = 4, 4, 0.
	const history: ComparisonCount[] = [
		{ systemA: 's0', systemB: 's1', count: 4, aWins: 3, bWins: 1, ties: 0, bothBad: 0 },
		// listed the other way round: the scheduler reorients it
		{ systemA: 's2', systemB: 's0', count: 4, aWins: 0, bWins: 0, ties: 2, bothBad: 2 }
	];
	const expected = new Map([
		['s0|s1', 0.09409622730900993],
		['s0|s2', 0.10436499193088876],
		['s1|s2', 0.8015387807601014]
	]);
	const systemsOf = (lease: { leftImageId: string; rightImageId: string }) =>
		[lease.leftImageId, lease.rightImageId]
			.map((id) => id.split('-')[1])
			.sort()
			.join('|');

	it('stores the hand-computed P(a) of the drawn pair on the lease, and draws pairs at those rates', () => {
		const scheduler = new PairScheduler({ images: grid(3, 400), comparisons: history, strategy: 'adaptive', rng: createRng(7) });
		const drawn = new Map<string, number>();
		const draws = 4000;
		for (let i = 0; i < draws; i++) {
			const lease = scheduler.issue(`u${i}`, { now: 0, id: i })!;
			const key = systemsOf(lease);
			expect(lease.probability).toBeCloseTo(expected.get(key)!, 12);
			drawn.set(key, (drawn.get(key) ?? 0) + 1);
			// released unseen: the next draw sees the same state
			scheduler.release(i, { forget: true });
		}
		for (const [key, p] of expected) {
			const rate = (drawn.get(key) ?? 0) / draws;
			// 4 binomial standard deviations
			expect(Math.abs(rate - p), key).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / draws));
		}
	});

	it('counts an open lease as a pending vote of its pair', () => {
		const scheduler = new PairScheduler({ images: grid(3, 400), comparisons: history, strategy: 'adaptive', rng: createRng(3) });
		// hold leases until one lands on the unseen pair s1–s2
		let held = scheduler.issue('holder', { now: 0, id: 'h0' })!;
		for (let i = 1; systemsOf(held) !== 's1|s2'; i++) held = scheduler.issue('holder', { now: 0, id: `h${i}` })!;
		for (const lease of scheduler.openLeases('holder', 0)) if (lease.id !== held.id) scheduler.release(lease.id, { forget: true });
		// now s1–s2 has n = 1: w = ½(1 − 1/√2); P = 0.8·w/Σw + 0.2/3
		const after = new Map([
			['s0|s1', 0.14493426889057043],
			['s0|s2', 0.17423519701099427],
			['s1|s2', 0.6808305340984353]
		]);
		for (let i = 0; i < 30; i++) {
			const lease = scheduler.issue(`v${i}`, { now: 0, id: `v${i}` })!;
			expect(lease.probability).toBeCloseTo(after.get(systemsOf(lease))!, 12);
			scheduler.release(lease.id, { forget: true });
		}
	});

	it('learns outcomes from recorded votes (ties included) and forgets them on undo', () => {
		const scheduler = new PairScheduler({ images: grid(2, 6), strategy: 'adaptive', rng: createRng(1) });
		const vote = (i: number, choice: 'left' | 'right' | 'tie' | 'both_bad', left = `p${i}-s0`, right = `p${i}-s1`) =>
			scheduler.recordVote({ userId: `u${i}`, leftImageId: left, rightImageId: right, choice });
		vote(0, 'left');
		vote(1, 'left', 'p1-s1', 'p1-s0'); // s1 shown left and chosen: a loss of s0
		vote(2, 'tie');
		vote(3, 'both_bad');
		expect(scheduler.outcomeStats('s0', 's1')).toEqual({ n: 4, sum: 2, sumSq: 1.5 });
		expect(scheduler.outcomeStats('s1', 's0')).toEqual({ n: 4, sum: 2, sumSq: 1.5 });
		scheduler.adjustComparisons('p0-s0', 'p0-s1', -1, 'left');
		expect(scheduler.outcomeStats('s0', 's1')).toEqual({ n: 3, sum: 1, sumSq: 0.5 });
	});

	it('takes the prompt with the fewest showings of the pair, never one the evaluator has seen', () => {
		// two systems, three prompts: p0 answered twice, p1 once, p2 never
		const answered = (id: string, user: string, p: number): LeaseRecord => ({
			id,
			userId: user,
			leftImageId: `p${p}-s0`,
			rightImageId: `p${p}-s1`,
			expiresAt: 0,
			answered: true
		});
		const scheduler = new PairScheduler({
			images: grid(2, 3),
			assignments: [answered('a', 'x', 0), answered('b', 'y', 0), answered('c', 'x', 1)],
			strategy: 'adaptive',
			rng: createRng(5)
		});
		const first = scheduler.issue('new', { now: 0, id: 1 })!;
		expect(first.promptId).toBe('p2');
		// p2 is leased now (and its image pair taken): the next evaluator gets p1, the next fewest
		expect(scheduler.issue('other', { now: 0, id: 2 })!.promptId).toBe('p1');
		// 'x' saw p0 and p1; p2's only image pair is held by 'new'
		expect(scheduler.issue('x', { now: 0, id: 3 })).toBeNull();
		// 'new' holds p2 and 'other' holds p1: p0 is all that is left for 'new', once
		const seen = new Set([pairKey(first.leftImageId, first.rightImageId)]);
		for (let i = 0; ; i++) {
			const lease = scheduler.issue('new', { now: 0, id: `n${i}` });
			if (!lease) break;
			const key = pairKey(lease.leftImageId, lease.rightImageId);
			expect(seen.has(key)).toBe(false);
			seen.add(key);
		}
		expect(seen.size).toBe(2);
		expect(scheduler.openLeases('new', 0).map((l) => l.promptId)).toEqual(['p2', 'p0']);
	});

	it('renormalizes over the pairs left when the drawn pair has nothing for this evaluator', () => {
		// one prompt, three systems; the evaluator has seen s0–s1 and s0–s2: only s1–s2 remains, drawn with certainty
		const scheduler = new PairScheduler({
			images: grid(3, 1),
			assignments: [
				{ id: 'a', userId: 'u', leftImageId: 'p0-s0', rightImageId: 'p0-s1', expiresAt: 0, answered: true },
				{ id: 'b', userId: 'u', leftImageId: 'p0-s2', rightImageId: 'p0-s0', expiresAt: 0, answered: true }
			],
			strategy: 'adaptive',
			rng: createRng(11)
		});
		for (let i = 0; i < 20; i++) {
			const lease = scheduler.issue('u', { now: 0, id: i })!;
			expect(systemsOf(lease)).toBe('s1|s2');
			expect(lease.probability).toBeCloseTo(1, 12);
			scheduler.release(i, { forget: true });
		}
	});

	it('reads ε from the campaign settings and refuses a bad one', () => {
		const scheduler = new PairScheduler({
			images: grid(3, 50),
			comparisons: history,
			strategy: 'adaptive',
			strategySettings: { adaptiveEpsilon: 1 },
			rng: createRng(2)
		});
		expect(scheduler.issue('u', { now: 0 })!.probability).toBeCloseTo(1 / 3, 12);
		expect(() => createStrategy('adaptive', { adaptiveEpsilon: 2 })).toThrow(/adaptiveEpsilon/);
		expect(createStrategy('balanced').name).toBe('balanced');
	});
});
