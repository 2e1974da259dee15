import { describe, expect, it } from 'vitest';
import { chooseSpecialPair, createRng } from '../../../src/lib/scheduling/index.ts';

const gold = [{ goldId: 'g1', leftImageId: 'a', rightImageId: 'b' }];
const repeats = Array.from({ length: 10 }, (_, i) => ({ assignmentId: `r${i}`, leftImageId: `l${i}`, rightImageId: `x${i}` }));

describe('gold pairs and hidden repeats', () => {
	it('mixes them in at the set rates', () => {
		const rng = createRng(7);
		const kinds = { gold: 0, repeat: 0, normal: 0 };
		for (let i = 0; i < 20_000; i++) {
			const pick = chooseSpecialPair({ goldRate: 0.05, repeatRate: 0.03, rng, gold, repeats });
			kinds[pick?.kind ?? 'normal']++;
		}
		expect(kinds.gold / 20_000).toBeCloseTo(0.05, 2);
		expect(kinds.repeat / 20_000).toBeCloseTo(0.03, 2);
	});

	it('swaps the sides of a repeat and never repeats one of the last few pairs', () => {
		const rng = createRng(1);
		for (let i = 0; i < 2000; i++) {
			const pick = chooseSpecialPair({ goldRate: 0, repeatRate: 1, rng, gold: [], repeats, minGap: 5 });
			expect(pick?.kind).toBe('repeat');
			const n = Number(pick!.sourceId.slice(1));
			expect(n).toBeLessThan(5);
			expect(pick!.leftImageId).toBe(`x${n}`);
			expect(pick!.rightImageId).toBe(`l${n}`);
		}
	});

	it('gives gold pairs both ways round and nothing when there are no candidates', () => {
		const rng = createRng(3);
		const lefts = new Set<string>();
		for (let i = 0; i < 200; i++) lefts.add(chooseSpecialPair({ goldRate: 1, repeatRate: 0, rng, gold, repeats: [] })!.leftImageId);
		expect([...lefts].sort()).toEqual(['a', 'b']);
		expect(chooseSpecialPair({ goldRate: 1, repeatRate: 0, rng, gold: [], repeats: [] })).toBeNull();
		expect(chooseSpecialPair({ goldRate: 0, repeatRate: 1, rng, gold, repeats: repeats.slice(0, 5), minGap: 5 })).toBeNull();
	});
});
