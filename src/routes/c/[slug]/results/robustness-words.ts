// The robustness of adjacent places and the board's separability in plain sentences.
import type { AdjacentRobustness } from '$lib/ranking/robustness';

/** "#1 A holds unless 14 of its 212 wins over #2 B were wrong" (and the removal count). */
export function robustnessSentence(r: AdjacentRobustness, place: number): string {
	const who = `#${place} ${r.upper}`;
	const next = `#${place + 1} ${r.lower}`;
	if (r.reversals === null && r.removals === null) return `${who} stays above ${next}: no change of votes between them could swap them.`;
	const bound = r.exact ? '' : 'at most ';
	const wins = r.head_to_head.upper_wins;
	const reversed =
		r.reversals === null
			? null
			: r.reversals <= wins && wins > 0
				? `${bound}${r.reversals} of its ${wins} wins over ${next} were wrong`
				: `${bound}${r.reversals} votes were the other way`;
	const removed = r.removals === null ? null : `${bound}${r.removals} votes were left out`;
	return `${who} holds unless ${[reversed, removed].filter(Boolean).join(', or ')}.`;
}

export function separabilityWords(separability: number | null | undefined): string | null {
	if (separability === null || separability === undefined) return null;
	return `Separability ${(separability * 100).toFixed(0)}%: the share of system pairs whose 95% intervals do not overlap.`;
}
