// The sentences beside the boards: robustness ("#1 holds unless …") and coefficients ("Left side +12 Elo [4, 20]").
import { describe, expect, it } from 'vitest';
import { robustnessSentence, separabilityWords } from '../../src/routes/c/[slug]/results/robustness-words.ts';
import { coefficientWords, clearEffect, deltaWords } from '../../src/routes/c/[slug]/results/controlled/coefficients.ts';

const pair = (over: Partial<Parameters<typeof robustnessSentence>[0]> = {}) => ({
	upper: 'A',
	lower: 'B',
	reversals: 14,
	removals: 30,
	exact: true,
	head_to_head: { upper_wins: 212, lower_wins: 180, ties: 3 },
	...over
});

describe('robustness sentence', () => {
	it('says how many of the wins over the next system would have to be wrong', () => {
		expect(robustnessSentence(pair(), 1)).toBe('#1 A holds unless 14 of its 212 wins over #2 B were wrong, or 30 votes were left out.');
	});
	it('says "at most" for a greedy bound and falls back to votes when the wins do not cover it', () => {
		expect(robustnessSentence(pair({ exact: false, reversals: 5, head_to_head: { upper_wins: 2, lower_wins: 0, ties: 0 } }), 2)).toBe(
			'#2 A holds unless at most 5 votes were the other way, or at most 30 votes were left out.'
		);
	});
	it('says when nothing could swap the two', () => {
		expect(robustnessSentence(pair({ reversals: null, removals: null }), 1)).toMatch(/no change of votes/);
	});
	it('separability as a share', () => {
		expect(separabilityWords(0.25)).toMatch(/^Separability 25%/);
		expect(separabilityWords(null)).toBeNull();
	});
});

describe('coefficient words', () => {
	it('reads "left side +12 Elo [4, 20]"', () => {
		const c = { name: 'left', logit: 0.07, elo: 12.3, ci_low: 4.2, ci_high: 19.6 };
		expect(coefficientWords(c)).toBe('Left side +12 Elo [4, 20]');
		expect(clearEffect(c)).toBe(true);
		expect(clearEffect({ ...c, ci_low: -3 })).toBe(false);
		expect(coefficientWords({ name: 'pixels', logit: -0.1, elo: -17.6, ci_low: null, ci_high: null })).toBe('Pixel count ratio −18 Elo');
	});
	it('Δrank arrows', () => {
		expect(deltaWords(2)).toBe('↑ 2');
		expect(deltaWords(-1)).toBe('↓ 1');
		expect(deltaWords(0)).toBe('—');
	});
});
