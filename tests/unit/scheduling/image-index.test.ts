import { describe, expect, it } from 'vitest';
import { createRng, ImageIndex, imagePairKey, type CampaignImage } from '../../../src/lib/scheduling/index.ts';

/** A ragged campaign: some systems miss prompts, some have several images for one prompt. */
function ragged(seed: number, systems: number, prompts: number): CampaignImage[] {
	const rng = createRng(seed);
	const images: CampaignImage[] = [];
	for (let i = 0; i < prompts * systems * 1.2; i++) {
		const p = Math.floor(rng() * prompts);
		const s = Math.floor(rng() * systems);
		images.push({ id: `img${i}`, promptId: `prompt${p}`, systemId: `sys${s}` });
	}
	return images;
}

describe('ImageIndex', () => {
	it('counts comparable pairs per system pair and per prompt like a brute force does', () => {
		const images = ragged(1, 7, 45);
		const index = new ImageIndex(images);
		const supply = new Map<string, number>();
		const shared = new Map<string, Set<string>>();
		let total = 0;
		for (let i = 0; i < images.length; i++) {
			for (let j = i + 1; j < images.length; j++) {
				const [x, y] = [images[i], images[j]];
				if (x.promptId !== y.promptId || x.systemId === y.systemId) continue;
				const key = [x.systemId, y.systemId].sort().join('|');
				supply.set(key, (supply.get(key) ?? 0) + 1);
				shared.set(key, (shared.get(key) ?? new Set()).add(x.promptId));
				total++;
			}
		}
		expect(index.totalCrossPairs).toBe(total);
		for (let pair = 0; pair < index.systemPairCount; pair++) {
			const key = [index.systemIds[index.pairA[pair]], index.systemIds[index.pairB[pair]]].sort().join('|');
			expect(index.pairSupply[pair], key).toBe(supply.get(key) ?? 0);
			expect(index.pairPrompts[pair], key).toBe(shared.get(key)?.size ?? 0);
		}
	});

	it('finds each system’s images per prompt and maps ids both ways', () => {
		const images = ragged(2, 5, 20);
		const index = new ImageIndex(images);
		for (let p = 0; p < index.promptCount; p++) {
			for (let s = 0; s < index.systemCount; s++) {
				const expected = images
					.filter((x) => x.promptId === index.promptIds[p] && x.systemId === index.systemIds[s])
					.map((x) => x.id)
					.sort();
				const at = index.imagesAt(p, s);
				const found = at < 0 ? [] : [...index.sortedImages.subarray(at, index.runEnd[at])].map((i) => index.imageIds[i]);
				expect(found.sort()).toEqual(expected);
			}
		}
		expect(index.imageOf('img3')).toBe(3);
		expect(index.imageOf('missing')).toBe(-1);
		expect(imagePairKey(3, 9)).toBe(imagePairKey(9, 3));
	});

	it('refuses duplicate image ids', () => {
		const image = { id: 'x', promptId: 'p', systemId: 's' };
		expect(() => new ImageIndex([image, { ...image, systemId: 't' }])).toThrow(/duplicate image id x/);
	});
});
