// Kendall's rank correlation between two ratings of the same systems (τ-b: ties in either rating
// are allowed and corrected for). 1 = the same order, −1 = reversed, about 0 = unrelated.

/** τ-b of x and y (same length, paired by index); null with fewer than two items or a constant side. */
export function kendallTau(x: ArrayLike<number>, y: ArrayLike<number>): number | null {
	const n = x.length;
	if (n !== y.length) throw new Error('kendallTau: x and y must have the same length');
	let concordant = 0;
	let discordant = 0;
	let tiesX = 0;
	let tiesY = 0;
	for (let i = 0; i < n; i++)
		for (let j = i + 1; j < n; j++) {
			const dx = Math.sign(x[i] - x[j]);
			const dy = Math.sign(y[i] - y[j]);
			if (dx === 0 && dy === 0) continue;
			if (dx === 0) tiesX++;
			else if (dy === 0) tiesY++;
			else if (dx === dy) concordant++;
			else discordant++;
		}
	const denominator = Math.sqrt((concordant + discordant + tiesX) * (concordant + discordant + tiesY));
	return denominator > 0 ? (concordant - discordant) / denominator : null;
}
