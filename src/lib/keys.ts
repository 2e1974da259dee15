// Single-key shortcuts must never fire while someone is typing. "Typing" is any element that takes
// text: textarea, select, contenteditable, and every input that is not a plain toggle or button —
// including an <input> without a type attribute (its `type` property reads "text").
const NON_TEXT_INPUTS = new Set(['radio', 'checkbox', 'button', 'submit', 'reset', 'image', 'hidden', 'range', 'color', 'file']);

export function isTypingTarget(target: EventTarget | null): boolean {
	if (typeof HTMLElement === 'undefined' || !(target instanceof HTMLElement)) return false;
	if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
	return target instanceof HTMLInputElement && !NON_TEXT_INPUTS.has(target.type);
}

/** A bare key (no Ctrl/Cmd/Alt) pressed outside any text field: the only kind a page shortcut may act on. */
export function isShortcut(e: KeyboardEvent): boolean {
	return !e.ctrlKey && !e.metaKey && !e.altKey && !isTypingTarget(e.target);
}
