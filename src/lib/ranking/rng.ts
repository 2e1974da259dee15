// Seeded random numbers for the bootstrap: xoshiro128** streams, one per round, seeded by splitmix32.
//
// Every function lives inside one dependency-free factory so that its source text can be shipped to
// worker threads as is (see worker-source.ts): nothing here may refer to anything outside the factory.

export function rngKernel() {
	/** murmur3's 32-bit finaliser: a bijective avalanche mix, used to derive independent seeds. */
	function fmix32(h: number): number {
		h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
		h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
		return (h ^ (h >>> 16)) >>> 0;
	}

	/**
	 * State of round `stream` for a user seed (a non-negative safe integer). Each round gets its own
	 * stream so that results do not depend on how rounds are split between workers.
	 * base = fmix32(fmix32(fmix32(seedLo) ^ seedHi) ^ stream); state[k] = splitmix32 outputs from base.
	 */
	function seedStream(state: Uint32Array, seed: number, stream: number): void {
		const lo = seed >>> 0;
		const hi = Math.floor(seed / 4294967296) >>> 0;
		let z = fmix32(fmix32(fmix32(lo) ^ hi) ^ (stream >>> 0));
		for (let k = 0; k < 4; k++) {
			z = (z + 0x9e3779b9) >>> 0;
			state[k] = fmix32(z);
		}
		// xoshiro's only forbidden state; astronomically unlikely but cheap to rule out
		if ((state[0] | state[1] | state[2] | state[3]) === 0) state[0] = 1;
	}

	/** xoshiro128** (Blackman & Vigna 2018): next 32-bit output as an unsigned integer. */
	function nextU32(s: Uint32Array): number {
		const s0 = s[0];
		const s1 = s[1];
		let s2 = s[2];
		let s3 = s[3];
		const r1 = Math.imul(s1, 5);
		const result = Math.imul((r1 << 7) | (r1 >>> 25), 9) >>> 0;
		const t = s1 << 9;
		s2 ^= s0;
		s3 ^= s1;
		s[1] = s1 ^ s2;
		s[0] = s0 ^ s3;
		s[2] = s2 ^ t;
		s[3] = (s3 << 11) | (s3 >>> 21);
		return result;
	}

	/** Uniform double in [0, 1) with 53 random bits (two outputs, like numpy's random_standard_uniform). */
	function nextDouble(s: Uint32Array): number {
		const a = nextU32(s) >>> 5;
		const b = nextU32(s) >>> 6;
		return (a * 67108864 + b) / 9007199254740992;
	}

	return { fmix32, seedStream, nextU32, nextDouble };
}

export type RngKernel = ReturnType<typeof rngKernel>;
