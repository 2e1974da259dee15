// Region marks, missing prompt elements and reason tags as pure code: where a pointer on screen lands
// on the image (letterboxed or zoomed and panned), which prompt elements exist, and the checks of
// the vote body's fields.
import { describe, expect, it } from 'vitest';
import {
	MAX_MARKS_PER_IMAGE,
	boxToImage,
	centreOf,
	containPlacement,
	imageToBox,
	nudgeRegion,
	panToShow,
	parseMarks,
	parseMissing,
	parseTags,
	promptElements,
	regionBetween,
	stepAtZoom,
	tagCredit,
	visibleRegion
} from '../../src/lib/marks.ts';
import { placement, zoomAt, panBy, FIT } from '../../src/routes/c/[slug]/vote/compare-zoom.ts';

describe('screen → image coordinates with object-fit: contain', () => {
	it('a wide image in a tall box has bars above and below; the corners of the drawn image are 0 and 1', () => {
		const natural = { width: 1600, height: 900 };
		const box = { width: 400, height: 400 };
		const p = containPlacement(natural, box);
		expect(p.scale).toBeCloseTo(0.25);
		expect(p.x).toBeCloseTo(0);
		// 900 × 0.25 = 225 px tall, centred: (400 − 225) / 2 = 87.5 px bar on top
		expect(p.y).toBeCloseTo(87.5);
		expect(boxToImage({ x: 0, y: 87.5 }, p, natural)).toEqual({ x: 0, y: 0 });
		const br = boxToImage({ x: 400, y: 312.5 }, p, natural);
		expect(br.x).toBeCloseTo(1);
		expect(br.y).toBeCloseTo(1);
		// the bar itself is off the image
		expect(boxToImage({ x: 200, y: 40 }, p, natural).y).toBeLessThan(0);
	});

	it('a tall image in a wide box has bars left and right', () => {
		const natural = { width: 512, height: 1024 };
		const box = { width: 800, height: 400 };
		const p = containPlacement(natural, box);
		// height fits: 400 / 1024; drawn 200 px wide, centred at x = 300
		expect(p.x).toBeCloseTo(300);
		const mid = boxToImage({ x: 400, y: 100 }, p, natural);
		expect(mid.x).toBeCloseTo(0.5);
		expect(mid.y).toBeCloseTo(0.25);
	});

	it('round-trips for many sizes and aspects', () => {
		for (const [nw, nh, bw, bh] of [
			[1024, 1024, 300, 500],
			[640, 480, 1366, 300],
			[300, 2000, 500, 500],
			[4000, 100, 200, 900],
			[7, 5, 1000, 1000]
		]) {
			const natural = { width: nw, height: nh };
			const p = containPlacement(natural, { width: bw, height: bh });
			for (const q of [
				{ x: 0.1, y: 0.9 },
				{ x: 0.5, y: 0.5 },
				{ x: 1, y: 0 }
			]) {
				const back = boxToImage(imageToBox(q, p, natural), p, natural);
				expect(back.x).toBeCloseTo(q.x, 9);
				expect(back.y).toBeCloseTo(q.y, 9);
			}
		}
	});
});

describe('screen → image coordinates in the zoomed, panned compare view', () => {
	it('the image point under the pane centre is the view centre; a zoom about a point keeps it under that point', () => {
		const image = { width: 2048, height: 1024 };
		const pane = { width: 600, height: 600 };
		let view = zoomAt(FIT, 4, image, pane, { x: 150, y: 300 });
		view = panBy(view, -50, 30, image, pane);
		const p = placement(view, image, pane);
		const centre = boxToImage({ x: 300, y: 300 }, p, image);
		expect(centre.x).toBeCloseTo(view.cx, 9);
		expect(centre.y).toBeCloseTo(view.cy, 9);
		// by hand: fit scale 600/2048; zoom 4 → 1.171875 px per image px; one screen px = 1/2400 of the width
		expect(p.scale).toBeCloseTo((600 / 2048) * 4, 9);
		const right = boxToImage({ x: 400, y: 300 }, p, image);
		expect(right.x - centre.x).toBeCloseTo(100 / (2048 * p.scale), 9);
		expect(right.y).toBeCloseTo(centre.y, 9);
	});
});

describe('the keyboard cursor in the zoomed, panned compare view (by hand)', () => {
	// a 1000×500 image in a 400×400 pane: fit scale min(400/1000, 400/500) = 0.4, drawn 400×200 at y = 100
	const image = { width: 1000, height: 500 };
	const pane = { width: 400, height: 400 };
	// zoom 2 about the centre: 0.8 px per image px, drawn 800×400 at x = 200 − 0.5·800 = −200, y = 200 − 0.5·400 = 0
	const zoomed = zoomAt(FIT, 2, image, pane);
	// then the picture dragged 100 px to the left: the centre moves 100/800 = 0.125 to the right, x = −300
	const panned = panBy(zoomed, -100, 0, image, pane);

	it('the views are the ones computed by hand', () => {
		expect(zoomed).toEqual({ zoom: 2, cx: 0.5, cy: 0.5 });
		expect(placement(zoomed, image, pane)).toEqual({ scale: 0.8, x: -200, y: 0 });
		expect(panned.cx).toBeCloseTo(0.625, 12);
		const p = placement(panned, image, pane);
		expect(p.x).toBeCloseTo(-300, 9);
		expect(p.y).toBeCloseTo(0, 9);
	});

	it('a pointer in the pane lands where the hand computation says', () => {
		// (100 + 300) / 800 = 0.5 across, 50 / 400 = 0.125 down
		const q = boxToImage({ x: 100, y: 50 }, placement(panned, image, pane), image);
		expect(q.x).toBeCloseTo(0.5, 12);
		expect(q.y).toBeCloseTo(0.125, 12);
		// and back: the outline of a mark at (0.5, 0.125) is drawn at (100, 50)
		const back = imageToBox({ x: 0.5, y: 0.125 }, placement(panned, image, pane), image);
		expect(back.x).toBeCloseTo(100, 9);
		expect(back.y).toBeCloseTo(50, 9);
	});

	it('what is on screen: the whole image at fit, a window of it zoomed in; the cursor starts at its centre', () => {
		// at fit the bars (y < 100, y > 300) are off the image: clamped, the whole image is visible
		expect(visibleRegion(placement(FIT, image, pane), image, pane)).toEqual({ x: 0, y: 0, w: 1, h: 1 });
		// zoom 2: x from 200/800 to 600/800, y from 0 to 400/400
		expect(visibleRegion(placement(zoomed, image, pane), image, pane)).toEqual({ x: 0.25, y: 0, w: 0.5, h: 1 });
		// panned: x from 300/800 = 0.375 to 700/800 = 0.875
		const seen = visibleRegion(placement(panned, image, pane), image, pane);
		expect(seen.x).toBeCloseTo(0.375, 12);
		expect(seen.w).toBeCloseTo(0.5, 12);
		expect(centreOf(seen).x).toBeCloseTo(0.625, 12);
		expect(centreOf(seen).y).toBeCloseTo(0.5, 12);
	});

	it('a cursor step covers as many screen pixels zoomed as at fit', () => {
		expect(stepAtZoom(0.02, 1)).toBe(0.02);
		expect(stepAtZoom(0.02, 2)).toBe(0.01);
		// never coarser than at fit (an image smaller than its pane shows below fit)
		expect(stepAtZoom(0.02, 0.5)).toBe(0.02);
		// 0.02 of 400 px at fit = 8 px; 0.01 of 800 px at zoom 2 = 8 px
		expect(0.02 * image.width * 0.4).toBeCloseTo(stepAtZoom(0.02, 2) * image.width * 0.8, 12);
	});

	it('the view follows a cursor that leaves it, by the pixels computed by hand', () => {
		const p = placement(panned, image, pane);
		// in view: no pan
		expect(panToShow({ x: 0.5, y: 0.5, w: 0.05, h: 0.05 }, p, image, pane, 10)).toEqual({ x: 0, y: 0 });
		// right edge at −300 + 0.95·800 = 460 px, 70 px past 400 − 10: the picture moves 70 px left
		const d = panToShow({ x: 0.9, y: 0.5, w: 0.05, h: 0.1 }, p, image, pane, 10);
		expect(d.x).toBeCloseTo(-70, 9);
		expect(d.y).toBe(0);
		const followed = placement(panBy(panned, d.x, d.y, image, pane), image, pane);
		expect(imageToBox({ x: 0.95, y: 0.6 }, followed, image).x).toBeCloseTo(390, 9);
		// a point left of the view at −300 + 0.1·800 = −220 px: the picture moves 230 px right
		expect(panToShow({ x: 0.1, y: 0.5, w: 0, h: 0 }, p, image, pane, 10).x).toBeCloseTo(230, 9);
		// a region larger than the pane: its top-left corner comes into view first
		expect(panToShow({ x: 0, y: 0, w: 1, h: 1 }, p, image, pane, 10)).toEqual({ x: 310, y: 10 });
	});
});

describe('regions from drags and keys', () => {
	it('a drag in any direction is a box with its top-left first; a tiny drag is a point', () => {
		expect(regionBetween({ x: 0.6, y: 0.7 }, { x: 0.2, y: 0.3 })).toMatchObject({
			x: 0.2,
			y: 0.3,
			w: expect.closeTo(0.4),
			h: expect.closeTo(0.4)
		});
		expect(regionBetween({ x: 0.5, y: 0.5 }, { x: 0.501, y: 0.6 }, 0.005)).toEqual({ x: 0.5, y: 0.5, w: 0, h: 0 });
		// off the image (onto the bars) is clamped to its edge
		expect(regionBetween({ x: 0.8, y: 0.8 }, { x: 1.4, y: -0.2 })).toMatchObject({ x: 0.8, y: 0, w: expect.closeTo(0.2), h: 0.8 });
	});

	it('the keyboard cursor stays on the image; a point grows into a box and a box shrinks into a point', () => {
		const p = nudgeRegion({ x: 0.98, y: 0.5, w: 0, h: 0 }, { dx: 0.05 });
		expect(p.x).toBe(1);
		const box = nudgeRegion({ x: 0.5, y: 0.5, w: 0, h: 0 }, { dw: 0.05 });
		expect(box).toEqual({ x: 0.5, y: 0.5, w: 0.05, h: 0.05 });
		expect(nudgeRegion(box, { dh: -0.05 })).toEqual({ x: 0.5, y: 0.5, w: 0, h: 0 });
		// a box moved against the right edge keeps its size and stays whole on the image
		expect(nudgeRegion({ x: 0.5, y: 0.5, w: 0.3, h: 0.3 }, { dx: 0.4 }).x).toBeCloseTo(0.7);
	});
});

describe('promptElements', () => {
	it('lower-cases, strips punctuation, drops stopwords and repeats', () => {
		expect(promptElements('A red Fox, jumping over the lazy dog — and a RED hat!')).toEqual([
			'red',
			'fox',
			'jumping',
			'over',
			'lazy',
			'dog',
			'hat'
		]);
	});

	it('puts the campaign phrases that occur in the prompt first, in prompt order', () => {
		expect(promptElements('The Eiffel Tower at night, with a neon sign', ['neon sign', 'Eiffel tower', 'golden gate'])).toEqual([
			'eiffel tower',
			'neon sign',
			'eiffel',
			'tower',
			'night',
			'neon',
			'sign'
		]);
		// whole words only: "cat" is not in "category"
		expect(promptElements('a category chart', ['cat'])).toEqual(['category', 'chart']);
		expect(promptElements('')).toEqual([]);
	});
});

describe('validation of the vote body', () => {
	const kinds = ['artifact', 'anatomy'];
	it('accepts boxes and points; clamps a hair outside the image', () => {
		const r = parseMarks(
			[
				{ side: 'left', kind: 'artifact', x: 0.1, y: 0.2, w: 0.3, h: 0.4 },
				{ side: 'right', kind: 'anatomy', x: 1.0005, y: -0.0002 },
				{ side: 'left', kind: 'anatomy', x: 0.5, y: 0.5, w: 0, h: 0 }
			],
			kinds
		);
		expect(r).toEqual({
			ok: true,
			value: [
				{ side: 'left', kind: 'artifact', x: 0.1, y: 0.2, w: 0.3, h: 0.4 },
				{ side: 'right', kind: 'anatomy', x: 1, y: 0, w: 0, h: 0 },
				{ side: 'left', kind: 'anatomy', x: 0.5, y: 0.5, w: 0, h: 0 }
			]
		});
	});

	it.each([
		['not a list', { side: 'left' }, /list/],
		['unknown side', [{ side: 'top', kind: 'artifact', x: 0, y: 0 }], /mark 1: side/],
		['unknown kind', [{ side: 'left', kind: 'nope', x: 0, y: 0 }], /unknown kind 'nope'/],
		['outside', [{ side: 'left', kind: 'artifact', x: 1.2, y: 0 }], /within the image/],
		['box past the edge', [{ side: 'left', kind: 'artifact', x: 0.8, y: 0, w: 0.3, h: 0.1 }], /within the image/],
		['zero-area box', [{ side: 'left', kind: 'artifact', x: 0.1, y: 0.1, w: 0.2, h: 0 }], /width and a height/],
		['negative size', [{ side: 'left', kind: 'artifact', x: 0.5, y: 0.5, w: -0.1, h: -0.1 }], /negative/],
		['not numbers', [{ side: 'left', kind: 'artifact', x: '0.1', y: 0 }], /numbers/],
		['NaN-like', [{ side: 'left', kind: 'artifact', x: null, y: 0 }], /numbers/]
	])('refuses marks: %s', (_name, raw, message) => {
		const r = parseMarks(raw, kinds);
		expect(r.ok).toBe(false);
		if (!r.ok) {
			expect(r.field).toBe('marks');
			expect(r.message).toMatch(message);
		}
	});

	it('at most 50 marks per image', () => {
		const point = (side: string) => ({ side, kind: 'artifact', x: 0.5, y: 0.5 });
		const fifty = Array.from({ length: MAX_MARKS_PER_IMAGE }, () => point('left'));
		expect(parseMarks([...fifty, ...fifty.map(() => point('right'))], kinds).ok).toBe(true);
		const r = parseMarks([...fifty, point('left')], kinds);
		expect(r).toMatchObject({ ok: false, field: 'marks', message: expect.stringMatching(/at most 50/) });
	});

	it('missing elements must be elements of the prompt', () => {
		const elements = promptElements('a red fox on snow');
		expect(parseMissing({ left: ['fox', 'fox'], right: [] }, elements)).toEqual({ ok: true, value: { left: ['fox'], right: [] } });
		expect(parseMissing({ left: ['the'] }, elements)).toMatchObject({ ok: false, field: 'missing' });
		expect(parseMissing({ top: ['fox'] }, elements)).toMatchObject({ ok: false, field: 'missing' });
		expect(parseMissing(['fox'], elements)).toMatchObject({ ok: false, field: 'missing' });
		expect(parseMissing(undefined, elements)).toEqual({ ok: true, value: { left: [], right: [] } });
	});

	it('tags must be the campaign keys; their credit is the labels length', () => {
		const tags = [
			{ key: 'sharper', label: 'Sharper' },
			{ key: 'prompt', label: 'Follows the prompt' }
		];
		expect(parseTags(['prompt', 'sharper', 'prompt'], tags)).toEqual({ ok: true, value: ['prompt', 'sharper'] });
		expect(parseTags(['nope'], tags)).toMatchObject({ ok: false, field: 'tags', message: expect.stringMatching(/unknown tag 'nope'/) });
		expect(parseTags('sharper', tags)).toMatchObject({ ok: false, field: 'tags' });
		expect(tagCredit(['prompt', 'sharper'], tags)).toBe(18 + 7);
	});
});
