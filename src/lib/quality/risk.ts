// Per-vote risk for the audit queue: which of this vote's own signals fired, combined into one score.

import { analyzeVotes, type Analysis, type QualityOptions, type VoteFacts } from './analysis.ts';
import type { StanceEvidence } from './stance.ts';
import type { RiskWeights } from './thresholds.ts';
import type { Choice, Reason, VoteRecord } from './types.ts';

export type RiskCode = 'too_fast' | 'contradiction' | 'duplicate_own' | 'duplicate_others' | 'disagreement' | 'gold_miss';

export interface RiskReason extends Reason<RiskCode> {
	/** this signal's weight in the score */
	weight: number;
}

export interface VoteRisk {
	voteId: string;
	userId: string;
	/** 1 − Π(1 − weight) over the reasons: 0 with none, in [0, 1] always. */
	score: number;
	reasons: RiskReason[];
}

const CHOICE_WORDS: Record<Choice, string> = { left: 'left', right: 'right', tie: 'tie', both_bad: 'both bad' };

/** Every vote's risk, highest first (input order among equal scores). */
export function voteRisks(votes: readonly VoteRecord[], options: QualityOptions = {}): VoteRisk[] {
	return voteRisksFrom(analyzeVotes(votes, options));
}

export function voteRisksFrom(analysis: Analysis): VoteRisk[] {
	const { facts, thresholds } = analysis;
	const voteAt = (i: number) => facts[i].vote;
	const risks = facts.map((f) => riskOf(f, voteAt, thresholds.riskWeights, thresholds.tooFastSeconds));
	return risks
		.map((risk, i) => ({ risk, i }))
		.sort((a, b) => b.risk.score - a.risk.score || a.i - b.i)
		.map((x) => x.risk);
}

/** One vote's risk; `voteAt(i)` is the vote at input index i (the one a repeated rationale cites). */
export function riskOf(
	f: VoteFacts,
	voteAt: (index: number) => Pick<VoteRecord, 'id' | 'userId'>,
	weights: RiskWeights,
	tooFastSeconds: number
): VoteRisk {
	// written out without callbacks or spreads: the columnar report asks for the reasons of every
	// signalled vote (tens of thousands at 200,000 votes); each reason's keys stay in the order
	// code, message, voteId, weight (the report is sent as JSON)
	const v = f.vote;
	const reasons: RiskReason[] = [];
	let keep = 1;
	if (f.tooFast) {
		const weight = weights.tooFast;
		keep *= 1 - weight;
		reasons.push({
			code: 'too_fast',
			message: `answered in ${Number((v.activeMs! / 1000).toPrecision(2))} s (under ${tooFastSeconds} s)`,
			weight
		});
	}
	if (f.contradiction) {
		let evidence: StanceEvidence | undefined;
		for (const e of f.stance.evidence)
			if ((e.polarity > 0 ? e.side : e.side === 'left' ? 'right' : 'left') === f.stance.side) {
				evidence = e;
				break;
			}
		const weight = weights.contradiction;
		keep *= 1 - weight;
		reasons.push({
			code: 'contradiction',
			message: `rationale argues for ${f.stance.side}${evidence ? ` ("${evidence.clause}")` : ''} but the vote is for ${v.choice}`,
			weight
		});
	}
	if (f.duplicateOwn !== -1) {
		const own = voteAt(f.duplicateOwn).id;
		const weight = weights.duplicateOwn;
		keep *= 1 - weight;
		reasons.push({ code: 'duplicate_own', message: `rationale repeats this evaluator's vote ${own}`, voteId: own, weight });
	}
	if (f.duplicateOthers !== -1) {
		const other = voteAt(f.duplicateOthers);
		const weight = weights.duplicateOthers;
		keep *= 1 - weight;
		reasons.push({
			code: 'duplicate_others',
			message: `rationale repeats vote ${other.id} by another evaluator (${other.userId})`,
			voteId: other.id,
			weight
		});
	}
	if (f.agreesWithOthers === false && f.others.majority !== null) {
		const weight = weights.disagreement;
		keep *= 1 - weight;
		reasons.push({
			code: 'disagreement',
			message: `${f.others.support} of ${f.others.evaluators} other evaluators chose ${CHOICE_WORDS[f.others.majority]} on this pair; this vote is ${CHOICE_WORDS[v.choice]}`,
			weight
		});
	}
	if (f.goldCorrect === false && f.goldExpected !== null) {
		const weight = weights.goldMiss;
		keep *= 1 - weight;
		reasons.push({
			code: 'gold_miss',
			message: `gold pair expects ${CHOICE_WORDS[f.goldExpected]}; this vote is ${CHOICE_WORDS[v.choice]}`,
			weight
		});
	}
	return { voteId: v.id, userId: v.userId, score: 1 - keep, reasons };
}

/**
 * The audit queue's order of its matches, as positions into `scores` (one per match, in the order the
 * matches came: newest first): only those with a score above 0 when `riskyOnly`, highest score first
 * when `byRisk` (among equal scores, the order they came in), else as they came.
 */
export function riskOrder(scores: ArrayLike<number>, byRisk: boolean, riskyOnly: boolean): number[] {
	const order: number[] = [];
	for (let k = 0; k < scores.length; k++) if (!riskyOnly || scores[k] > 0) order.push(k);
	if (byRisk) order.sort((a, b) => scores[b] - scores[a] || a - b);
	return order;
}
