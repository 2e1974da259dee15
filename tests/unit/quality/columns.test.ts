// The columnar path (columns.ts, what the server runs at scale) against the record path (assessQuality,
// the reference the other tests check by hand): the same evaluators, flags, alpha and per-vote risks, on
// generated campaigns with gold pairs, hidden repeats, rejected votes, ties, untimed votes and pasted
// rationales.
import { describe, expect, it } from 'vitest';
import {
	assessQuality,
	assessQualityColumns,
	columnarToReport,
	columnsFromRecords,
	duplicateColumns,
	resolveThresholds,
	VoteColumnsBuilder,
	type VoteRecord
} from '../../../src/lib/quality/index.ts';
import { mulberry32, simulateCampaign, type Behaviour } from './simulate.ts';

const EVALUATORS: { id: string; behaviour: Behaviour }[] = [
	{ id: 'careful-1', behaviour: 'careful' },
	{ id: 'careful-2', behaviour: 'careful' },
	{ id: 'careful-3', behaviour: 'careful' },
	{ id: 'lefty', behaviour: 'always_left' },
	{ id: 'clicker', behaviour: 'random_fast' },
	{ id: 'paster', behaviour: 'paster' }
];

/** Rejects some votes, drops some active times and makes some ties: states the simulation does not make. */
function roughen(votes: VoteRecord[], seed: number): VoteRecord[] {
	const rng = mulberry32(seed);
	return votes.map((v) => {
		const r = rng();
		if (r < 0.05) return { ...v, status: 'rejected' as const };
		if (r < 0.08) return { ...v, activeMs: null };
		if (r < 0.11) return { ...v, choice: 'tie' as const };
		if (r < 0.13) return { ...v, choice: 'both_bad' as const };
		return v;
	});
}

describe.each([1, 2, 3, 4])('columnar quality equals the record path, seed %i', (seed) => {
	const sim = simulateCampaign({ seed, evaluators: EVALUATORS, repeats: 15, goldPairs: 12 });
	const votes = roughen(sim.votes, seed + 100);

	it('gives the same report', () => {
		const options = { gold: sim.gold, predict: sim.predict };
		const expected = assessQuality(votes, options);
		const columns = columnsFromRecords(votes);
		const actual = columnarToReport(assessQualityColumns(columns, options), columns);
		expect(actual).toEqual(expected);
		// rich enough to compare: flags, alpha, and every kind of risk reason but none missing
		expect(expected.evaluators.some((e) => e.flagged)).toBe(true);
		expect(expected.agreement.alpha).not.toBeNull();
		const codes = new Set(expected.votes.flatMap((v) => v.reasons.map((r) => r.code)));
		expect([...codes].sort()).toEqual(['contradiction', 'disagreement', 'duplicate_others', 'duplicate_own', 'gold_miss', 'too_fast']);
		expect(expected.evaluators.some((e) => e.metrics.repeats.matched > 0)).toBe(true);
	});

	it('gives the same report with the rationale stances kept between reports (the worker keeps them) while votes change', () => {
		const options = { gold: sim.gold, predict: sim.predict };
		const sides = new Map<string, 'left' | 'right' | null>();
		const before = votes.slice(0, Math.floor(votes.length / 2));
		const first = columnsFromRecords(before);
		expect(columnarToReport(assessQualityColumns(first, { ...options, stanceSides: sides }), first)).toEqual(
			assessQuality(before, options)
		);
		expect(sides.size).toBeGreaterThan(0);
		// later: more votes, some earlier ones gone (undone) and some flipped to the other side with the same text
		const after = votes
			.filter((_, i) => i % 5 !== 3)
			.map((v, i) => (i % 7 === 0 && v.choice === 'left' ? { ...v, choice: 'right' as const } : v));
		const second = columnsFromRecords(after);
		expect(columnarToReport(assessQualityColumns(second, { ...options, stanceSides: sides }), second)).toEqual(
			assessQuality(after, options)
		);
	});

	it('gives the same report with the near-duplicates computed elsewhere (on a thread of their own) and passed in', () => {
		const options = { gold: sim.gold, predict: sim.predict };
		const columns = columnsFromRecords(votes);
		const duplicates = duplicateColumns(columns, resolveThresholds());
		expect(duplicates.own.some((d) => d !== -1) && duplicates.others.some((d) => d !== -1)).toBe(true);
		expect(columnarToReport(assessQualityColumns(columns, { ...options, duplicates }), columns)).toEqual(assessQuality(votes, options));
		// none known (the join still running): the same report without any near-duplicate reason
		const none = { own: new Int32Array(votes.length).fill(-1), others: new Int32Array(votes.length).fill(-1) };
		const without = columnarToReport(assessQualityColumns(columns, { ...options, duplicates: none }), columns);
		expect(without.votes.flatMap((v) => v.reasons.map((r) => r.code)).filter((c) => c.startsWith('duplicate'))).toEqual([]);
		expect(() => assessQualityColumns(columns, { duplicates: { own: new Int32Array(1), others: new Int32Array(1) } })).toThrow(RangeError);
	});

	it('gives the same report with other thresholds and no prediction', () => {
		const options = { gold: sim.gold, thresholds: { tooFastSeconds: 6, duplicateJaccard: 0.6, riskWeights: { disagreement: 0 } } };
		const expected = assessQuality(votes, options);
		const columns = columnsFromRecords(votes);
		expect(columnarToReport(assessQualityColumns(columns, options), columns)).toEqual(expected);
	});
});

it('gives the same (empty) report without votes', () => {
	const columns = columnsFromRecords([]);
	expect(columnarToReport(assessQualityColumns(columns), columns)).toEqual(assessQuality([]));
});

it('names the field of a value it does not know', () => {
	const b = new VoteColumnsBuilder();
	const add = (choice: string, kind: string, status: string) =>
		b.add('v', 'u', 'a', 'b', 's1', 's2', choice as 'left', '', null, 1, kind as 'normal', status as 'counted');
	expect(() => add('up', 'normal', 'counted')).toThrow(new RangeError('unknown choice up'));
	expect(() => add('left', 'odd', 'counted')).toThrow(new RangeError('unknown kind odd'));
	expect(() => add('left', 'normal', 'gone')).toThrow(new RangeError('unknown status gone'));
});
