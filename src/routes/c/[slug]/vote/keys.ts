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
const ARROWS: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
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

/** The compare view's own keys (CompareView.svelte), listed under the page's on the page. */
export const COMPARE_KEYS: { keys: string[]; what: string }[] = [
	{ keys: ['+', '−'], what: 'zoom in, out (the wheel: about the pointer)' },
	{ keys: ['0'], what: 'fit' },
	{ keys: ['a'], what: '100% (one image pixel per screen pixel)' },
	{ keys: ['←', '↑', '→', '↓'], what: 'pan (drag with the mouse)' },
	{ keys: ['space'], what: 'flip: one image at a time, the other side at each press' },
	{ keys: ['s'], what: 'side by side again' },
	{ keys: ['1', '2', '3', '4'], what: 'choose, as on the page' },
	{ keys: ['Ctrl+Enter'], what: 'close and submit the vote' },
	{ keys: ['m'], what: 'mark a region on the focused image, the one shown, else the left (m again: the other image)' },
	{
		keys: ['←', '↑', '→', '↓'],
		what: 'while marking: move the cursor, finer when zoomed in; the view follows it (Shift: resize)'
	},
	{ keys: ['1', '…', '9'], what: 'while marking: the kind of mark (not the choice)' },
	{ keys: ['Enter'], what: 'while marking: place the mark' },
	{ keys: ['Shift+drag'], what: 'mark with the mouse (Shift+click: a point)' },
	{ keys: ['Esc'], what: 'cancel the mark being placed, else close the compare view (also f)' }
];

/** What the compare view's keys act on. */
export interface CompareKeyActions {
	choose(value: string): unknown;
	submit(): unknown;
	flip(): unknown;
	sideBySide(): unknown;
	/** by a factor: ZOOM_STEP in, 1 / ZOOM_STEP out */
	zoom(direction: 1 | -1): unknown;
	fit(): unknown;
	actual(): unknown;
	pan(dx: number, dy: number): unknown;
	mark(): unknown;
	close(): unknown;
}

/** Screen pixels an arrow key pans the compare view by. */
export const PAN_STEP = 60;

/**
 * The compare view's keys (the marking mode's, handleMarkingKey, come first while it is on).
 * True when the key was one of them: it was prevented, and the page's keys must not act on it too.
 */
export function handleCompareKey(e: KeyboardEvent, actions: CompareKeyActions): boolean {
	const act = (action: () => unknown) => {
		e.preventDefault();
		action();
		return true;
	};
	if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) return act(actions.submit);
	if (!isShortcut(e)) return false;
	if (CHOICE_KEYS[e.key]) return act(() => actions.choose(CHOICE_KEYS[e.key]));
	const arrow = ARROWS[e.key];
	// the picture moves the other way from the arrow: → shows more of the right
	if (arrow) return act(() => actions.pan(-arrow[0] * PAN_STEP, -arrow[1] * PAN_STEP));
	switch (e.key) {
		case ' ':
			return act(actions.flip);
		case 's':
			return act(actions.sideBySide);
		case '+':
		case '=':
			return act(() => actions.zoom(1));
		case '-':
			return act(() => actions.zoom(-1));
		case '0':
			return act(actions.fit);
		case 'a':
			return act(actions.actual);
		case 'm':
			return act(actions.mark);
		// closed here rather than by the dialog's own cancel, whose close event comes a task later: a
		// key pressed in between would still find the view open
		case 'f':
		case 'Escape':
			return act(actions.close);
	}
	return false;
}

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
