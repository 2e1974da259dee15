// The compare view's state: one view shared by both images (same zoom, same part of the picture),
// side by side or flipped in one place. The geometry is compare-zoom.ts.
import type { Pair } from './vote-session.svelte';
import { FIT, actualSize, fitScale, panBy, zoomAt, type Point, type Size, type View } from './compare-zoom';

export type Side = 'left' | 'right';

/** The gap between the two panes (px). */
export const PANE_GAP = 4;
/** One step of the zoom keys and buttons. */
export const ZOOM_STEP = 1.25;

export class CompareState {
	view = $state<View>(FIT);
	flip = $state(false);
	showing = $state<Side>('left');
	/** The box both panes share, as measured. */
	area = $state<Size>({ width: 0, height: 0 });

	constructor(private readonly pair: () => Pair) {}

	/** One pane's size: the whole area when flipped, half of it side by side. */
	get pane(): Size {
		const { width, height } = this.area;
		return this.flip ? { width, height } : { width: Math.max(0, (width - PANE_GAP) / 2), height };
	}

	/** The image that zoom and pan are reckoned on when no pointer says which: the one shown, or the left. */
	private get reference(): Size {
		return this.pair()[this.flip ? this.showing : 'left'];
	}

	/** Screen pixels per image pixel of the reference image, as a percentage. */
	get percent(): number {
		return Math.round(fitScale(this.reference, this.pane) * this.view.zoom * 100);
	}

	reset() {
		this.view = FIT;
		this.flip = false;
		this.showing = 'left';
	}

	fit() {
		this.view = FIT;
	}

	actual() {
		this.view = actualSize(this.view, this.reference, this.pane);
	}

	/** Zoom about `at` in the pane of `image` (the cursor), or about the centre. */
	zoom(factor: number, at?: Point, image: Size = this.reference) {
		this.view = zoomAt(this.view, factor, image, this.pane, at);
	}

	pan(dx: number, dy: number, image: Size = this.reference) {
		this.view = panBy(this.view, dx, dy, image, this.pane);
	}

	/** The first flip shows the left image; each next one the other side. */
	toggleFlip() {
		if (!this.flip) {
			this.flip = true;
			this.showing = 'left';
		} else this.showing = this.showing === 'left' ? 'right' : 'left';
	}

	sideBySide() {
		this.flip = false;
	}
}
