// The compare view's state: one view shared by both images (same zoom, same part of the picture),
// side by side or flipped in one place. The geometry is compare-zoom.ts.
import type { Pair } from './vote-session.svelte';
import { panToShow, type Region } from '$lib/marks';
import { FIT, actualSize, fitScale, panBy, placement, zoomAt, type Placement, type Point, type Size, type View } from './compare-zoom';

export type Side = 'left' | 'right';

/** The gap between the two panes (px). */
export const PANE_GAP = 4;
/** One step of the zoom keys and buttons. */
export const ZOOM_STEP = 1.25;
/** Screen pixels kept between the keyboard cursor and the pane's edge when the view follows it. */
const FOLLOW_MARGIN = 24;

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

	/** Where `image` is drawn in its pane under the current view. */
	placementOf(image: Size): Placement {
		return placement(this.view, image, this.pane);
	}

	/** Pans just enough that `region` of `image` (0–1) is in view: the keyboard cursor never leaves the screen. */
	follow(region: Region, image: Size) {
		const d = panToShow(region, this.placementOf(image), image, this.pane, FOLLOW_MARGIN);
		if (d.x || d.y) this.pan(d.x, d.y, image);
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
