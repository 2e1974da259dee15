// The compare view's geometry: fit for any image and pane, zoom about a point keeps that point
// under the cursor, and the view never loses the image.
import { describe, expect, it } from 'vitest';
import {
	FIT,
	MAX_PIXEL_SCALE,
	actualSize,
	fitScale,
	panBy,
	placement,
	zoomAt,
	type Point,
	type Size,
	type View
} from '../../src/routes/c/[slug]/vote/compare-zoom.ts';

/** mulberry32: the same sizes and points on every run */
function rng(seed: number) {
	return () => {
		seed = (seed + 0x6d2b79f5) | 0;
		let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
const random = rng(16);
const between = (lo: number, hi: number) => lo + random() * (hi - lo);
const size = (): Size => ({ width: Math.round(between(16, 8192)), height: Math.round(between(16, 8192)) });

/** Where image point (u, v) (fractions of the image) is on screen. */
function screenOf(view: View, image: Size, pane: Size, u: number, v: number): Point {
	const p = placement(view, image, pane);
	return { x: p.x + u * image.width * p.scale, y: p.y + v * image.height * p.scale };
}

/** The image point (fractions) under a screen point. */
function imageAt(view: View, image: Size, pane: Size, at: Point) {
	const p = placement(view, image, pane);
	return { u: (at.x - p.x) / (image.width * p.scale), v: (at.y - p.y) / (image.height * p.scale) };
}

describe('compare view geometry', () => {
	it('fits any image in any pane: whole, touching two sides, centred', () => {
		for (let i = 0; i < 2000; i++) {
			const image = size();
			const pane = { width: Math.round(between(50, 4000)), height: Math.round(between(50, 3000)) };
			const s = fitScale(image, pane);
			const p = placement(FIT, image, pane);
			const w = image.width * s;
			const h = image.height * s;
			expect(w).toBeLessThanOrEqual(pane.width + 1e-6);
			expect(h).toBeLessThanOrEqual(pane.height + 1e-6);
			// it fills the pane in width or in height
			expect(Math.max(w / pane.width, h / pane.height)).toBeCloseTo(1, 9);
			expect(p.x).toBeCloseTo((pane.width - w) / 2, 6);
			expect(p.y).toBeCloseTo((pane.height - h) / 2, 6);
		}
	});

	it('shows a 512² image in a 958×700 pane at 700 px (larger than 100%), a 4096×1024 one at 958 px wide', () => {
		expect(fitScale({ width: 512, height: 512 }, { width: 958, height: 700 })).toBeCloseTo(700 / 512, 12);
		expect(fitScale({ width: 4096, height: 1024 }, { width: 958, height: 700 })).toBeCloseTo(958 / 4096, 12);
		// sizes not measured yet: no division by zero
		expect(fitScale({ width: 512, height: 512 }, { width: 0, height: 0 })).toBe(1);
	});

	it('keeps the image point under the cursor where it is when zooming in', () => {
		for (let i = 0; i < 2000; i++) {
			const image = size();
			const pane = { width: Math.round(between(100, 2000)), height: Math.round(between(100, 1500)) };
			// a view already zoomed and panned somewhere, and a cursor over the image
			let view = zoomAt(FIT, between(1, 4), image, pane);
			view = panBy(view, between(-300, 300), between(-300, 300), image, pane);
			const p = placement(view, image, pane);
			const at = {
				x: Math.max(0, p.x) + random() * (Math.min(pane.width, p.x + image.width * p.scale) - Math.max(0, p.x)),
				y: Math.max(0, p.y) + random() * (Math.min(pane.height, p.y + image.height * p.scale) - Math.max(0, p.y))
			};
			const under = imageAt(view, image, pane, at);
			const factor = between(1.01, 3);
			const next = zoomAt(view, factor, image, pane, at);
			if (next.zoom < view.zoom * factor - 1e-9) continue; // stopped at the maximum: another test
			expect(next.zoom).toBeCloseTo(view.zoom * factor, 9);
			const after = screenOf(next, image, pane, under.u, under.v);
			expect(after.x).toBeCloseTo(at.x, 6);
			expect(after.y).toBeCloseTo(at.y, 6);
		}
	});

	it('keeps the point fixed when zooming out too, as long as the image still covers the centre', () => {
		const image = { width: 1024, height: 768 };
		const pane = { width: 800, height: 600 };
		const view: View = { zoom: 8, cx: 0.4, cy: 0.6 };
		const at = { x: 500, y: 350 };
		const under = imageAt(view, image, pane, at);
		const next = zoomAt(view, 0.5, image, pane, at);
		expect(next.zoom).toBe(4);
		const after = screenOf(next, image, pane, under.u, under.v);
		expect(after.x).toBeCloseTo(at.x, 9);
		expect(after.y).toBeCloseTo(at.y, 9);
	});

	it('zooms about the centre by default (keys), and back to fit centred', () => {
		const image = { width: 2048, height: 2048 };
		const pane = { width: 958, height: 700 };
		const centre = imageAt(FIT, image, pane, { x: 479, y: 350 });
		const zoomed = zoomAt(FIT, 1.25, image, pane);
		expect(zoomed).toEqual({ zoom: 1.25, cx: centre.u, cy: centre.v });
		const panned = panBy(zoomed, 40, -20, image, pane);
		// zooming out past fit stops at fit, centred again
		expect(zoomAt(panned, 0.1, image, pane)).toEqual(FIT);
	});

	it('never zooms out below fit (or 100% for a small image), nor in beyond 16 screen pixels per pixel', () => {
		const pane = { width: 958, height: 700 };
		const big = { width: 2048, height: 2048 };
		expect(zoomAt(FIT, 0.5, big, pane).zoom).toBe(1);
		const deep = zoomAt(FIT, 1e6, big, pane);
		expect(fitScale(big, pane) * deep.zoom).toBeCloseTo(MAX_PIXEL_SCALE, 9);
		// a 256² image fits at 700/256 = 2.7×; it may be shown at its own size, not smaller
		const small = { width: 256, height: 256 };
		const out = zoomAt(FIT, 0.01, small, pane);
		expect(fitScale(small, pane) * out.zoom).toBeCloseTo(1, 9);
	});

	it('pans no further than to put an image edge at the centre, and not at fit', () => {
		const image = { width: 1000, height: 1000 };
		const pane = { width: 500, height: 500 };
		expect(panBy(FIT, 100, 100, image, pane)).toEqual(FIT);
		const view = zoomAt(FIT, 4, image, pane);
		const far = panBy(view, 1e6, -1e6, image, pane);
		expect(far).toEqual({ zoom: 4, cx: 0, cy: 1 });
		// a drag moves the picture with the pointer, pixel for pixel
		const before = screenOf(view, image, pane, 0.5, 0.5);
		const after = screenOf(panBy(view, 30, -12, image, pane), image, pane, 0.5, 0.5);
		expect(after.x - before.x).toBeCloseTo(30, 9);
		expect(after.y - before.y).toBeCloseTo(-12, 9);
	});

	it('shows an image at its own pixel size with 100%', () => {
		const image = { width: 2048, height: 1024 };
		const pane = { width: 958, height: 700 };
		const view = actualSize(FIT, image, pane);
		expect(placement(view, image, pane).scale).toBeCloseTo(1, 12);
	});
});
