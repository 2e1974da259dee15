// What an evaluator points at beyond the choice, as pure code shared by the browser and the server:
// region marks (a box or a point on either image, in image-relative coordinates 0–1), prompt
// elements an image misses, and the campaign's reason tags. The vote body carries them as
//   marks:   [{ side: 'left'|'right', kind: <flag kind key>, x, y, w?, h? }]  (x, y = top-left; a point has w = h = 0)
//   missing: { left?: [element], right?: [element] }   (elements = promptElements(prompt, phrases))
//   tags:    [reason tag key]
// The parsers below return typed values or the field and a message for a 400; the coordinate
// helpers turn a pointer position on screen into image coordinates for an image drawn with
// object-fit: contain (letterboxed) and for the compare view's zoomed and panned image.

export type Side = 'left' | 'right';
export const SIDES: readonly Side[] = ['left', 'right'];

/** A region mark as stored (vote_mark): x, y the top-left (or the point), w = h = 0 for a point. */
export interface Mark {
	side: Side;
	kind: string;
	x: number;
	y: number;
	w: number;
	h: number;
}

/** A mark as the vote body may send it (w and h optional: a point). */
export interface MarkInput {
	side: Side;
	kind: string;
	x: number;
	y: number;
	w?: number;
	h?: number;
}

/** Per image, the prompt elements it misses. */
export interface Missing {
	left: string[];
	right: string[];
}

/** A campaign's reason tag: the key stored with the vote, the label the evaluator reads. */
export interface ReasonTag {
	key: string;
	label: string;
}

export type MarksField = 'marks' | 'missing' | 'tags';
export type Parsed<T> = { ok: true; value: T } | { ok: false; field: MarksField; message: string };

export const MAX_MARKS_PER_IMAGE = 50;
/** Coordinates a hair outside 0–1 (rounding in the browser) are accepted and clamped; beyond this, refused. */
export const COORD_EPSILON = 1e-3;

// ---------------------------------------------------------------------------------------------
// Prompt elements

/**
 * Words too common to be "missing" from an image. Kept short on purpose: a colour, a count or a
 * preposition that changes the scene ("under", "without", "two") stays a chip.
 */
export const STOPWORDS: ReadonlySet<string> = new Set(
	'a an the and or of to in on at by for with from as is are was were be been it its this that these those into onto very'.split(' ')
);

/** Lower-case, every character that is not a letter or a digit made a space, spaces collapsed. */
export function normaliseText(text: string): string {
	return text
		.normalize('NFKC')
		.toLowerCase()
		.replace(/[^\p{L}\p{N}]+/gu, ' ')
		.trim();
}

/**
 * The elements of a prompt an evaluator can say an image misses, in this order:
 *  1. each of the campaign's phrases (normalised as normaliseText) that occurs in the normalised
 *     prompt as whole words, in the order it appears in the prompt;
 *  2. each word of the normalised prompt that is not a stopword, once, in prompt order.
 * The same function runs on the page (the chips) and on the server (the check), so what a chip
 * shows is exactly what may be stored.
 */
export function promptElements(promptText: string, phrases: readonly string[] = []): string[] {
	const prompt = normaliseText(promptText);
	const padded = ` ${prompt} `;
	const found: { phrase: string; at: number }[] = [];
	for (const raw of phrases) {
		const phrase = normaliseText(raw);
		if (!phrase || found.some((f) => f.phrase === phrase)) continue;
		const at = padded.indexOf(` ${phrase} `);
		if (at >= 0) found.push({ phrase, at });
	}
	found.sort((a, b) => a.at - b.at);
	const out = found.map((f) => f.phrase);
	for (const word of prompt ? prompt.split(' ') : []) {
		if (!STOPWORDS.has(word) && !out.includes(word)) out.push(word);
	}
	return out;
}

// ---------------------------------------------------------------------------------------------
// Validation of the vote body's fields

const fail = <T>(field: MarksField, message: string): Parsed<T> => ({ ok: false, field, message });
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isSide = (v: unknown): v is Side => v === 'left' || v === 'right';
const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

/** `marks`: absent or null = none. `kinds` = the campaign's flag kind keys. */
export function parseMarks(raw: unknown, kinds: readonly string[]): Parsed<Mark[]> {
	if (raw === undefined || raw === null) return { ok: true, value: [] };
	if (!Array.isArray(raw)) return fail('marks', 'marks must be a list of {side, kind, x, y, w, h}');
	if (raw.length > 2 * MAX_MARKS_PER_IMAGE) return fail('marks', `at most ${MAX_MARKS_PER_IMAGE} marks per image (${raw.length} sent)`);
	const out: Mark[] = [];
	const count = { left: 0, right: 0 };
	for (let i = 0; i < raw.length; i++) {
		const m = raw[i];
		const at = `mark ${i + 1}`;
		if (!isObject(m)) return fail('marks', `${at} must be an object {side, kind, x, y, w, h}`);
		if (!isSide(m.side)) return fail('marks', `${at}: side must be left or right`);
		if (typeof m.kind !== 'string' || !kinds.includes(m.kind))
			return fail('marks', `${at}: unknown kind '${String(m.kind)}' (known: ${kinds.join(', ')})`);
		const num = (v: unknown, fallback?: number) => (v === undefined && fallback !== undefined ? fallback : v);
		const [x, y, w, h] = [num(m.x), num(m.y), num(m.w, 0), num(m.h, 0)];
		if (![x, y, w, h].every((v) => typeof v === 'number' && Number.isFinite(v)))
			return fail('marks', `${at}: x, y, w and h must be numbers`);
		const [nx, ny, nw, nh] = [x, y, w, h] as number[];
		if (nw < 0 || nh < 0) return fail('marks', `${at}: w and h cannot be negative`);
		if ((nw === 0) !== (nh === 0)) return fail('marks', `${at}: a box needs a width and a height above 0 (a point has both 0)`);
		const outside = (v: number) => v < -COORD_EPSILON || v > 1 + COORD_EPSILON;
		if (outside(nx) || outside(ny) || outside(nx + nw) || outside(ny + nh))
			return fail('marks', `${at}: coordinates must lie within the image (0 to 1)`);
		if (++count[m.side] > MAX_MARKS_PER_IMAGE) return fail('marks', `at most ${MAX_MARKS_PER_IMAGE} marks per image (${m.side})`);
		const cx = clamp01(nx);
		const cy = clamp01(ny);
		out.push({ side: m.side, kind: m.kind, x: cx, y: cy, w: Math.min(nw, 1 - cx), h: Math.min(nh, 1 - cy) });
	}
	return { ok: true, value: out };
}

/** `missing`: absent or null = none; each element one of `elements` (promptElements of the pair's prompt). */
export function parseMissing(raw: unknown, elements: readonly string[]): Parsed<Missing> {
	const value: Missing = { left: [], right: [] };
	if (raw === undefined || raw === null) return { ok: true, value };
	if (!isObject(raw)) return fail('missing', 'missing must be an object {"left":[…],"right":[…]}');
	for (const [side, list] of Object.entries(raw)) {
		if (!isSide(side)) return fail('missing', `missing has an unknown side '${side}' (use left and right)`);
		if (list === undefined || list === null) continue;
		if (!Array.isArray(list)) return fail('missing', `missing.${side} must be a list of prompt elements`);
		for (const element of list) {
			if (typeof element !== 'string' || !elements.includes(element))
				return fail('missing', `missing.${side}: '${String(element)}' is not an element of this prompt`);
			if (!value[side].includes(element)) value[side].push(element);
		}
	}
	return { ok: true, value };
}

/** `tags`: absent or null = none; each a key of the campaign's reason tags. */
export function parseTags(raw: unknown, tags: readonly ReasonTag[]): Parsed<string[]> {
	if (raw === undefined || raw === null) return { ok: true, value: [] };
	if (!Array.isArray(raw)) return fail('tags', 'tags must be a list of reason tag keys');
	const out: string[] = [];
	for (const key of raw) {
		if (typeof key !== 'string' || !tags.some((t) => t.key === key))
			return fail(
				'tags',
				`unknown tag '${String(key)}'${tags.length ? ` (known: ${tags.map((t) => t.key).join(', ')})` : ' (this campaign has no reason tags)'}`
			);
		if (!out.includes(key)) out.push(key);
	}
	return { ok: true, value: out };
}

/**
 * How many characters the chosen tags add to the rationale's length when the campaign lets tags
 * count toward its minimum: each tag counts as its label's length (a tag says about as much as its
 * label written out). Unknown keys count 0.
 */
export function tagCredit(chosen: readonly string[], tags: readonly ReasonTag[]): number {
	let total = 0;
	for (const key of chosen) total += tags.find((t) => t.key === key)?.label.length ?? 0;
	return total;
}

// ---------------------------------------------------------------------------------------------
// Coordinates: from a pointer on screen to the image (0–1)

export interface Size {
	width: number;
	height: number;
}
export interface Point {
	x: number;
	y: number;
}
/** Where an image is drawn inside a box: its top-left (box pixels) and box pixels per image pixel. */
export interface Placement {
	x: number;
	y: number;
	scale: number;
}
/** A box or a point in image coordinates 0–1 (w = h = 0 for a point). */
export interface Region {
	x: number;
	y: number;
	w: number;
	h: number;
}

/**
 * Where object-fit: contain draws an image of `natural` size in a box of `box` size: scaled to
 * fit whole, centred, with bars (letterboxing) on the two sides that have room to spare.
 */
export function containPlacement(natural: Size, box: Size): Placement {
	if (!(natural.width > 0 && natural.height > 0 && box.width > 0 && box.height > 0)) return { x: 0, y: 0, scale: 1 };
	const scale = Math.min(box.width / natural.width, box.height / natural.height);
	return { scale, x: (box.width - natural.width * scale) / 2, y: (box.height - natural.height * scale) / 2 };
}

/**
 * A point in box pixels (relative to the box's top-left) → image coordinates 0–1, for an image
 * drawn at `placement` (containPlacement for a plain image, the compare view's placement for a
 * zoomed and panned one). Not clamped: a value outside 0–1 is a point on the bars or off the image.
 */
export function boxToImage(point: Point, placement: Placement, natural: Size): Point {
	return {
		x: (point.x - placement.x) / (natural.width * placement.scale),
		y: (point.y - placement.y) / (natural.height * placement.scale)
	};
}

/** The reverse: image coordinates 0–1 → box pixels (to draw a mark's outline). */
export function imageToBox(point: Point, placement: Placement, natural: Size): Point {
	return { x: placement.x + point.x * natural.width * placement.scale, y: placement.y + point.y * natural.height * placement.scale };
}

/** Whether an image point (0–1) lies on the image (not on the bars around it). */
export const onImage = (p: Point) => p.x >= 0 && p.x <= 1 && p.y >= 0 && p.y <= 1;

/**
 * The region between two image points of a drag (either corner first), clamped to the image; a
 * drag shorter than `minDrag` (in image fractions, e.g. 4 screen pixels' worth) is a point where it began.
 */
export function regionBetween(a: Point, b: Point, minDrag = 0): Region {
	const ax = clamp01(a.x);
	const ay = clamp01(a.y);
	const bx = clamp01(b.x);
	const by = clamp01(b.y);
	const w = Math.abs(bx - ax);
	const h = Math.abs(by - ay);
	if (w <= minDrag || h <= minDrag) return { x: ax, y: ay, w: 0, h: 0 };
	return { x: Math.min(ax, bx), y: Math.min(ay, by), w, h };
}

/**
 * Moves (dx, dy) or resizes (dw, dh) a region by image fractions, kept on the image: the keyboard
 * cursor of the marking mode. A point grown in either direction becomes a square box of that step;
 * a box shrunk to 0 in either direction becomes a point.
 */
export function nudgeRegion(r: Region, d: { dx?: number; dy?: number; dw?: number; dh?: number }): Region {
	const grow = Math.max(d.dw ?? 0, d.dh ?? 0);
	const isPoint = r.w === 0 && r.h === 0;
	let w = isPoint ? (grow > 0 ? grow : 0) : clamp01(r.w + (d.dw ?? 0));
	let h = isPoint ? (grow > 0 ? grow : 0) : clamp01(r.h + (d.dh ?? 0));
	if (w < 1e-9 || h < 1e-9) w = h = 0;
	const x = Math.min(clamp01(r.x + (d.dx ?? 0)), 1 - w);
	const y = Math.min(clamp01(r.y + (d.dy ?? 0)), 1 - h);
	return { x, y, w, h };
}

// ---------------------------------------------------------------------------------------------
// The keyboard cursor on a zoomed and panned image (the compare view)

/**
 * The part of an image that a box of `box` size shows, in image coordinates 0–1: the whole image at
 * fit (or when the image is smaller than the box), a window of it when zoomed in.
 */
export function visibleRegion(placement: Placement, natural: Size, box: Size): Region {
	const a = boxToImage({ x: 0, y: 0 }, placement, natural);
	const b = boxToImage({ x: box.width, y: box.height }, placement, natural);
	const x = clamp01(a.x);
	const y = clamp01(a.y);
	return { x, y, w: Math.max(0, clamp01(b.x) - x), h: Math.max(0, clamp01(b.y) - y) };
}

/** The centre of a region: where the keyboard cursor starts (the middle of what is on screen). */
export const centreOf = (r: Region): Point => ({ x: r.x + r.w / 2, y: r.y + r.h / 2 });

/**
 * One arrow-key step of the cursor at `zoom` times fit: the same share of what is on screen as
 * `step` is at fit, so that zooming in makes the cursor finer, not faster. Never coarser than at fit.
 */
export const stepAtZoom = (step: number, zoom: number): number => step / Math.max(1, zoom);

/**
 * How far to move the picture (box pixels, as a drag moves it: positive = right/down) so that
 * region `r` is in view with `margin` pixels to spare; its top-left side first when it is larger
 * than the box. {0, 0} when it is in view already.
 */
export function panToShow(r: Region, placement: Placement, natural: Size, box: Size, margin = 0): Point {
	const a = imageToBox({ x: r.x, y: r.y }, placement, natural);
	const b = imageToBox({ x: r.x + r.w, y: r.y + r.h }, placement, natural);
	const shift = (lo: number, hi: number, size: number) => {
		if (lo < margin) return margin - lo;
		if (hi > size - margin) return Math.max(size - margin - hi, margin - lo);
		return 0;
	};
	return { x: shift(a.x, b.x, box.width), y: shift(a.y, b.y, box.height) };
}
