// Small seeded random number generator so scheduling is reproducible in tests and benchmarks.

/** A source of uniform numbers in [0, 1), like `Math.random`. */
export type Rng = () => number;

/** FNV-1a over the string's UTF-16 code units: turns a text seed into a 32-bit one. */
function hashSeed(seed: string): number {
	let h = 0x811c9dc5;
	for (let i = 0; i < seed.length; i++) {
		h ^= seed.charCodeAt(i);
		h = Math.imul(h, 0x01000193);
	}
	return h >>> 0;
}

/**
 * mulberry32: 32 bits of state, full period 2^32, passes the usual smoke tests — plenty for picking
 * pairs and sides. The same seed always yields the same sequence.
 */
export function createRng(seed: number | string): Rng {
	let state = (typeof seed === 'string' ? hashSeed(seed) : Math.trunc(seed)) >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** An integer in [0, n) from `rng`; n must be a positive integer. */
export function randomInt(rng: Rng, n: number): number {
	return Math.floor(rng() * n);
}
