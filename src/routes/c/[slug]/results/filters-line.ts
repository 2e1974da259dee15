// The one line the folded results filters show: what the selection is, in words, e.g.
// "all votes · all evaluators · criterion: Overall". Only settings that differ from the defaults are named.

export interface FiltersLineQuery {
	from: string;
	to: string;
	evaluators: string[];
	excludeEvaluators: string[];
	category: string | null;
	includeRejected: boolean;
	excludeFlagged: boolean;
	prior: number;
	ties: string;
	bootstrap: number;
}

const count = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

export function filtersLine(q: FiltersLineQuery, criterionLabel: string): string {
	const parts: string[] = [];
	if (q.from && q.to) parts.push(`votes ${q.from} to ${q.to}`);
	else if (q.from) parts.push(`votes from ${q.from}`);
	else if (q.to) parts.push(`votes through ${q.to}`);
	else parts.push('all votes');
	if (q.includeRejected) parts.push('rejected included');
	const who: string[] = [];
	if (q.evaluators.length) who.push(`only ${count(q.evaluators.length, 'evaluator')}`);
	if (q.excludeEvaluators.length) who.push(`${count(q.excludeEvaluators.length, 'evaluator')} left out`);
	if (q.excludeFlagged) who.push('flagged evaluators left out');
	parts.push(who.length ? who.join(', ') : 'all evaluators');
	if (q.category) parts.push(`category ${q.category}`);
	parts.push(`criterion: ${criterionLabel}`);
	if (q.ties !== 'half') parts.push(q.ties === 'exclude' ? 'ties left out' : 'ties: Davidson');
	if (q.bootstrap !== 1000) parts.push(q.bootstrap === 0 ? 'no intervals' : `${q.bootstrap} bootstrap rounds`);
	if (q.prior > 0) parts.push('weak prior');
	return parts.join(' · ');
}
