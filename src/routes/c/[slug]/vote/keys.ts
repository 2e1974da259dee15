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
	/** m: start marking (the focused image, else the left; again: the other image) */
	mark?(): unknown;
	/** q w e t y i o p: toggle the reason tag at that place */
	tag?(index: number): unknown;
	escape(): unknown;
}

const CHOICE_KEYS: Record<string, string> = { '1': 'left', '2': 'right', '3': 'tie', '4': 'both_bad' };
/** The keys of the first eight reason tags: letters no other key of the page uses. */
export const TAG_KEYS = ['q', 'w', 'e', 't', 'y', 'i', 'o', 'p'];

/** What the page's key help lists, in this order. */
export const VOTE_KEYS: { keys: string[]; what: string }[] = [
	{ keys: ['1', '2', '3', '4'], what: 'left better, right better, tie, both bad' },
	{ keys: ['c'], what: 'next criterion' },
	{ keys: ['Shift+1', '…', 'Shift+4'], what: 'answer the current criterion (then the next one is current)' },
	{ keys: ['r'], what: 'write the rationale' },
	{ keys: ['Ctrl+Enter'], what: 'submit the vote' },
	{ keys: ['s'], what: 'skip this pair (choose a reason, Enter)' },
	{ keys: ['u'], what: 'undo the last vote (30 s)' },
	{ keys: ['m'], what: 'mark a region on the focused image (else the left; m again: the other image)' },
	{ keys: ['←', '↑', '→', '↓'], what: 'while marking: move the cursor (Shift: resize; a point grows into a box)' },
	{ keys: ['1', '…', '9'], what: 'while marking: the kind of mark (the order of the kind list)' },
	{ keys: ['Enter'], what: 'while marking: place the mark (Esc cancels)' },
	{ keys: ['q', 'w', 'e', 't', 'y', 'i', 'o', 'p'], what: 'toggle the first eight reason tags' },
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
		case 'm':
			return actions.mark && run(actions.mark);
	}
	const tag = TAG_KEYS.indexOf(e.key.toLowerCase());
	if (tag >= 0 && actions.tag) run(() => actions.tag!(tag));
}

/** What the marking mode's keys act on (marking.svelte.ts). */
export interface MarkingKeyActions {
	move(d: { dx?: number; dy?: number; dw?: number; dh?: number }): unknown;
	pickKind(digit: number): unknown;
	place(): unknown;
	cancel(): unknown;
}

const ARROWS: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

/**
 * While the keyboard cursor is on an image: arrows move it by `step` (Shift: resize), a digit picks
 * the kind, Enter places, Escape cancels. True when the key was the marking mode's (the page's
 * other keys then do nothing with it).
 */
export function handleMarkingKey(e: KeyboardEvent, step: number, actions: MarkingKeyActions): boolean {
	const act = (action: () => unknown) => {
		e.preventDefault();
		action();
		return true;
	};
	if (e.key === 'Escape') return act(() => actions.cancel());
	if (!isShortcut(e)) return false;
	const arrow = ARROWS[e.key];
	if (arrow) {
		const [x, y] = arrow;
		return act(() => actions.move(e.shiftKey ? { dw: x * step, dh: y * step } : { dx: x * step, dy: y * step }));
	}
	if (e.key === 'Enter') return act(() => actions.place());
	const digit = /^Digit([1-9])$/.exec(e.code)?.[1] ?? (/^[1-9]$/.test(e.key) ? e.key : null);
	if (digit) return act(() => actions.pickKind(Number(digit)));
	return false;
}
