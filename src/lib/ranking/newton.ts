// Newton drivers shared by the Bradley–Terry and Davidson fits: damped Newton for a point fit, and a
// chord variant (Hessian factored once, at the full-data estimate) that makes bootstrap refits cheap.
//
// Worker-shipped like rng.ts: the factory refers only to its parameter and to JavaScript globals.

import type { LinalgKernel } from './linalg.ts';

/** A concave objective: gradient into g and, when m is given, the negated Hessian (plus gauge) into m. */
export interface Objective {
	dim: number;
	evaluate(x: Float64Array, g: Float64Array, m: Float64Array | null): void;
	logLik(x: Float64Array): number;
	/** Moves x to the canonical representative of its equivalence class (e.g. ratings summing to 0). */
	normalize(x: Float64Array): void;
}

export interface NewtonWorkspace {
	g: Float64Array;
	m: Float64Array;
	step: Float64Array;
	trial: Float64Array;
}

export function newtonKernel(lin: LinalgKernel) {
	function workspace(dim: number): NewtonWorkspace {
		return {
			g: new Float64Array(dim),
			m: new Float64Array(dim * dim),
			step: new Float64Array(dim),
			trial: new Float64Array(dim)
		};
	}

	/**
	 * Maximises a concave objective from x (in place) by Newton with step halving, until no
	 * coordinate moves by more than tol. Returns the iteration count, or -1 when the system is singular
	 * or the iteration limit is hit (callers treat that as "no finite maximum").
	 */
	function maximize(f: Objective, x: Float64Array, ws: NewtonWorkspace, tol: number, maxIter: number): number {
		const n = f.dim;
		const { g, m, step, trial } = ws;
		f.normalize(x);
		let ll = f.logLik(x);
		for (let it = 1; it <= maxIter; it++) {
			m.fill(0);
			f.evaluate(x, g, m);
			if (!lin.cholesky(m, n)) return -1;
			lin.cholSolve(m, n, g, step);
			let full = 0;
			for (let i = 0; i < n; i++) full = Math.max(full, Math.abs(step[i]));
			let t = 1;
			let llTrial = ll;
			// Step halving guards the first iterations from far away; near the optimum the full step is
			// always taken (the allowance absorbs rounding in the log-likelihood sum).
			for (let halvings = 0; halvings < 60; halvings++) {
				for (let i = 0; i < n; i++) trial[i] = x[i] + t * step[i];
				llTrial = f.logLik(trial);
				if (llTrial >= ll - 1e-12 * Math.abs(ll)) break;
				t *= 0.5;
			}
			for (let i = 0; i < n; i++) x[i] = trial[i];
			f.normalize(x);
			ll = llTrial;
			if (!Number.isFinite(ll) || !Number.isFinite(full)) return -1;
			// judged on the undamped step: a heavily damped step is small without being converged
			if (full < tol) return it;
		}
		return -1;
	}

	/**
	 * Chord iteration x ← x + M₀⁻¹·∇f(x) with a fixed factor `factor` of the negated Hessian at a nearby
	 * point. Converges linearly (fast when the data are a bootstrap redraw of the data M₀ came from);
	 * returns -1 as soon as it stops contracting so the caller can fall back to `maximize`.
	 */
	function chord(f: Objective, x: Float64Array, factor: Float64Array, ws: NewtonWorkspace, tol: number, maxIter: number): number {
		const n = f.dim;
		const { g, step } = ws;
		let previous = Infinity;
		let rho = 0;
		for (let it = 1; it <= maxIter; it++) {
			f.evaluate(x, g, null);
			lin.cholSolve(factor, n, g, step);
			let moved = 0;
			for (let i = 0; i < n; i++) {
				const d = Math.abs(step[i]);
				if (d > moved) moved = d;
			}
			if (!(moved < Infinity) || (it > 1 && moved > 0.9 * previous)) return -1;
			for (let i = 0; i < n; i++) x[i] += step[i];
			f.normalize(x);
			if (moved < tol) return it;
			// contracting by ρ (the largest ratio of successive steps seen), the steps still to come add up to
			// about moved·ρ/(1 − ρ): once that is below tol, the iteration that would only confirm it is skipped
			if (it > 1) {
				rho = Math.max(rho, moved / previous);
				if ((moved * rho) / (1 - rho) < tol) return it;
			}
			previous = moved;
		}
		return -1;
	}

	return { workspace, maximize, chord };
}

export type NewtonKernel = ReturnType<typeof newtonKernel>;
