import { describe, expect, it } from 'vitest';
import { createRng, PairScheduler, type CampaignImage } from '../../../src/lib/scheduling/index.ts';
import {
	adfUpdate,
	asapReferenceStrategy,
	expectedInformationGain,
	minimumSpanningTree,
	normalCdf
} from '../../../src/lib/scheduling/reference/asap.ts';

// Hand values: two systems with mean 0 and variance 1: c² = 1 + 1 + 1 = 3, t = 0,
// v = φ(0)/Φ(0) = 2/√(2π) = √(2/π), w = v² = 2/π; the winner's mean moves by v/√3 = √(2/(3π)), both
// variances become 1 − (2/π)/3. Each coordinate's KL is ½[log(1/v') + v' + m'² − 1] where
// v' + m'² = 1 − 2/(3π) + 2/(3π) = 1, so the pair's KL is −log(1 − 2/(3π)) = −log 0.787793 = 0.238519, whichever side wins.
describe('ASAP reference (bench only)', () => {
	it('normal cdf', () => {
		expect(normalCdf(0)).toBeCloseTo(0.5, 7);
		expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
		expect(normalCdf(-1)).toBeCloseTo(0.158655254, 6);
	});

	it('one TrueSkill step from N(0, 1) vs N(0, 1)', () => {
		const [mw, vw, ml, vl] = adfUpdate(0, 1, 0, 1);
		expect(mw).toBeCloseTo(Math.sqrt(2 / (3 * Math.PI)), 6);
		expect(ml).toBeCloseTo(-Math.sqrt(2 / (3 * Math.PI)), 6);
		expect(vw).toBeCloseTo(1 - 2 / (3 * Math.PI), 6);
		expect(vl).toBeCloseTo(1 - 2 / (3 * Math.PI), 6);
	});

	it('expected information gain of an even pair against the hand value, and a decided pair gains less', () => {
		expect(expectedInformationGain(0, 1, 0, 1)).toBeCloseTo(-Math.log(1 - 2 / (3 * Math.PI)), 6);
		expect(-Math.log(1 - 2 / (3 * Math.PI))).toBeCloseTo(0.238519, 5);
		expect(expectedInformationGain(3, 1, 0, 1)).toBeLessThan(expectedInformationGain(0.5, 1, 0, 1));
		// more uncertainty, more to learn
		expect(expectedInformationGain(0, 0.1, 0, 0.1)).toBeLessThan(expectedInformationGain(0, 1, 0, 1));
	});

	it('minimum spanning tree of a small hand graph', () => {
		// 0–1: 1, 1–2: 2, 0–2: 4, 2–3: 3, 0–3: 10, 1–3: 5 → tree 0–1, 1–2, 2–3 (cost 6)
		const w: Record<string, number> = { '0,1': 1, '1,2': 2, '0,2': 4, '2,3': 3, '0,3': 10, '1,3': 5 };
		const cost = (a: number, b: number) => w[`${Math.min(a, b)},${Math.max(a, b)}`];
		expect(minimumSpanningTree(4, cost)).toEqual([
			[0, 1],
			[1, 2],
			[2, 3]
		]);
		// a node without edges is left out
		expect(minimumSpanningTree(3, (a, b) => (a === 2 || b === 2 ? Infinity : 1))).toEqual([[0, 1]]);
	});

	it('hands out a spanning tree first, then favours close pairs once outcomes are in', () => {
		const images: CampaignImage[] = [];
		for (let p = 0; p < 30; p++) for (let s = 0; s < 4; s++) images.push({ id: `${p}:${s}`, promptId: `p${p}`, systemId: `s${s}` });
		const scheduler = new PairScheduler({ images, strategy: asapReferenceStrategy('mst'), rng: createRng('asap'), now: 0, leaseMs: 1e15 });
		const systemsOf = (lease: { leftImageId: string; rightImageId: string }) =>
			[Number(lease.leftImageId.split(':')[1]), Number(lease.rightImageId.split(':')[1])].sort().join('-');
		// the first tree (all EIGs equal) spans the 4 systems in 3 pairs
		const first = [0, 1, 2].map((k) => scheduler.issue(`e${k}`, { now: 0 })!);
		const nodes = new Set(first.flatMap((l) => systemsOf(l).split('-')));
		expect(nodes.size).toBe(4);
		// s0 always beats everyone, s1–s3 tie-free coin flips among themselves: later trees avoid s0
		const rng = createRng('outcomes');
		const counts = new Map<string, number>();
		for (let k = 0; k < 300; k++) {
			const lease = scheduler.issue('e0', { now: 0 });
			if (!lease) break;
			const [l, r] = [lease.leftImageId, lease.rightImageId].map((id) => Number(id.split(':')[1]));
			const choice = l === 0 ? 'left' : r === 0 ? 'right' : rng() < 0.5 ? 'left' : 'right';
			scheduler.recordVote({
				assignmentId: lease.id,
				userId: 'e0',
				leftImageId: lease.leftImageId,
				rightImageId: lease.rightImageId,
				choice
			});
			if (k >= 100) counts.set(systemsOf(lease), (counts.get(systemsOf(lease)) ?? 0) + 1);
		}
		const withTop = ['0-1', '0-2', '0-3'].reduce((s, k) => s + (counts.get(k) ?? 0), 0);
		expect(withTop).toBeLessThan(60);
	});
});
