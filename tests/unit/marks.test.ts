// Region marks, missing prompt elements and reason tags as pure code: where a pointer on screen lands
// on the image (letterboxed or zoomed and panned), which prompt elements exist, and the checks of
// the vote body's fields.
import { describe, expect, it } from 'vitest';
import {
	MAX_MARKS_PER_IMAGE,
	boxToImage,
	containPlacement,
	imageToBox,
	nudgeRegion,
	parseMarks,
	parseMissing,
	parseTags,
	promptElements,
	regionBetween,
	tagCredit
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
