import type { CampaignImage } from '../../../src/lib/scheduling/index.ts';

/** Images `p<prompt>-s<system>` for every prompt × system, minus those `skip` rejects. */
export function grid(systems: number, prompts: number, skip: (prompt: number, system: number) => boolean = () => false): CampaignImage[] {
	const images: CampaignImage[] = [];
	for (let p = 0; p < prompts; p++) {
		for (let s = 0; s < systems; s++) {
			if (!skip(p, s)) images.push({ id: `p${p}-s${s}`, promptId: `p${p}`, systemId: `s${s}` });
		}
	}
	return images;
}

/** Unordered key of two image ids, for "same pair regardless of sides" checks. */
export function pairKey(a: string, b: string): string {
	return a < b ? `${a}|${b}` : `${b}|${a}`;
}
