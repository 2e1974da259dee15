// Online Elo in time order (K = 4, start 1000, a tie = half a point), the arena's running rating,
// shown next to Bradley–Terry for comparison: it depends on order, Bradley–Terry does not.

import { OUTCOME_A, OUTCOME_B, type OrderedBattles } from './counts.ts';

/** `start` continues from earlier ratings (updated in place), so a server can add new votes as they come. */
export function onlineElo(systemCount: number, battles: OrderedBattles, k = 4, initial = 1000, start?: Float64Array): Float64Array {
	const rating = start ?? new Float64Array(systemCount).fill(initial);
	const { a, b, outcome } = battles;
	for (let r = 0; r < a.length; r++) {
		const ia = a[r];
		const ib = b[r];
		const expected = 1 / (1 + Math.pow(10, (rating[ib] - rating[ia]) / 400));
		const o = outcome[r];
		const score = o === OUTCOME_A ? 1 : o === OUTCOME_B ? 0 : 0.5;
		const delta = k * (score - expected);
		rating[ia] += delta;
		rating[ib] -= delta;
	}
	return rating;
}
