// The compare view's zoom and pan as pure geometry, so that it can be tested without a browser.
//
// A view is kept relative to "fit" (the whole image visible in its pane) and to the image itself
// (the point at the pane's centre as fractions of width and height), not in pixels: both images
// then show the same part of the picture even when their sizes differ, and a view survives a
// change of pane size (side by side ⇄ flip, a resized window).

export interface Size {
	width: number;
	height: number;
}

export interface Point {
	x: number;
	y: number;
}

export interface View {
	/** Magnification over fit: 1 = the whole image fits its pane. */
	zoom: number;
	/** The image point shown at the pane's centre, as fractions (0…1) of the image's width and height. */
	cx: number;
	cy: number;
}

/** Where an image is drawn in its pane: top-left corner (pane pixels) and pixels per image pixel. */
export interface Placement {
	x: number;
	y: number;
	scale: number;
}

export const FIT: View = { zoom: 1, cx: 0.5, cy: 0.5 };
/** Zooming in stops at 16 screen pixels per image pixel (enough to see single pixels). */
export const MAX_PIXEL_SCALE = 16;

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
const usable = (s: Size) => s.width > 0 && s.height > 0 && Number.isFinite(s.width) && Number.isFinite(s.height);

/** Screen pixels per image pixel at which the whole image fits the pane (1 while either is unknown). */
export function fitScale(image: Size, pane: Size): number {
	if (!usable(image) || !usable(pane)) return 1;
	return Math.min(pane.width / image.width, pane.height / image.height);
}

/** The largest zoom (over fit) for this image in this pane; never below fit. */
export function maxZoom(image: Size, pane: Size): number {
	return Math.max(1, MAX_PIXEL_SCALE / fitScale(image, pane));
}

/** The smallest zoom: fit, or the image's own pixel size when that is smaller (an image smaller than its pane). */
export function minZoom(image: Size, pane: Size): number {
	return Math.min(1, 1 / fitScale(image, pane));
}

export function placement(view: View, image: Size, pane: Size): Placement {
	const scale = fitScale(image, pane) * view.zoom;
	return {
		scale,
		x: pane.width / 2 - view.cx * image.width * scale,
		y: pane.height / 2 - view.cy * image.height * scale
	};
}

/** Keeps the zoom between its bounds, and the pane's centre on the image. */
export function clampView(view: View, image: Size, pane: Size): View {
	const zoom = clamp(view.zoom, minZoom(image, pane), maxZoom(image, pane));
	// at fit or below, the whole image is visible: centred again (no stray offset left from panning)
	if (zoom <= 1) return { zoom, cx: 0.5, cy: 0.5 };
	return { zoom, cx: clamp(view.cx, 0, 1), cy: clamp(view.cy, 0, 1) };
}

/**
 * Zoom by `factor` keeping the image point under `at` (pane pixels) where it is: the cursor for the
 * wheel; the pane's centre (the default) for keys and buttons.
 */
export function zoomAt(view: View, factor: number, image: Size, pane: Size, at?: Point): View {
	if (!usable(image) || !usable(pane) || !(factor > 0)) return view;
	const point = at ?? { x: pane.width / 2, y: pane.height / 2 };
	const before = placement(view, image, pane);
	// the image point under the cursor, as fractions of the image
	const u = (point.x - before.x) / (image.width * before.scale);
	const v = (point.y - before.y) / (image.height * before.scale);
	const zoom = clamp(view.zoom * factor, minZoom(image, pane), maxZoom(image, pane));
	const scale = fitScale(image, pane) * zoom;
	return clampView(
		{
			zoom,
			cx: u - (point.x - pane.width / 2) / (image.width * scale),
			cy: v - (point.y - pane.height / 2) / (image.height * scale)
		},
		image,
		pane
	);
}

/** Moves the picture by (dx, dy) screen pixels, as a drag or an arrow key does. */
export function panBy(view: View, dx: number, dy: number, image: Size, pane: Size): View {
	if (!usable(image) || !usable(pane) || view.zoom <= 1) return view;
	const { scale } = placement(view, image, pane);
	return clampView({ zoom: view.zoom, cx: view.cx - dx / (image.width * scale), cy: view.cy - dy / (image.height * scale) }, image, pane);
}

/** The view at which the image is shown at its own pixel size (1 image pixel = 1 screen pixel), centred where it was. */
export function actualSize(view: View, image: Size, pane: Size): View {
	return clampView({ ...view, zoom: 1 / fitScale(image, pane) }, image, pane);
}
