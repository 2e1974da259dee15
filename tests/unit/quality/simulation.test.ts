// Simulated evaluators of known behaviour on generated campaigns: each problem evaluator is flagged for
// its own reason, careful ones are not flagged at all, and the per-vote risk and alpha point the same way.
import { describe, expect, it } from 'vitest';
import { assessQuality, campaignAlpha, type FlagCode } from '../../../src/lib/quality/index.ts';
import { simulateCampaign, type Behaviour } from './simulate.ts';

const EVALUATORS: { id: string; behaviour: Behaviour }[] = [
	{ id: 'careful-1', behaviour: 'careful' },
	{ id: 'careful-2', behaviour: 'careful' },
	{ id: 'careful-3', behaviour: 'careful' },
	{ id: 'careful-4', behaviour: 'careful' },
	{ id: 'lefty', behaviour: 'always_left' },
	{ id: 'clicker', behaviour: 'random_fast' },
	{ id: 'paster', behaviour: 'paster' }
];
const EXPECTED: Record<Behaviour, FlagCode | null> = {
	careful: null,
	always_left: 'side_bias',
	random_fast: 'too_fast',
	paster: 'duplicate_rationales'
};

describe.each([1, 2, 3, 4, 5])('simulated campaign, seed %i', (seed) => {
	const sim = simulateCampaign({ seed, evaluators: EVALUATORS });
	const report = assessQuality(sim.votes, { gold: sim.gold, predict: sim.predict });
	const get = (id: string) => report.evaluators.find((e) => e.userId === id)!;

	it('flags each problem evaluator for its reason and no careful one', () => {
		for (const { id, behaviour } of EVALUATORS) {
			const e = get(id);
			const codes = e.reasons.map((r) => r.code);
			if (EXPECTED[behaviour] === null) expect({ id, codes }).toEqual({ id, codes: [] });
			else expect(codes, id).toContain(EXPECTED[behaviour]);
			expect(e.flagged).toBe(e.reasons.length > 0);
		}
		// the paster is careful otherwise: only the copy-paste shows
		expect(get('paster').reasons.map((r) => r.code)).toEqual(['duplicate_rationales']);
		// the clicker writes rationales that argue for a random side
		expect(get('clicker').reasons.map((r) => r.code)).toContain('rationale_contradictions');
	});

	it('measures what each behaviour does', () => {
		const careful = get('careful-1').metrics;
		expect(careful.gold.accuracy!).toBeGreaterThanOrEqual(0.8);
		expect(careful.repeats.flipRate!).toBeLessThanOrEqual(0.3);
		expect(careful.agreement.rate!).toBeGreaterThan(0.75);
		expect(careful.predicted.rate!).toBeGreaterThan(0.65);
		expect(careful.time.medianSeconds!).toBeGreaterThan(5);
		expect(careful.rationale.contradictions).toBe(0);
		const lefty = get('lefty').metrics;
		expect(lefty.side.leftRate).toBe(1);
		expect(lefty.side.pValue!).toBeLessThan(1e-30);
		// a hidden repeat swaps the sides, so always-left picks the other image every time
		expect(lefty.repeats.flipRate).toBe(1);
		expect(lefty.repeats.sameSideFlips).toBe(lefty.repeats.matched);
		const clicker = get('clicker').metrics;
		expect(clicker.time.tooFastShare).toBe(1);
		expect(clicker.agreement.rate!).toBeLessThan(careful.agreement.rate!);
		expect(get('paster').metrics.rationale.nearDuplicateShare).toBe(1);
	});

	it('puts problem votes at the top of the audit queue', () => {
		// careful evaluators cast 4/7 of the votes but few of the riskiest 100
		const top = report.votes.slice(0, 100);
		const careful = top.filter((r) => r.userId.startsWith('careful')).length;
		expect(careful).toBeLessThan(15);
		const all = report.votes.filter((r) => r.userId.startsWith('careful'));
		const meanCareful = all.reduce((s, r) => s + r.score, 0) / all.length;
		const clicker = report.votes.filter((r) => r.userId === 'clicker');
		const meanClicker = clicker.reduce((s, r) => s + r.score, 0) / clicker.length;
		expect(meanClicker).toBeGreaterThan(meanCareful + 0.3);
	});

	it('agrees more among careful evaluators than among everyone', () => {
		// ~92% raw agreement; alpha is lower than that because the simulated image ids sort the weaker system
		// first, so 'second image wins' dominates and chance agreement is high (real image ids are random)
		const carefulOnly = campaignAlpha(sim.votes.filter((v) => v.userId.startsWith('careful')));
		expect(carefulOnly.alpha!).toBeGreaterThan(0.5);
		expect(report.agreement.alpha!).toBeLessThan(carefulOnly.alpha!);
		expect(report.agreement.units).toBeGreaterThan(100);
	});
});
