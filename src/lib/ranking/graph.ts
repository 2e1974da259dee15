// Comparison-graph checks: the Bradley–Terry MLE is finite and unique exactly when the graph with an
// edge i → j whenever i scored against j (a win, or a tie where ties count) is strongly connected.

import { RankingError, type NoFiniteMleDetails } from './errors.ts';

/** Worker-shipped like rng.ts: refers to nothing outside itself. */
export function graphKernel() {
	/** Pairs incident to each system, CSR layout: pairs of system u are pair[start[u] .. start[u+1]). */
	function adjacency(K: number, P: number, pairI: Int32Array, pairJ: Int32Array) {
		const start = new Int32Array(K + 1);
		for (let p = 0; p < P; p++) {
			start[pairI[p] + 1]++;
			start[pairJ[p] + 1]++;
		}
		for (let u = 0; u < K; u++) start[u + 1] += start[u];
		const fill = start.slice(0, K);
		const pair = new Int32Array(2 * P);
		for (let p = 0; p < P; p++) {
			pair[fill[pairI[p]]++] = p;
			pair[fill[pairJ[p]]++] = p;
		}
		return { start, pair };
	}

	/** Whether every system reaches system 0 and is reached from it; fwd[p] > 0 means pairI[p] → pairJ[p]. */
	function stronglyConnected(
		K: number,
		adj: { start: Int32Array; pair: Int32Array },
		pairI: Int32Array,
		pairJ: Int32Array,
		fwd: Float64Array,
		bwd: Float64Array,
		stack: Int32Array,
		seen: Uint8Array
	): boolean {
		for (let pass = 0; pass < 2; pass++) {
			// pass 0 follows edges forwards, pass 1 backwards
			seen.fill(0);
			seen[0] = 1;
			let top = 0;
			let reached = 1;
			stack[top++] = 0;
			while (top > 0) {
				const u = stack[--top];
				for (let k = adj.start[u]; k < adj.start[u + 1]; k++) {
					const p = adj.pair[k];
					const uIsI = pairI[p] === u;
					const v = uIsI ? pairJ[p] : pairI[p];
					if (seen[v]) continue;
					const out = uIsI ? fwd[p] > 0 : bwd[p] > 0;
					const inn = uIsI ? bwd[p] > 0 : fwd[p] > 0;
					if (pass === 0 ? out : inn) {
						seen[v] = 1;
						reached++;
						stack[top++] = v;
					}
				}
			}
			if (reached < K) return false;
		}
		return true;
	}

	return { adjacency, stronglyConnected };
}

function braces(names: string[]): string {
	return names.length === 1 ? names[0] : `{${names.join(', ')}}`;
}

/**
 * Null when the MLE exists; otherwise a RankingError naming the groups that never met, the systems
 * (or groups) that never lose and never win. Kosaraju's two passes, iterative so big K cannot overflow.
 */
export function explainNoFiniteMle(
	systems: string[],
	pairI: Int32Array,
	pairJ: Int32Array,
	fwd: Float64Array,
	bwd: Float64Array,
	what: { win: string; loss: string }
): RankingError | null {
	const K = systems.length;
	const out: number[][] = Array.from({ length: K }, () => []);
	const inn: number[][] = Array.from({ length: K }, () => []);
	const parent = Array.from({ length: K }, (_, i) => i);
	const find = (x: number): number => {
		while (parent[x] !== x) x = parent[x] = parent[parent[x]];
		return x;
	};
	const touched = new Uint8Array(K);
	for (let p = 0; p < pairI.length; p++) {
		const i = pairI[p];
		const j = pairJ[p];
		if (fwd[p] > 0) {
			out[i].push(j);
			inn[j].push(i);
		}
		if (bwd[p] > 0) {
			out[j].push(i);
			inn[i].push(j);
		}
		if (fwd[p] > 0 || bwd[p] > 0) {
			parent[find(i)] = find(j);
			touched[i] = touched[j] = 1;
		}
	}
	// pass 1: finishing order on the forward graph
	const order: number[] = [];
	const visited = new Uint8Array(K);
	for (let s = 0; s < K; s++) {
		if (visited[s]) continue;
		visited[s] = 1;
		const stack: [number, number][] = [[s, 0]];
		while (stack.length) {
			const top = stack[stack.length - 1];
			const [u, k] = top;
			if (k < out[u].length) {
				top[1]++;
				const v = out[u][k];
				if (!visited[v]) {
					visited[v] = 1;
					stack.push([v, 0]);
				}
			} else {
				order.push(u);
				stack.pop();
			}
		}
	}
	// pass 2: components on the reversed graph, in reverse finishing order
	const comp = new Int32Array(K).fill(-1);
	let nComp = 0;
	for (let idx = K - 1; idx >= 0; idx--) {
		const s = order[idx];
		if (comp[s] >= 0) continue;
		const stack = [s];
		comp[s] = nComp;
		while (stack.length) {
			const u = stack.pop()!;
			for (const v of inn[u]) {
				if (comp[v] < 0) {
					comp[v] = nComp;
					stack.push(v);
				}
			}
		}
		nComp++;
	}
	if (nComp === 1) return null;

	const members: string[][] = Array.from({ length: nComp }, () => []);
	for (let u = 0; u < K; u++) members[comp[u]].push(systems[u]);
	const hasIn = new Uint8Array(nComp);
	const hasOut = new Uint8Array(nComp);
	for (let u = 0; u < K; u++)
		for (const v of out[u])
			if (comp[u] !== comp[v]) {
				hasOut[comp[u]] = 1;
				hasIn[comp[v]] = 1;
			}
	const groupsByRoot = new Map<number, string[]>();
	const isolated: string[] = [];
	for (let u = 0; u < K; u++) {
		if (!touched[u]) {
			isolated.push(systems[u]);
			continue;
		}
		const r = find(u);
		if (!groupsByRoot.has(r)) groupsByRoot.set(r, []);
		groupsByRoot.get(r)!.push(systems[u]);
	}
	const groups = groupsByRoot.size + isolated.length > 1 ? [...groupsByRoot.values()] : [];
	// Singletons that never lose / never win say it best; a source or sink group is only named when
	// its weak component has no such singleton (otherwise it repeats the same fact from the other side).
	const compOf = (c: number) => find(systems.indexOf(members[c][0]));
	const singles = new Set<number>();
	for (let c = 0; c < nComp; c++)
		if (members[c].length === 1 && touched[systems.indexOf(members[c][0])] && hasIn[c] !== hasOut[c]) singles.add(compOf(c));
	const neverLose: string[][] = [];
	const neverWin: string[][] = [];
	for (let c = 0; c < nComp; c++) {
		if (!touched[systems.indexOf(members[c][0])]) continue;
		if (members[c].length > 1 && singles.has(compOf(c))) continue;
		if (!hasIn[c] && hasOut[c]) neverLose.push(members[c]);
		if (!hasOut[c] && hasIn[c]) neverWin.push(members[c]);
	}
	const details: NoFiniteMleDetails = { groups, neverLose, neverWin, isolated };

	const parts: string[] = [];
	if (groups.length > 1)
		parts.push(`${groups.length} groups of systems were never compared with each other: ${groups.map(braces).join(' and ')}`);
	for (const g of neverLose)
		parts.push(
			g.length === 1 ? `${g[0]} never loses (${what.loss})` : `${braces(g)} never lose against the systems outside the group (${what.loss})`
		);
	for (const g of neverWin)
		parts.push(
			g.length === 1 ? `${g[0]} never wins (${what.win})` : `${braces(g)} never win against the systems outside the group (${what.win})`
		);
	if (isolated.length) parts.push(`${isolated.join(', ')} ${isolated.length === 1 ? 'has' : 'have'} no vote that enters the fit`);
	const named = new Set<string>([...neverLose.flat(), ...neverWin.flat(), ...isolated]);
	if (groups.length > 1) {
		const largest = groups.reduce((a, b) => (b.length > a.length ? b : a));
		for (const g of groups) if (g !== largest) for (const s of g) named.add(s);
	}
	return new RankingError(
		'not_strongly_connected',
		`no finite ratings: the comparison graph is not strongly connected, so the maximum-likelihood ` +
			`estimate does not exist: ${parts.join('; ')}. More votes that connect them, or a prior ` +
			`(--prior), would give finite ratings.`,
		systems.filter((s) => named.has(s)),
		details
	);
}
