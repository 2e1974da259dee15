// A simulated campaign with evaluators of known behaviour, for the end-to-end quality tests.

import type { Choice, GoldExpectation, VoteRecord, WinProbability } from '../../../src/lib/quality/index.ts';
// mulberry32, the scheduler's seeded generator: independent of the ranking engine's xoshiro
import { createRng } from '../../../src/lib/scheduling/rng.ts';

export function mulberry32(seed: number): () => number {
	return createRng(seed);
}

export type Behaviour = 'careful' | 'always_left' | 'random_fast' | 'paster';

export interface SimulationOptions {
	seed: number;
	evaluators: { id: string; behaviour: Behaviour }[];
	systems?: number;
	prompts?: number;
	/** shared pool of image pairs; each evaluator judges `perEvaluator` of them */
	pool?: number;
	perEvaluator?: number;
	goldPairs?: number;
	repeats?: number;
}

export interface Simulation {
	votes: VoteRecord[];
	gold: GoldExpectation[];
	predict: WinProbability;
	/** true quality of each image (the hidden ordering) */
	quality: Map<string, number>;
}

const NOUNS = (
	'sky tree cat dog face eyes fur water reflection mountain road car building window cloud flower grass ' +
	'shadow horizon texture skin hair sweater table cup bridge river sunset lamp street crowd bird wing ' +
	'beach wave boat forest leaves fence door roof statue'
).split(' ');
const SUBJECTS = ['The {s} image', 'The {s} one', 'The {s} picture', 'The image on the {s}', 'The {s} version'];
const PRAISE = [
	'is sharper',
	'has cleaner lines',
	'looks more realistic',
	'follows the prompt better',
	'has better lighting',
	'is more detailed',
	'has more natural colours',
	'is better composed',
	'renders the textures more faithfully',
	'is more coherent'
];
const DETAIL = [
	'especially the {n}',
	'around the {n} and the {n}',
	'in how it draws the {n}',
	'mostly in the {n}',
	'with a convincing {n} and {n}'
];
const DEFECTS = ['has artifacts on the {n}', 'shows a distorted {n}', 'makes the {n} blurry', 'gets the {n} wrong', 'has a muddy {n}'];

function fill(template: string, side: string, rng: () => number): string {
	return template.replace(/\{s\}/g, side).replace(/\{n\}/g, () => NOUNS[Math.floor(rng() * NOUNS.length)]);
}
const pickOne = <T>(list: readonly T[], rng: () => number) => list[Math.floor(rng() * list.length)];

/** A varied rationale that argues for `choice` (decisive) or describes a tie / both bad. */
export function variedRationale(choice: Choice, rng: () => number): string {
	if (choice === 'tie') return fill(`Hard to separate them; both handle the {n} and the {n} about equally.`, '', rng);
	if (choice === 'both_bad') return fill(`Neither image gets the {n} right, and the {n} is off in both.`, '', rng);
	const other = choice === 'left' ? 'right' : 'left';
	let text = `${fill(pickOne(SUBJECTS, rng), choice, rng)} ${pickOne(PRAISE, rng)}, ${fill(pickOne(DETAIL, rng), choice, rng)}.`;
	if (rng() < 0.6) text += ` The ${other} one ${fill(pickOne(DEFECTS, rng), other, rng)}.`;
	return text;
}

export function simulateCampaign(options: SimulationOptions): Simulation {
	const rng = mulberry32(options.seed);
	const systems = options.systems ?? 8;
	const prompts = options.prompts ?? 80;
	const poolSize = options.pool ?? 160;
	const perEvaluator = options.perEvaluator ?? 130;
	const goldCount = options.goldPairs ?? 10;
	const repeatCount = options.repeats ?? 10;

	const strength = Array.from({ length: systems }, (_, s) => -1.5 + (3 * s) / (systems - 1));
	const systemOf = new Map<string, string>();
	const quality = new Map<string, number>();
	const gauss = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
	for (let p = 0; p < prompts; p++) {
		for (let s = 0; s < systems; s++) {
			const id = `p${p}-s${s}`;
			systemOf.set(id, `s${s}`);
			quality.set(id, strength[s] + 0.5 * gauss());
		}
	}
	const randomPair = (): [string, string] => {
		const p = Math.floor(rng() * prompts);
		const a = Math.floor(rng() * systems);
		let b = Math.floor(rng() * (systems - 1));
		if (b >= a) b++;
		return [`p${p}-s${a}`, `p${p}-s${b}`];
	};
	const seen = new Set<string>();
	const pool: [string, string][] = [];
	while (pool.length < poolSize) {
		const [a, b] = randomPair();
		const key = a < b ? a + b : b + a;
		if (seen.has(key)) continue;
		seen.add(key);
		pool.push([a, b]);
	}
	// gold pairs: a clear quality gap, defined in a random orientation, expected = the better image
	const gold: GoldExpectation[] = [];
	while (gold.length < goldCount) {
		const [a, b] = randomPair();
		const key = a < b ? a + b : b + a;
		if (seen.has(key) || Math.abs(quality.get(a)! - quality.get(b)!) < 1) continue;
		seen.add(key);
		gold.push({ leftImageId: a, rightImageId: b, expected: quality.get(a)! > quality.get(b)! ? 'left' : 'right' });
	}

	const votes: VoteRecord[] = [];
	let clock = 1_700_000_000_000;
	for (const evaluator of options.evaluators) {
		const judge = (left: string, right: string): Choice => {
			const gap = quality.get(left)! - quality.get(right)!;
			switch (evaluator.behaviour) {
				case 'always_left':
					return 'left';
				case 'random_fast': {
					const r = rng();
					return r < 0.05 ? 'tie' : r < 0.525 ? 'left' : 'right';
				}
				default: {
					if (Math.abs(gap) < 0.05 && rng() < 0.5) return 'tie';
					const better = gap > 0 ? 'left' : 'right';
					return rng() < 0.96 ? better : better === 'left' ? 'right' : 'left';
				}
			}
		};
		const rationale = (choice: Choice): string => {
			switch (evaluator.behaviour) {
				case 'paster':
					return rng() < 0.5 ? 'I think this one is better overall.' : 'I think this one is better overall';
				case 'random_fast': {
					// writes something plausible but unrelated to the click
					const r = rng();
					return variedRationale(r < 0.5 ? 'left' : 'right', rng);
				}
				default:
					return variedRationale(choice, rng);
			}
		};
		const seconds = (): number => {
			switch (evaluator.behaviour) {
				case 'random_fast':
					return 0.4 + 1.5 * rng();
				case 'always_left':
					return 4 + 11 * rng();
				default:
					return 5 + 15 * rng();
			}
		};
		const order = pool
			.map((p) => ({ p, r: rng() }))
			.sort((x, y) => x.r - y.r)
			.slice(0, perEvaluator)
			.map((x) => x.p);
		const shown: { left: string; right: string; kind: VoteRecord['kind'] }[] = order.map(([a, b]) =>
			rng() < 0.5 ? { left: a, right: b, kind: 'normal' } : { left: b, right: a, kind: 'normal' }
		);
		for (const g of gold) {
			const at = Math.floor(rng() * shown.length);
			const swap = rng() < 0.5;
			shown.splice(at, 0, { left: swap ? g.rightImageId : g.leftImageId, right: swap ? g.leftImageId : g.rightImageId, kind: 'gold' });
		}
		// hidden repeats: earlier normal pairs, later, with sides swapped
		const normals = shown.filter((s) => s.kind === 'normal');
		for (let i = 0; i < repeatCount; i++) {
			const earlier = normals[i * 3];
			shown.push({ left: earlier.right, right: earlier.left, kind: 'repeat' });
		}
		for (const s of shown) {
			const choice = judge(s.left, s.right);
			const ms = Math.round(seconds() * 1000);
			clock += ms + 500;
			const n = votes.length;
			votes.push({
				id: `${evaluator.id}-${n}`,
				userId: evaluator.id,
				leftImageId: s.left,
				rightImageId: s.right,
				leftSystemId: systemOf.get(s.left)!,
				rightSystemId: systemOf.get(s.right)!,
				choice,
				rationale: rationale(choice),
				activeMs: ms,
				submittedAt: clock,
				kind: s.kind,
				status: 'counted',
				assignmentId: `as-${n}`
			});
		}
	}
	const strengthOf = (system: string) => strength[Number(system.slice(1))];
	const predict: WinProbability = (a, b) => 1 / (1 + Math.exp(-(strengthOf(a) - strengthOf(b))));
	return { votes, gold, predict, quality };
}
