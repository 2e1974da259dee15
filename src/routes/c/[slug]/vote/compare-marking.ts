// The keyboard marking mode inside the compare view, on the same Marking as the page: `m` starts the
// cursor at the centre of what the (zoomed, panned) view shows, its steps get finer as the view
// zooms in, and the view pans to follow it so that it never leaves the screen. The geometry is
// src/lib/marks.ts; the keys are keys.ts.
import { centreOf, stepAtZoom, visibleRegion, type Side } from '$lib/marks';
import type { CompareState } from './compare-state.svelte';
import { CURSOR_STEP, type Marking } from './marking.svelte';
import { handleMarkingKey } from './keys';
import type { Pair } from './vote-session.svelte';

export class CompareMarking {
	constructor(
		private readonly compare: CompareState,
		private readonly getMarking: () => Marking | undefined,
		private readonly pair: () => Pair
	) {}

	/**
	 * m: the cursor on the focused pane, on the image shown (flip), else on the left; m while
	 * marking: on the other image (shown, when flipped). The side it went to, or null (no kinds).
	 */
	start(focused: Side | undefined): Side | null {
		const { compare } = this;
		const marking = this.getMarking();
		if (!marking?.kinds().length) return null;
		const other = marking.cursor?.side === 'left' ? 'right' : 'left';
		const side: Side = marking.cursor ? other : compare.flip ? compare.showing : (focused ?? 'left');
		if (compare.flip) compare.showing = side;
		const image = this.pair()[side];
		marking.start(side, centreOf(visibleRegion(compare.placementOf(image), image, compare.pane)));
		return side;
	}

	/** While the cursor is on: its keys (arrows, Shift+arrows, digits, Enter, Esc). True when the key was one. */
	handle(e: KeyboardEvent): boolean {
		const { compare } = this;
		const marking = this.getMarking();
		if (!marking?.cursor || e.key === 'm') return false;
		return handleMarkingKey(e, stepAtZoom(CURSOR_STEP, compare.view.zoom), {
			move: (d) => {
				marking.move(d);
				if (marking.cursor) compare.follow(marking.cursor.region, this.pair()[marking.cursor.side]);
			},
			pickKind: (digit) => marking.pickKind(digit),
			place: () => marking.place(),
			cancel: () => marking.cancel()
		});
	}
}
