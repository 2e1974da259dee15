import { isShortcut } from '$lib/keys';

// Keyboard map of the voting page. Letters and digits act only when focus is not in a text field;
// Ctrl/Cmd+Enter submits from anywhere. The list the page shows (KeyHelp.svelte) is VOTE_KEYS.
export interface VoteKeyActions {
	choose(value: string): unknown;
	// optional, so that another view (the compare view) can pass only the keys it supports
	/** Shift+1–4: the answer for the current criterion */
	chooseCriterion?(value: string): unknown;
	/** c: the next criterion becomes the current one */
	nextCriterion?(): unknown;
	focusRationale(): unknown;
	submit(): unknown;
	compare(): unknown;
	guidelines(): unknown;
	undo(): unknown;
	/** s: skip this pair (opens the reason) */
	skip?(): unknown;
	escape(): unknown;
}

const CHOICE_KEYS: Record<string, string> = { '1': 'left', '2': 'right', '3': 'tie', '4': 'both_bad' };

/** What the page's key help lists, in this order. */
export const VOTE_KEYS: { keys: string[]; what: string }[] = [
	{ keys: ['1', '2', '3', '4'], what: 'left better, right better, tie, both bad' },
	{ keys: ['c'], what: 'next criterion' },
	{ keys: ['Shift+1', '…', 'Shift+4'], what: 'answer the current criterion (then the next one is current)' },
	{ keys: ['r'], what: 'write the rationale' },
	{ keys: ['Ctrl+Enter'], what: 'submit the vote' },
	{ keys: ['s'], what: 'skip this pair (choose a reason, Enter)' },
	{ keys: ['u'], what: 'undo the last vote (30 s)' },
	{ keys: ['f'], what: 'compare view' },
	{ keys: ['g'], what: 'guidelines' },
	{ keys: ['Esc'], what: 'leave a text field, close a panel' }
];

export function handleVoteKey(e: KeyboardEvent, actions: VoteKeyActions): void {
	if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
		e.preventDefault();
		actions.submit();
		return;
	}
	if (e.key === 'Escape') {
		actions.escape();
		return;
	}
	if (!isShortcut(e)) return;
	const run = (action: () => unknown) => {
		e.preventDefault();
		action();
	};
	// Shift+digit by the key's place (e.key is "!" or "@" on a US layout); a layout that needs Shift
	// for the digits themselves still gets the main choice from e.key below
	const digit = /^Digit([1-4])$/.exec(e.code)?.[1];
	if (e.shiftKey && digit && !CHOICE_KEYS[e.key]) {
		if (actions.chooseCriterion) run(() => actions.chooseCriterion!(CHOICE_KEYS[digit]));
		return;
	}
	if (CHOICE_KEYS[e.key]) return run(() => actions.choose(CHOICE_KEYS[e.key]));
	switch (e.key.toLowerCase()) {
		case 'c':
			return actions.nextCriterion && run(actions.nextCriterion);
		case 'r':
			return run(actions.focusRationale);
		case 'f':
			return run(actions.compare);
		case 'g':
			return run(actions.guidelines);
		case 'u':
			return run(actions.undo);
		case 's':
			return actions.skip && run(actions.skip);
	}
}
