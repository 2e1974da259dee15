// Dense Cholesky factor and solve for the small (K or K+1 square) Newton systems.
//
// Worker-shipped like rng.ts: the factory refers to nothing outside itself.

export function linalgKernel() {
	/** In-place lower Cholesky factor of a row-major n×n symmetric matrix; false if not positive definite. */
	function cholesky(a: Float64Array, n: number): boolean {
		for (let j = 0; j < n; j++) {
			const rj = j * n;
			let d = a[rj + j];
			for (let k = 0; k < j; k++) d -= a[rj + k] * a[rj + k];
			if (!(d > 0)) return false;
			const ljj = Math.sqrt(d);
			a[rj + j] = ljj;
			for (let i = j + 1; i < n; i++) {
				const ri = i * n;
				let x = a[ri + j];
				for (let k = 0; k < j; k++) x -= a[ri + k] * a[rj + k];
				a[ri + j] = x / ljj;
			}
		}
		// clear the upper triangle so the factor can be read as a plain matrix
		for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) a[i * n + j] = 0;
		return true;
	}

	/** Solves L·Lᵀ·x = b for the factor from `cholesky`; x may alias b. */
	function cholSolve(l: Float64Array, n: number, b: Float64Array, x: Float64Array): void {
		for (let i = 0; i < n; i++) {
			const ri = i * n;
			let v = b[i];
			for (let k = 0; k < i; k++) v -= l[ri + k] * x[k];
			x[i] = v / l[ri + i];
		}
		for (let i = n - 1; i >= 0; i--) {
			let v = x[i];
			for (let k = i + 1; k < n; k++) v -= l[k * n + i] * x[k];
			x[i] = v / l[i * n + i];
		}
	}

	return { cholesky, cholSolve };
}

export type LinalgKernel = ReturnType<typeof linalgKernel>;
