// The voting page's life around its pairs: prefetch on load, active time only while visible, and
// every new pair starting at the top. Called while the page component initialises.
import { onMount, tick } from 'svelte';
import type { VoteSession } from './vote-session.svelte';

/** A clock that ticks each second (the undo link's 30 seconds). */
export class Clock {
	now = $state(Date.now());
	constructor() {
		onMount(() => {
			const timer = setInterval(() => (this.now = Date.now()), 1000);
			return () => clearInterval(timer);
		});
	}
}

/**
 * Every new pair (after a vote, a skip, an undo) starts at the top: focus on the prompt, so that
 * the keys act on it and a screen reader reads it. The first pair of a page load keeps the
 * browser's own focus. `onNewPair` resets the page's own state for it.
 */
export function followPairs(session: VoteSession, onNewPair: () => void) {
	onMount(() => {
		void session.prefetch();
		const visibility = () => session.visibilityChanged(document.visibilityState === 'visible');
		document.addEventListener('visibilitychange', visibility);
		return () => document.removeEventListener('visibilitychange', visibility);
	});
	let shownId = session.pair?.id;
	$effect(() => {
		const id = session.pair?.id;
		if (id === shownId) return;
		shownId = id;
		onNewPair();
		void tick().then(() => {
			const prompt = document.getElementById('prompt') ?? document.getElementById('nothing-left');
			prompt?.focus({ preventScroll: true });
			window.scrollTo({ top: 0 });
		});
	});
}
