// Facts about each vote that the evaluator metrics and the per-vote risk both read, computed once per campaign.

import { representativeVotes } from './alpha.ts';
import { findNearDuplicates } from './near-duplicates.ts';
import { canonicalOutcome, choiceFor, isDecisive, pairKey } from './pairs.ts';
import { rationaleStance, type RationaleStance } from './stance.ts';
import { resolveThresholds, type QualityThresholdOverrides, type QualityThresholds } from './thresholds.ts';
import type { CanonicalOutcome, Choice, GoldExpectation, VoteRecord, WinProbability } from './types.ts';

export interface QualityOptions {
	/** Expected answers of gold pairs; a 'gold' vote is matched to its pair whichever side each image was on. */
	gold?: readonly GoldExpectation[];
	/** Predicted P(A beats B) per system pair (e.g. the campaign's Bradley–Terry fit). */
	predict?: WinProbability;
	thresholds?: QualityThresholdOverrides;
}

export interface OthersView {
	/** Other evaluators with a counted vote on the same unordered image pair (one value each). */
	evaluators: number;
	/** How many of them chose the most common outcome. */
	support: number;
	/** Their strict-majority outcome in this vote's orientation, or null when they are split or absent. */
	majority: Choice | null;
}

export interface VoteFacts {
	vote: VoteRecord;
	/** Index of the vote in the input. */
	index: number;
	pair: string;
	outcome: CanonicalOutcome;
	/** null when the vote has no active time. */
	tooFast: boolean | null;
	stance: RationaleStance;
	/** A decisive vote whose rationale argues for the other side. */
	contradiction: boolean;
	/** Input index of a near-duplicate rationale by the same evaluator / by another one, or -1. */
	duplicateOwn: number;
	duplicateOthers: number;
	/** For 'gold' votes with an expectation: the expected choice in this vote's orientation. */
	goldExpected: Choice | null;
	goldCorrect: boolean | null;
	/** For 'repeat' votes: input index of the earlier vote it repeats (-1 if none was found). */
	repeatOf: number;
	/** The normalized answer differs from the earlier vote's in any way (a tie becoming a decision counts). */
	changed: boolean | null;
	/** Both votes decisive and a different image picked (null when either is a tie or both-bad). */
	flipped: boolean | null;
	/** A flip on the same side as before: with swapped sides, the position rather than the image decided. */
	sameSideFlip: boolean | null;
	others: OthersView;
	/** Agrees with the others' majority (null when there is none). */
	agreesWithOthers: boolean | null;
	/** The side the win probabilities favour for this pair of systems, or null (not decisive, same system, 50/50). */
	predictedSide: 'left' | 'right' | null;
	agreesWithPrediction: boolean | null;
}

export interface Analysis {
	facts: VoteFacts[];
	thresholds: QualityThresholds;
}

export function analyzeVotes(votes: readonly VoteRecord[], options: QualityOptions = {}): Analysis {
	const thresholds = resolveThresholds(options.thresholds);
	const tooFastMs = thresholds.tooFastSeconds * 1000;

	const gold = new Map<string, CanonicalOutcome>();
	for (const g of options.gold ?? [])
		gold.set(pairKey(g.leftImageId, g.rightImageId), canonicalOutcome(g.leftImageId, g.rightImageId, g.expected));

	const duplicates = findNearDuplicates(
		votes.map((v) => ({ text: v.rationale, owner: v.userId })),
		{ threshold: thresholds.duplicateJaccard, shingleSize: thresholds.shingleSize }
	);

	// per image pair: the others' values, from each evaluator's representative counted vote
	const tallies = new Map<string, { counts: Map<CanonicalOutcome, number>; byUser: Map<string, CanonicalOutcome> }>();
	for (const [pair, coders] of representativeVotes(votes)) {
		const counts = new Map<CanonicalOutcome, number>();
		const byUser = new Map<string, CanonicalOutcome>();
		for (const [user, v] of coders) {
			const outcome = canonicalOutcome(v.leftImageId, v.rightImageId, v.choice);
			byUser.set(user, outcome);
			counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
		}
		tallies.set(pair, { counts, byUser });
	}

	const facts: VoteFacts[] = votes.map((vote, index) => {
		const pair = pairKey(vote.leftImageId, vote.rightImageId);
		const outcome = canonicalOutcome(vote.leftImageId, vote.rightImageId, vote.choice);
		const stance = rationaleStance(vote.rationale);
		const timed = vote.activeMs !== null && Number.isFinite(vote.activeMs) && vote.activeMs >= 0;

		const expected = vote.kind === 'gold' ? gold.get(pair) : undefined;

		const others = othersView(tallies.get(pair), vote);
		const agreesWithOthers = others.majority === null ? null : others.majority === vote.choice;

		let predictedSide: 'left' | 'right' | null = null;
		if (options.predict && isDecisive(vote.choice) && vote.leftSystemId !== vote.rightSystemId) {
			const p = options.predict(vote.leftSystemId, vote.rightSystemId);
			if (Number.isFinite(p) && p !== 0.5) predictedSide = p > 0.5 ? 'left' : 'right';
		}

		return {
			vote,
			index,
			pair,
			outcome,
			tooFast: timed ? vote.activeMs! < tooFastMs : null,
			stance,
			contradiction: isDecisive(vote.choice) && stance.side !== null && stance.side !== vote.choice,
			duplicateOwn: duplicates[index].sameOwner,
			duplicateOthers: duplicates[index].otherOwner,
			goldExpected: expected === undefined ? null : choiceFor(vote.leftImageId, vote.rightImageId, expected),
			goldCorrect: expected === undefined ? null : expected === outcome,
			repeatOf: -1,
			changed: null,
			flipped: null,
			sameSideFlip: null,
			others,
			agreesWithOthers,
			predictedSide,
			agreesWithPrediction: predictedSide === null ? null : predictedSide === vote.choice
		};
	});

	matchRepeats(facts);
	return { facts, thresholds };
}

function othersView(
	tally: { counts: Map<CanonicalOutcome, number>; byUser: Map<string, CanonicalOutcome> } | undefined,
	vote: VoteRecord
): OthersView {
	if (!tally) return { evaluators: 0, support: 0, majority: null };
	const own = tally.byUser.get(vote.userId);
	let evaluators = 0;
	let best: CanonicalOutcome | null = null;
	let bestCount = 0;
	let split = false;
	for (const [outcome, total] of tally.counts) {
		const count = total - (own === outcome ? 1 : 0);
		evaluators += count;
		if (count > bestCount) {
			best = outcome;
			bestCount = count;
			split = false;
		} else if (count === bestCount && count > 0) split = true;
	}
	if (best === null || split) return { evaluators, support: bestCount, majority: null };
	return { evaluators, support: bestCount, majority: choiceFor(vote.leftImageId, vote.rightImageId, best) };
}

/**
 * A hidden repeat is the same unordered image pair as an earlier vote by the same evaluator (shown with
 * sides swapped). It is compared with the latest earlier vote on that pair that is not itself a repeat
 * (or, failing that, the latest earlier vote). A flip is picking the other image when both votes are
 * decisive; a tie turning into a decision is a change but not a flip (the pair may be genuinely close).
 */
function matchRepeats(facts: VoteFacts[]): void {
	const byUserPair = new Map<string, VoteFacts[]>();
	for (const f of facts) {
		const key = `${f.vote.userId}\u0001${f.pair}`;
		const list = byUserPair.get(key);
		if (list) list.push(f);
		else byUserPair.set(key, [f]);
	}
	for (const list of byUserPair.values()) {
		if (!list.some((f) => f.vote.kind === 'repeat')) continue;
		list.sort((a, b) => a.vote.submittedAt - b.vote.submittedAt || (a.vote.id < b.vote.id ? -1 : a.vote.id > b.vote.id ? 1 : 0));
		list.forEach((f, i) => {
			if (f.vote.kind !== 'repeat') return;
			let original: VoteFacts | undefined;
			for (let j = i - 1; j >= 0 && !original; j--) if (list[j].vote.kind !== 'repeat') original = list[j];
			if (!original && i > 0) original = list[i - 1];
			if (!original) return;
			f.repeatOf = original.index;
			f.changed = f.outcome !== original.outcome;
			if (isDecisive(f.vote.choice) && isDecisive(original.vote.choice)) {
				f.flipped = f.changed;
				f.sameSideFlip = f.flipped && f.vote.choice === original.vote.choice;
			}
		});
	}
}
