// Tab and Shift+Tab wrap around inside a modal container. showModal() already makes the page behind
// inert, but without this Tab leaves the dialog for the browser's own chrome.

const FOCUSABLE = 'button:not([disabled]), [tabindex="0"]';

/** Moves focus to the other end when Tab would leave `container`; returns whether it did. */
export function wrapTab(container: HTMLElement, e: KeyboardEvent): boolean {
	const items = [...container.querySelectorAll<HTMLElement>(FOCUSABLE)];
	if (!items.length) return false;
	const active = document.activeElement;
	if (e.shiftKey && (active === items[0] || active === container)) {
		e.preventDefault();
		items[items.length - 1].focus();
		return true;
	}
	if (!e.shiftKey && active === items[items.length - 1]) {
		e.preventDefault();
		items[0].focus();
		return true;
	}
	return false;
}
