import { describe, expect, it } from 'vitest';
import { riskOrder } from '../../../src/lib/quality/index.ts';

// matches come newest first; scores by hand
const scores = [0, 0.5, 0.2, 0.5, 0];

describe('riskOrder (the audit queue, in the worker and in-process alike)', () => {
	it('highest score first, equal scores in the order they came (newest first)', () => {
		expect(riskOrder(scores, true, false)).toEqual([1, 3, 2, 0, 4]);
	});
	it('only scored matches when risky only, in either order', () => {
		expect(riskOrder(scores, true, true)).toEqual([1, 3, 2]);
		expect(riskOrder(scores, false, true)).toEqual([1, 2, 3]);
	});
	it('as they came otherwise', () => {
		expect(riskOrder(scores, false, false)).toEqual([0, 1, 2, 3, 4]);
		expect(riskOrder([], true, true)).toEqual([]);
	});
});
