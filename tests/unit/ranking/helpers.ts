// Test helpers: a seeded battle generator with a known Bradley–Terry truth, and captured CLI io.

import { Readable, Writable } from 'node:stream';
import type { CommandIO } from '../../../src/lib/cli/command.ts';
import { createRng } from '../../../src/lib/scheduling/rng.ts';

export const FIXTURES = new URL('../../fixtures/ranking/', import.meta.url).pathname;

/** mulberry32: a small generator independent of the engine's own. */
export function mulberry32(seed: number): () => number {
	return createRng(seed);
}

export function normal(rand: () => number): number {
	return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

export interface Battle {
	a: string;
	b: string;
	winner: 'model_a' | 'model_b' | 'tie' | 'tie (bothbad)';
}

/**
 * n battles between uniformly drawn pairs. Outcomes follow gen_synthetic.py: P(tie) = min(tie, 2·min(p, 1−p))
 * and P(a wins) = p − tie/2, so E[score of a] = p exactly and the 'half' estimator targets `truth`.
 */
export function generateBattles(truth: number[], n: number, rand: () => number, tie = 0.2): Battle[] {
	const k = truth.length;
	const out: Battle[] = [];
	for (let r = 0; r < n; r++) {
		const i = Math.floor(rand() * k);
		const j = (i + 1 + Math.floor(rand() * (k - 1))) % k;
		const p = 1 / (1 + Math.pow(10, (truth[j] - truth[i]) / 400));
		const t = Math.min(tie, 2 * Math.min(p, 1 - p));
		const u = rand();
		const winner = u < p - t / 2 ? 'model_a' : u < 1 - t ? 'model_b' : rand() < 0.7 ? 'tie (bothbad)' : 'tie';
		out.push({ a: `s${i}`, b: `s${j}`, winner });
	}
	return out;
}

/** Ratings with mean 1000 drawn around it. */
export function randomTruth(k: number, rand: () => number, sd = 120): number[] {
	const r = Array.from({ length: k }, () => 1000 + sd * normal(rand));
	const mean = r.reduce((s, x) => s + x, 0) / k;
	return r.map((x) => x - mean + 1000);
}

export function toCsv(battles: Battle[]): string {
	return 'model_a,model_b,winner\n' + battles.map((b) => `${b.a},${b.b},${b.winner}`).join('\n') + '\n';
}

export function captureIO(stdin: string | Buffer = ''): { io: CommandIO; out: () => string; err: () => string } {
	let out = '';
	let err = '';
	const sink = (append: (s: string) => void) =>
		new Writable({
			write(chunk, _enc, cb) {
				append(chunk.toString());
				cb();
			}
		});
	return {
		io: { stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)), stdin: Readable.from([Buffer.from(stdin)]) },
		out: () => out,
		err: () => err
	};
}
