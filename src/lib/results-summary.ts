// The results page's first sentence: what a reader should take from the leaderboard in five seconds,
// computed from the ratings and their 95% intervals. Two systems "cannot be separated" when their
// intervals overlap; a system is "clearly worse" than the leader when its whole interval lies below the
// leader's. Pure (no Kit, no DOM) so that it is unit-tested against hand-made boards.

export interface SummaryRow {
	system: string;
	rating: number;
	/** null when no bootstrap rounds were run */
	ci_low: number | null;
	ci_high: number | null;
}

export interface ResultsSummary {
	/** the system(s) with the highest rating; several only when their ratings are equal */
	leaders: string[];
	/** systems (other than the leaders) whose intervals overlap the leader's, best first */
	inseparable: string[];
	/** systems whose whole interval lies below the leader's (clearly worse), best first */
	behind: string[];
	votes: number;
	/** false when the board has no intervals (bootstrap off): nothing can be said about separation */
	intervals: boolean;
	/** the sentence in parts, joined with "; " on the page */
	parts: string[];
}

/** Up to `max` names, then "and N more". */
export function listNames(names: string[], max = 3): string {
	if (names.length <= max) return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
	return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

const plural = (n: number, one: string, many = one + 's') => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

export function summarizeResults(rows: SummaryRow[], votes: number): ResultsSummary {
	const sorted = [...rows].sort((a, b) => b.rating - a.rating || (a.system < b.system ? -1 : 1));
	const voteText = plural(votes, 'vote');
	const base = { votes, leaders: [] as string[], inseparable: [] as string[], behind: [] as string[] };
	if (votes <= 0 || sorted.length === 0) return { ...base, intervals: false, parts: ['No votes in this selection yet'] };
	if (sorted.length === 1)
		return {
			...base,
			leaders: [sorted[0].system],
			intervals: false,
			parts: [`Only one system (${sorted[0].system}): nothing to compare it with`, voteText]
		};

	const top = sorted[0];
	const leaders = sorted.filter((r) => r.rating === top.rating).map((r) => r.system);
	const others = sorted.slice(leaders.length);
	const lead = leaders.length === 1 ? `${top.system} leads` : `${listNames(leaders, 4)} share the lead`;
	const intervals = sorted.every((r) => r.ci_low !== null && r.ci_high !== null);
	if (!intervals) {
		return {
			...base,
			leaders,
			intervals,
			parts: [`${lead} (no intervals computed, so no system can be called clearly better or worse)`, voteText]
		};
	}

	// the leader's interval; with a shared lead, the widest span of the leaders
	const leaderRows = sorted.slice(0, leaders.length);
	const low = Math.min(...leaderRows.map((r) => r.ci_low!));
	const inseparable = others.filter((r) => r.ci_high! >= low).map((r) => r.system);
	const behind = others.filter((r) => r.ci_high! < low).map((r) => r.system);
	const parts: string[] = [];
	if (others.length === 0) parts.push(lead);
	else if (inseparable.length === 0)
		parts.push(`${lead}, clearly ahead of ${others.length === 1 ? others[0].system : `all ${others.length} others`} at 95%`);
	else if (behind.length === 0)
		parts.push(
			`${lead} but cannot be separated from ${inseparable.length === 1 ? inseparable[0] : `any of the ${inseparable.length} others`} at 95%`
		);
	else {
		parts.push(`${lead} but cannot be separated from ${inseparable.length === 1 ? inseparable[0] : `${inseparable.length} others`} at 95%`);
		parts.push(`${listNames(behind)} ${behind.length === 1 ? 'is' : 'are'} clearly worse`);
	}
	parts.push(voteText);
	return { ...base, leaders, inseparable, behind, intervals, parts };
}
