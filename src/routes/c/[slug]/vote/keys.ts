import { isShortcut } from '$lib/keys';

// Keyboard map of the voting page. Letters and digits act only when focus is not in a text field;
// Ctrl/Cmd+Enter submits from anywhere.
export interface VoteKeyActions {
	choose(value: string): unknown;
	focusRationale(): unknown;
	submit(): unknown;
	compare(): unknown;
	guidelines(): unknown;
	undo(): unknown;
	escape(): unknown;
}

const CHOICE_KEYS: Record<string, string> = { '1': 'left', '2': 'right', '3': 'tie', '4': 'both_bad' };

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
	if (CHOICE_KEYS[e.key]) return run(() => actions.choose(CHOICE_KEYS[e.key]));
	switch (e.key.toLowerCase()) {
		case 'r':
			return run(actions.focusRationale);
		case 'f':
			return run(actions.compare);
		case 'g':
			return run(actions.guidelines);
		case 'u':
			return run(actions.undo);
	}
}
