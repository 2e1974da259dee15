// Immutable, array-based index of a campaign's images: which images each prompt has per system,
// which prompts each system covers, and how many comparable image pairs each system pair has.
// Everything is interned to small integers so the scheduler's hot path allocates nothing.

/** One campaign image as the scheduler needs it (a row of the `image` table). */
export interface CampaignImage {
	id: string;
	promptId: string;
	systemId: string;
}

/** Image pair keys pack two image indices into one number: lo * 2^26 + hi < 2^52. */
const PAIR_KEY_BASE = 2 ** 26;
export const MAX_IMAGES = PAIR_KEY_BASE;

/** Unordered key of two image indices (sides do not matter). */
export function imagePairKey(a: number, b: number): number {
	return a < b ? a * PAIR_KEY_BASE + b : b * PAIR_KEY_BASE + a;
}

function popcount(x: number): number {
	x -= (x >>> 1) & 0x55555555;
	x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
	return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

export class ImageIndex {
	readonly imageIds: readonly string[];
	readonly promptIds: readonly string[];
	readonly systemIds: readonly string[];
	/** Prompt and system index of each image. */
	readonly imagePrompt: Int32Array;
	readonly imageSystem: Int32Array;

	/** Images sorted by (prompt, system); prompt p owns positions [promptStart[p], promptStart[p+1]). */
	readonly sortedImages: Int32Array;
	readonly sortedSystems: Int32Array;
	readonly promptStart: Int32Array;
	/** For each sorted position, the end of its run of images with the same prompt and system. */
	readonly runEnd: Int32Array;

	/** Prompts covered by system s: systemPrompts[systemPromptStart[s] .. systemPromptStart[s+1]), ascending. */
	readonly systemPromptStart: Int32Array;
	readonly systemPrompts: Int32Array;

	/** System pairs: index of (a < b) is pairBase[a] + b; pairA/pairB map back. */
	readonly systemPairCount: number;
	readonly pairA: Int32Array;
	readonly pairB: Int32Array;
	/** Comparable image pairs (same prompt, one image from each system) per system pair. */
	readonly pairSupply: Float64Array;
	/** Prompts where both systems of the pair have an image. */
	readonly pairPrompts: Int32Array;

	/** Cumulative count of cross-system image pairs over prompts, for uniform sampling. */
	readonly promptCrossCumulative: Float64Array;
	readonly totalCrossPairs: number;

	private readonly pairBase: Int32Array;
	private readonly imageIndex: Map<string, number>;
	private readonly promptIndex: Map<string, number>;
	private readonly systemIndex: Map<string, number>;

	constructor(images: readonly CampaignImage[]) {
		const n = images.length;
		if (n > MAX_IMAGES) throw new RangeError(`too many images for one scheduler (${n} > ${MAX_IMAGES})`);
		const imageIds: string[] = new Array(n);
		const promptIds: string[] = [];
		const systemIds: string[] = [];
		this.imageIndex = new Map();
		this.promptIndex = new Map();
		this.systemIndex = new Map();
		this.imagePrompt = new Int32Array(n);
		this.imageSystem = new Int32Array(n);
		// Rows usually arrive grouped by prompt, so remembering the previous prompt and system skips
		// most map lookups.
		let lastPromptId: string | undefined;
		let lastSystemId: string | undefined;
		let p = -1;
		let s = -1;
		for (let i = 0; i < n; i++) {
			const image = images[i];
			this.imageIndex.set(image.id, i);
			if (this.imageIndex.size !== i + 1) throw new Error(`duplicate image id ${image.id}`);
			imageIds[i] = image.id;
			if (image.promptId !== lastPromptId) {
				lastPromptId = image.promptId;
				p = this.promptIndex.get(lastPromptId) ?? -1;
				if (p < 0) {
					p = promptIds.length;
					promptIds.push(lastPromptId);
					this.promptIndex.set(lastPromptId, p);
				}
			}
			if (image.systemId !== lastSystemId) {
				lastSystemId = image.systemId;
				s = this.systemIndex.get(lastSystemId) ?? -1;
				if (s < 0) {
					s = systemIds.length;
					systemIds.push(lastSystemId);
					this.systemIndex.set(lastSystemId, s);
				}
			}
			this.imagePrompt[i] = p;
			this.imageSystem[i] = s;
		}
		this.imageIds = imageIds;
		this.promptIds = promptIds;
		this.systemIds = systemIds;
		const promptCount = promptIds.length;
		const systemCount = systemIds.length;

		// Two stable counting sorts (by system, then by prompt) give (prompt, system) order in O(n).
		const systemStart = new Int32Array(systemCount + 1);
		for (let i = 0; i < n; i++) systemStart[this.imageSystem[i] + 1]++;
		for (let s = 0; s < systemCount; s++) systemStart[s + 1] += systemStart[s];
		const bySystem = new Int32Array(n);
		const cursor = systemStart.slice(0, systemCount);
		for (let i = 0; i < n; i++) bySystem[cursor[this.imageSystem[i]]++] = i;

		this.promptStart = new Int32Array(promptCount + 1);
		for (let i = 0; i < n; i++) this.promptStart[this.imagePrompt[i] + 1]++;
		for (let p = 0; p < promptCount; p++) this.promptStart[p + 1] += this.promptStart[p];
		this.sortedImages = new Int32Array(n);
		this.sortedSystems = new Int32Array(n);
		const promptCursor = this.promptStart.slice(0, promptCount);
		for (let k = 0; k < n; k++) {
			const i = bySystem[k];
			const at = promptCursor[this.imagePrompt[i]]++;
			this.sortedImages[at] = i;
			this.sortedSystems[at] = this.imageSystem[i];
		}

		this.runEnd = new Int32Array(n);
		for (let k = n - 1; k >= 0; k--) {
			const sameRun =
				k + 1 < n &&
				this.sortedSystems[k + 1] === this.sortedSystems[k] &&
				this.imagePrompt[this.sortedImages[k + 1]] === this.imagePrompt[this.sortedImages[k]];
			this.runEnd[k] = sameRun ? this.runEnd[k + 1] : k + 1;
		}

		this.systemPairCount = (systemCount * (systemCount - 1)) / 2;
		this.pairBase = new Int32Array(systemCount);
		this.pairA = new Int32Array(this.systemPairCount);
		this.pairB = new Int32Array(this.systemPairCount);
		for (let a = 0, k = 0; a < systemCount; a++) {
			this.pairBase[a] = a * systemCount - (a * (a + 1)) / 2 - a - 1;
			for (let b = a + 1; b < systemCount; b++, k++) {
				this.pairA[k] = a;
				this.pairB[k] = b;
			}
		}

		// Per prompt: runs of systems give per-system prompt lists, cross-system pair counts, and the
		// prompts where some system has several images (handled pair by pair below).
		this.promptCrossCumulative = new Float64Array(promptCount);
		const promptsPerSystem = new Int32Array(systemCount + 1);
		const words = (promptCount + 31) >>> 5;
		const coverage = new Int32Array(systemCount * words);
		const multiPrompts: number[] = [];
		let cumulative = 0;
		for (let p = 0; p < promptCount; p++) {
			const size = this.promptStart[p + 1] - this.promptStart[p];
			let sameSystemPairs = 0;
			for (let k = this.promptStart[p]; k < this.promptStart[p + 1]; k = this.runEnd[k]) {
				const s = this.sortedSystems[k];
				const run = this.runEnd[k] - k;
				sameSystemPairs += (run * (run - 1)) / 2;
				promptsPerSystem[s + 1]++;
				coverage[s * words + (p >>> 5)] |= 1 << (p & 31);
			}
			if (sameSystemPairs > 0) multiPrompts.push(p);
			cumulative += (size * (size - 1)) / 2 - sameSystemPairs;
			this.promptCrossCumulative[p] = cumulative;
		}
		this.totalCrossPairs = cumulative;

		// Shared prompts per system pair by AND-ing coverage bitsets: O(S² · P / 32) instead of
		// O(P · S²) pair visits. Supply equals shared prompts when each system has one image per prompt.
		this.pairSupply = new Float64Array(this.systemPairCount);
		this.pairPrompts = new Int32Array(this.systemPairCount);
		for (let pair = 0; pair < this.systemPairCount; pair++) {
			const a = this.pairA[pair] * words;
			const b = this.pairB[pair] * words;
			let shared = 0;
			for (let w = 0; w < words; w++) shared += popcount(coverage[a + w] & coverage[b + w]);
			this.pairPrompts[pair] = shared;
			this.pairSupply[pair] = shared;
		}
		for (const p of multiPrompts) {
			const end = this.promptStart[p + 1];
			for (let x = this.promptStart[p]; x < end; x = this.runEnd[x]) {
				const base = this.pairBase[this.sortedSystems[x]];
				const size = this.runEnd[x] - x;
				for (let y = this.runEnd[x]; y < end; y = this.runEnd[y]) {
					this.pairSupply[base + this.sortedSystems[y]] += size * (this.runEnd[y] - y) - 1;
				}
			}
		}

		for (let s = 0; s < systemCount; s++) promptsPerSystem[s + 1] += promptsPerSystem[s];
		this.systemPromptStart = promptsPerSystem;
		this.systemPrompts = new Int32Array(promptsPerSystem[systemCount]);
		const systemCursor = promptsPerSystem.slice(0, systemCount);
		for (let p = 0; p < promptCount; p++) {
			for (let k = this.promptStart[p]; k < this.promptStart[p + 1]; k = this.runEnd[k]) {
				this.systemPrompts[systemCursor[this.sortedSystems[k]]++] = p;
			}
		}
	}

	get imageCount(): number {
		return this.imageIds.length;
	}
	get promptCount(): number {
		return this.promptIds.length;
	}
	get systemCount(): number {
		return this.systemIds.length;
	}

	/** Index of an image id, or -1 when the campaign has no such image. */
	imageOf(id: string): number {
		return this.imageIndex.get(id) ?? -1;
	}
	systemOf(id: string): number {
		return this.systemIndex.get(id) ?? -1;
	}
	promptOf(id: string): number {
		return this.promptIndex.get(id) ?? -1;
	}

	/** Index of the unordered system pair, or -1 for the same system twice. */
	systemPair(a: number, b: number): number {
		if (a === b) return -1;
		return a < b ? this.pairBase[a] + b : this.pairBase[b] + a;
	}

	/** System pair of two images, or -1 when they are not comparable (same system or different prompts). */
	systemPairOfImages(a: number, b: number): number {
		if (this.imagePrompt[a] !== this.imagePrompt[b]) return -1;
		return this.systemPair(this.imageSystem[a], this.imageSystem[b]);
	}

	/** First sorted position of system s's images for prompt p, or -1; the run ends at runEnd[position]. */
	imagesAt(p: number, s: number): number {
		let lo = this.promptStart[p];
		let hi = this.promptStart[p + 1];
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			if (this.sortedSystems[mid] < s) lo = mid + 1;
			else hi = mid;
		}
		return lo < this.promptStart[p + 1] && this.sortedSystems[lo] === s ? lo : -1;
	}

	/** Prompt whose cross-pair range contains `r` in [0, totalCrossPairs). */
	promptAtCrossRank(r: number): number {
		const cum = this.promptCrossCumulative;
		let lo = 0;
		let hi = cum.length - 1;
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			if (cum[mid] <= r) lo = mid + 1;
			else hi = mid;
		}
		return lo;
	}
}
