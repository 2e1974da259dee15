// Chart downloads: the table as CSV, the drawing as a standalone SVG or a 2× PNG.
// toCsv and slugify are pure; the rest need a browser and run only from click handlers.
import { csvRow } from '../csv.ts';
import type { Cell } from './table.ts';

/** CSV text for a header and rows; numbers stay numbers, text a spreadsheet could run as a formula gets a leading ' (csv.ts). */
export function toCsv(header: string[], rows: Cell[][]): string {
	return csvRow(header) + rows.map((row) => csvRow(row)).join('');
}

/** A file-system-safe base name: lowercase ASCII words joined by hyphens, never empty. */
export function slugify(text: string, fallback = 'chart'): string {
	const slug = text
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/%/g, ' pct ')
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, 80)
		.replace(/-+$/, '');
	return slug || fallback;
}

export function chartFilename(base: string, ext: 'csv' | 'svg' | 'png'): string {
	return `${slugify(base)}.${ext}`;
}

export function downloadBlob(blob: Blob, filename: string): void {
	const url = URL.createObjectURL(blob);
	const a = document.createElement('a');
	a.href = url;
	a.download = filename;
	a.rel = 'noopener';
	document.body.append(a);
	a.click();
	a.remove();
	// Some browsers read the URL after click() returns.
	setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function csvBlob(csv: string): Blob {
	return new Blob([csv], { type: 'text/csv;charset=utf-8' });
}

const SVG_NS = 'http://www.w3.org/2000/svg';
const TITLE_BAND = 32;
/** Extra height for the caption line under the title (what the figure shows). */
const CAPTION_BAND = 20;
// Properties page CSS may set on chart elements; copied inline so the file renders the same alone.
// Inherited ones are written only where they change, to keep files small.
const INHERITED = [
	'fill',
	'fill-opacity',
	'stroke',
	'stroke-width',
	'stroke-opacity',
	'stroke-dasharray',
	'font-family',
	'font-size',
	'font-weight',
	'text-anchor',
	'dominant-baseline',
	'visibility'
];

function inlineStyle(source: Element, parent: CSSStyleDeclaration | null, target: Element): CSSStyleDeclaration {
	const computed = getComputedStyle(source);
	const decls: string[] = [];
	for (const prop of INHERITED) {
		// An explicit attribute already says it (and may hold a url(#id) that must stay relative).
		if (target.hasAttribute(prop)) continue;
		const value = computed.getPropertyValue(prop);
		if (value && (!parent || parent.getPropertyValue(prop) !== value)) decls.push(`${prop}:${value}`);
	}
	const opacity = computed.getPropertyValue('opacity');
	if (opacity && opacity !== '1' && !target.hasAttribute('opacity')) decls.push(`opacity:${opacity}`);
	if (computed.getPropertyValue('display') === 'none') decls.push('display:none');
	if (decls.length) target.setAttribute('style', decls.join(';'));
	else target.removeAttribute('style');
	return computed;
}

export interface SerializedSvg {
	text: string;
	width: number;
	height: number;
}

/**
 * A standalone copy of a chart: xmlns set, computed styles inlined, white background,
 * and the chart's title drawn above it, with `caption` (criterion, filters, votes, export date) under
 * the title, so the file says what it shows once it is far from the page.
 */
export function serializeSvg(svg: SVGSVGElement, title: string, caption = ''): SerializedSvg {
	const vb = svg.viewBox.baseVal;
	const width = vb && vb.width ? vb.width : svg.clientWidth || 720;
	const innerHeight = vb && vb.height ? vb.height : svg.clientHeight || 400;
	const band = TITLE_BAND + (caption ? CAPTION_BAND : 0);
	const height = innerHeight + band;
	const clone = svg.cloneNode(true) as SVGSVGElement;
	const walk = (source: Element, target: Element, parent: CSSStyleDeclaration | null) => {
		const computed = inlineStyle(source, parent, target);
		for (let i = 0; i < source.children.length; i++) walk(source.children[i], target.children[i], computed);
	};
	walk(svg, clone, null);
	tidy(clone);
	// The page's ids for title and description are not in the file; name the file's own elements instead.
	const desc = clone.querySelector('desc');
	for (const attr of ['role', 'aria-labelledby', 'aria-describedby', 'class']) clone.removeAttribute(attr);

	const out = document.createElementNS(SVG_NS, 'svg');
	out.setAttribute('xmlns', SVG_NS);
	out.setAttribute('width', String(width));
	out.setAttribute('height', String(height));
	out.setAttribute('viewBox', `0 0 ${width} ${height}`);
	out.setAttribute('role', 'img');
	out.setAttribute('font-family', 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif');
	const name = document.createElementNS(SVG_NS, 'title');
	name.textContent = title;
	const bg = document.createElementNS(SVG_NS, 'rect');
	bg.setAttribute('width', '100%');
	bg.setAttribute('height', '100%');
	bg.setAttribute('fill', '#ffffff');
	const heading = document.createElementNS(SVG_NS, 'text');
	heading.setAttribute('x', '12');
	heading.setAttribute('y', '22');
	heading.setAttribute('font-size', '16');
	heading.setAttribute('font-weight', '600');
	heading.setAttribute('fill', '#1d1f21');
	heading.textContent = title;
	const sub = document.createElementNS(SVG_NS, 'text');
	sub.setAttribute('x', '12');
	sub.setAttribute('y', '42');
	sub.setAttribute('font-size', '12');
	sub.setAttribute('fill', '#4a4f55');
	sub.textContent = caption;
	clone.setAttribute('x', '0');
	clone.setAttribute('y', String(band));
	clone.setAttribute('width', String(width));
	clone.setAttribute('height', String(innerHeight));
	out.append(name);
	if (desc) {
		desc.removeAttribute('id');
		out.append(desc);
	}
	out.append(bg, heading);
	if (caption) out.append(sub);
	out.append(clone);
	return { text: new XMLSerializer().serializeToString(out), width, height };
}

/** The caption line of an exported figure: what it shows (from the page) and when it was exported. */
export function exportCaption(context: string | undefined, now: Date): string {
	const stamp = `exported ${now.toISOString().slice(0, 16).replace('T', ' ')} UTC from pickwise`;
	const what = context?.trim();
	return what ? `${what} · ${stamp}` : stamp;
}

/** Drops what only the live page needs: framework comments, classes and tooltip data. */
function tidy(root: Element): void {
	const walker = document.createTreeWalker(root, NodeFilter.SHOW_COMMENT);
	const comments: Node[] = [];
	while (walker.nextNode()) comments.push(walker.currentNode);
	for (const c of comments) c.parentNode?.removeChild(c);
	for (const el of root.querySelectorAll('[class], [data-tip]')) {
		el.removeAttribute('class');
		el.removeAttribute('data-tip');
	}
}

/** Draws the SVG on a canvas at `scale`× and returns the PNG. */
export function svgToPng({ text, width, height }: SerializedSvg, scale = 2): Promise<Blob> {
	return new Promise((resolve, reject) => {
		const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml;charset=utf-8' }));
		const img = new Image();
		img.onload = () => {
			const canvas = document.createElement('canvas');
			canvas.width = Math.round(width * scale);
			canvas.height = Math.round(height * scale);
			const ctx = canvas.getContext('2d');
			if (!ctx) {
				URL.revokeObjectURL(url);
				return reject(new Error('canvas 2D context is not available'));
			}
			ctx.fillStyle = '#ffffff';
			ctx.fillRect(0, 0, canvas.width, canvas.height);
			ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
			URL.revokeObjectURL(url);
			canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('PNG encoding failed'))), 'image/png');
		};
		img.onerror = () => {
			URL.revokeObjectURL(url);
			reject(new Error('the SVG could not be drawn'));
		};
		img.src = url;
	});
}
