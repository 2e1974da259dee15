// Exact two-sided binomial test, as R's binom.test computes it: the probability of every outcome that is
// no more likely than the observed one (with R's relative tolerance 1e-7 for ties in probability).

const REL_ERR = 1 + 1e-7;

/**
 * Two-sided exact p-value of observing `k` successes in `n` trials when the success probability is `p`.
 * O(n); the terms are built in log space so thousands of trials neither overflow nor lose precision.
 */
export function binomialTwoSidedP(k: number, n: number, p = 0.5): number {
	if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
	if (!Number.isInteger(k) || k < 0 || k > n) throw new RangeError(`k must be an integer in [0, ${n}], got ${k}`);
	if (!(p >= 0 && p <= 1)) throw new RangeError(`p must be in [0, 1], got ${p}`);
	if (n === 0) return 1;
	if (p === 0) return k === 0 ? 1 : 0;
	if (p === 1) return k === n ? 1 : 0;
	const logP = Math.log(p);
	const logQ = Math.log1p(-p);
	const logPmf = new Float64Array(n + 1);
	let logChoose = 0;
	for (let i = 0; i <= n; i++) {
		logPmf[i] = logChoose + i * logP + (n - i) * logQ;
		logChoose += Math.log(n - i) - Math.log(i + 1);
	}
	const cutoff = logPmf[k] + Math.log(REL_ERR);
	let sum = 0;
	for (let i = 0; i <= n; i++) if (logPmf[i] <= cutoff) sum += Math.exp(logPmf[i]);
	return Math.min(1, sum);
}

/** "p < 0.0001", "p = 0.0032", "p = 0.41": two significant digits, with a floor for tiny values. */
export function formatP(p: number): string {
	if (p < 0.0001) return 'p < 0.0001';
	return `p = ${Number(p.toPrecision(2))}`;
}
