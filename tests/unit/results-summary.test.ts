import { describe, expect, it } from 'vitest';
import { listNames, summarizeResults, type SummaryRow } from '../../src/lib/results-summary.ts';
import { filtersLine } from '../../src/routes/c/[slug]/results/filters-line.ts';

const row = (system: string, rating: number, ci_low: number | null, ci_high: number | null): SummaryRow => ({
	system,
	rating,
	ci_low,
	ci_high
});
const sentence = (rows: SummaryRow[], votes: number) => summarizeResults(rows, votes).parts.join('; ');

describe('results summary sentence', () => {
	it('says the leader cannot be separated from its overlapping rivals and names the clearly worse ones', () => {
		// the demo's shape: six systems overlap the leader's interval, two lie wholly below it
		const rows = [
			row('GLIDE', 820, 780, 860),
			row('xl2.2', 1120, 1060, 1190),
			row('sd1.5', 1030, 970, 1090),
			row('AttnGAN', 760, 715, 805),
			row('dalle2', 1080, 1010, 1150),
			row('mj', 1100, 1040, 1170),
			row('xl0.9', 1060, 1000, 1120),
			row('sd2.1', 1040, 990, 1070)
		];
		const s = summarizeResults(rows, 324);
		expect(s.leaders).toEqual(['xl2.2']);
		expect(s.inseparable).toEqual(['mj', 'dalle2', 'xl0.9', 'sd2.1', 'sd1.5']);
		expect(s.behind).toEqual(['GLIDE', 'AttnGAN']);
		expect(s.parts.join('; ')).toBe(
			'xl2.2 leads but cannot be separated from 5 others at 95%; GLIDE and AttnGAN are clearly worse; 324 votes'
		);
	});

	it('counts an interval that only touches the leader’s as inseparable', () => {
		expect(sentence([row('A', 1100, 1050, 1150), row('B', 1000, 950, 1050), row('C', 900, 850, 1049.9)], 60)).toBe(
			'A leads but cannot be separated from B at 95%; C is clearly worse; 60 votes'
		);
	});

	it('says when every other system is clearly worse', () => {
		expect(sentence([row('A', 1200, 1150, 1250), row('B', 1000, 950, 1050), row('C', 800, 750, 850)], 1500)).toBe(
			'A leads, clearly ahead of all 2 others at 95%; 1,500 votes'
		);
		expect(sentence([row('A', 1100, 1060, 1140), row('B', 900, 860, 940)], 40)).toBe('A leads, clearly ahead of B at 95%; 40 votes');
	});

	it('says when nothing can be separated', () => {
		expect(sentence([row('A', 1010, 900, 1100), row('B', 1000, 890, 1110), row('C', 990, 880, 1090)], 12)).toBe(
			'A leads but cannot be separated from any of the 2 others at 95%; 12 votes'
		);
		expect(sentence([row('A', 1010, 900, 1100), row('B', 990, 880, 1090)], 1)).toBe(
			'A leads but cannot be separated from B at 95%; 1 vote'
		);
	});

	it('names a shared lead when the top ratings are equal', () => {
		const s = summarizeResults([row('B', 1050, 1000, 1100), row('A', 1050, 1010, 1090), row('C', 900, 850, 950)], 30);
		expect(s.leaders).toEqual(['A', 'B']);
		expect(s.parts.join('; ')).toBe('A and B share the lead, clearly ahead of C at 95%; 30 votes');
	});

	it('handles one system, no votes and a board without intervals', () => {
		expect(sentence([row('A', 1000, 1000, 1000)], 5)).toBe('Only one system (A): nothing to compare it with; 5 votes');
		expect(sentence([], 0)).toBe('No votes in this selection yet');
		expect(sentence([row('A', 1000, null, null), row('B', 1000, null, null)], 0)).toBe('No votes in this selection yet');
		const s = summarizeResults([row('A', 1100, null, null), row('B', 900, null, null)], 8);
		expect(s.intervals).toBe(false);
		expect(s.behind).toEqual([]);
		expect(s.parts.join('; ')).toBe('A leads (no intervals computed, so no system can be called clearly better or worse); 8 votes');
	});

	it('lists at most three names', () => {
		expect(listNames(['a'])).toBe('a');
		expect(listNames(['a', 'b', 'c'])).toBe('a, b and c');
		expect(listNames(['a', 'b', 'c', 'd', 'e'])).toBe('a, b, c and 2 more');
	});
});

describe('folded results filters line', () => {
	const defaults = {
		from: '',
		to: '',
		evaluators: [],
		excludeEvaluators: [],
		category: null,
		includeRejected: false,
		excludeFlagged: false,
		prior: 0,
		ties: 'half',
		bootstrap: 1000
	};
	it('says "all" for the defaults and names only what differs', () => {
		expect(filtersLine(defaults, 'Overall')).toBe('all votes · all evaluators · criterion: Overall');
		expect(
			filtersLine(
				{ ...defaults, from: '2026-11-01', evaluators: ['a', 'b'], excludeFlagged: true, ties: 'exclude', bootstrap: 0, prior: 1 },
				'Sharpness'
			)
		).toBe(
			'votes from 2026-11-01 · only 2 evaluators, flagged evaluators left out · criterion: Sharpness · ties left out · no intervals · weak prior'
		);
		expect(
			filtersLine({ ...defaults, to: '2026-11-30', excludeEvaluators: ['a'], includeRejected: true, category: 'animals' }, 'Overall')
		).toBe('votes through 2026-11-30 · rejected included · 1 evaluator left out · category animals · criterion: Overall');
	});
});
