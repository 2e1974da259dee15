import { describe, expect, it } from 'vitest';
import {
	findNearDuplicates,
	jaccard,
	normalizeRationale,
	rationaleSimilarity,
	shingles,
	type NearDuplicateItem
} from '../../../src/lib/quality/index.ts';
import { mulberry32 } from './simulate.ts';

describe('normalization and shingles', () => {
	it('folds case, punctuation and spacing', () => {
		expect(normalizeRationale('  The LEFT image — sharper!!\n')).toBe('the left image sharper');
		expect(normalizeRationale('Ｌｅｆｔ')).toBe('left');
		expect(normalizeRationale('...')).toBe('');
	});

	it('makes character 4-grams, and one shingle of a short text', () => {
		expect([...shingles('left is', 4)]).toEqual(['left', 'eft ', 'ft i', 't is']);
		expect([...shingles('ok', 4)]).toEqual(['ok']);
		expect(shingles('', 4).size).toBe(0);
	});

	it('computes Jaccard similarity by hand-checked examples', () => {
		expect(jaccard(new Set('abcde'), new Set('abcd'))).toBe(0.8);
		expect(jaccard(new Set('ab'), new Set('cd'))).toBe(0);
		// 12 and 13 four-grams, 9 shared ("t is", " is ", "is s", "s sh", " sha", "shar", "harp", "arpe", "rper")
		expect(rationaleSimilarity('Left is sharper.', 'right is sharper')).toBe(9 / 16);
		expect(rationaleSimilarity('Left is sharper.', 'left IS sharper')).toBe(1);
	});
});

/** Brute force: all pairs, the same definition. */
function bruteForce(items: NearDuplicateItem[], t: number, k: number) {
	const sets = items.map((x) => shingles(normalizeRationale(x.text), k));
	return items.map((x, i) => {
		let same = false;
		let other = false;
		for (let j = 0; j < items.length; j++) {
			if (j === i || sets[i].size === 0 || sets[j].size === 0) continue;
			if (jaccard(sets[i], sets[j]) >= t) {
				if (items[j].owner === x.owner) same = true;
				else other = true;
			}
		}
		return { same, other };
	});
}

describe('findNearDuplicates', () => {
	it('matches at exactly the threshold (no floating-point miss at 12/15 = 0.8)', () => {
		const items = [
			{ text: 'abcdefghijklmno', owner: 'a' },
			{ text: 'abcdefghijkl', owner: 'a' },
			{ text: 'abcdefghijk', owner: 'b' }
		];
		// single-character shingles: J(0,1) = 12/15 = 0.8, J(0,2) = 11/15, J(1,2) = 11/12
		const result = findNearDuplicates(items, { shingleSize: 1, threshold: 0.8 });
		expect(result).toEqual([
			{ sameOwner: 1, otherOwner: -1 },
			{ sameOwner: 0, otherOwner: 2 },
			{ sameOwner: -1, otherOwner: 1 }
		]);
	});

	it('groups identical texts, points at another item, and ignores empty ones', () => {
		const items = [
			{ text: 'Looks better to me.', owner: 'u1' },
			{ text: 'looks better to me', owner: 'u1' },
			{ text: 'LOOKS BETTER TO ME!!', owner: 'u2' },
			{ text: '', owner: 'u1' },
			{ text: '  ?', owner: 'u1' },
			{ text: 'completely different words here', owner: 'u1' }
		];
		const result = findNearDuplicates(items);
		expect(result[0]).toEqual({ sameOwner: 1, otherOwner: 2 });
		expect(result[1]).toEqual({ sameOwner: 0, otherOwner: 2 });
		expect(result[2]).toEqual({ sameOwner: -1, otherOwner: 0 });
		expect(result.slice(3)).toEqual([
			{ sameOwner: -1, otherOwner: -1 },
			{ sameOwner: -1, otherOwner: -1 },
			{ sameOwner: -1, otherOwner: -1 }
		]);
	});

	it('agrees with brute force on random texts with planted near-duplicates', () => {
		const rng = mulberry32(7);
		const words =
			'sharp blurry left right image colour detail prompt hands face sky tree cat dog light shadow texture clean noisy real'.split(' ');
		const pick = () => words[Math.floor(rng() * words.length)];
		for (const [threshold, k] of [
			[0.8, 4],
			[0.6, 3],
			[0.9, 4],
			[0.5, 2]
		] as const) {
			const items: NearDuplicateItem[] = [];
			for (let i = 0; i < 400; i++) {
				const owner = `u${Math.floor(rng() * 4)}`;
				if (items.length > 0 && rng() < 0.4) {
					// mutate an earlier text: change, drop or add one word
					const base = items[Math.floor(rng() * items.length)].text.split(' ');
					const at = Math.floor(rng() * base.length);
					const r = rng();
					if (r < 0.33) base[at] = pick();
					else if (r < 0.66 && base.length > 2) base.splice(at, 1);
					else base.splice(at, 0, pick());
					items.push({ text: base.join(' '), owner });
				} else {
					items.push({ text: Array.from({ length: 3 + Math.floor(rng() * 10) }, pick).join(' '), owner });
				}
			}
			const got = findNearDuplicates(items, { threshold, shingleSize: k });
			const want = bruteForce(items, threshold, k);
			const sets = items.map((x) => shingles(normalizeRationale(x.text), k));
			got.forEach((g, i) => {
				expect({ i, same: g.sameOwner !== -1, other: g.otherOwner !== -1 }).toEqual({ i, ...want[i] });
				// the partners named are real near-duplicates with the right ownership
				if (g.sameOwner !== -1) {
					expect(g.sameOwner).not.toBe(i);
					expect(items[g.sameOwner].owner).toBe(items[i].owner);
					expect(jaccard(sets[i], sets[g.sameOwner])).toBeGreaterThanOrEqual(threshold);
				}
				if (g.otherOwner !== -1) {
					expect(items[g.otherOwner].owner).not.toBe(items[i].owner);
					expect(jaccard(sets[i], sets[g.otherOwner])).toBeGreaterThanOrEqual(threshold);
				}
			});
			expect(want.some((w) => w.same) && want.some((w) => !w.same && !w.other)).toBe(true);
		}
	});

	it('handles one rationale pasted thousands of times', () => {
		const items = Array.from({ length: 5000 }, (_, i) => ({
			text: i % 2 ? 'Better overall quality.' : `Better overall quality ${i}`,
			owner: 'paster'
		}));
		const result = findNearDuplicates(items);
		expect(result.every((r) => r.sameOwner !== -1 && r.otherOwner === -1)).toBe(true);
	});

	it('rejects a meaningless threshold or shingle size', () => {
		expect(() => findNearDuplicates([], { threshold: 0 })).toThrow(RangeError);
		expect(() => findNearDuplicates([], { threshold: 1.5 })).toThrow(RangeError);
		expect(() => findNearDuplicates([], { shingleSize: 0 })).toThrow(RangeError);
	});
});
