// Guidelines are Markdown written by leads, rendered ONCE when they are saved (the HTML is stored
// with the version; pages serve it as is) and never on a page view.
//
// Rendering is bounded before it starts. `marked` is quadratic in the emphasis delimiters (`*`, `_`,
// `~`) of one paragraph — 12 kB of `_a _a …` took 2.3 s, 48 kB 30 s — and recursive in nesting —
// `'>'.repeat(3000)` or a long run of `*` overflowed the stack. So the text is refused, naming the
// field, when it is longer than GUIDELINES_MAX_CHARS, nests deeper than GUIDELINES_MAX_DEPTH, has
// a paragraph with more than GUIDELINES_MAX_MARKERS delimiters, or more delimiter work in all than
// GUIDELINES_EMPHASIS_BUDGET. bench/guidelines.ts prints the worst cases under these bounds.
//
// The output is inert: raw HTML in the Markdown is shown as text, and the rendered HTML goes through
// sanitize-html with an allow-list: text formatting, lists, code, quotes, tables; links only to
// http(s), mailto or relative targets; images only from this site (a relative path: no other host
// learns who reads the guidelines, and no data: or svg: payloads). The page's CSP is a second wall.
import { Marked, type Tokens } from 'marked';
import sanitizeHtml from 'sanitize-html';
import { AppError } from '../errors.ts';

export const GUIDELINES_MAX_CHARS = 20_000;
export const GUIDELINES_MAX_DEPTH = 10;
export const GUIDELINES_MAX_MARKERS = 100;
/**
 * `marked`'s work on emphasis grows with the square of the delimiters in a paragraph (about 1 µs per
 * unit on a loaded 2-core machine) and with delimiters × paragraph length (about 10 ns per unit),
 * summed over paragraphs. These budgets keep a whole render to some tens of milliseconds.
 */
export const GUIDELINES_EMPHASIS_BUDGET = { squared: 30_000, byLength: 1_000_000 };

const escapeHtml = (s: string) =>
	s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const marked = new Marked({
	gfm: true,
	breaks: false,
	renderer: {
		// Guidelines sit under the page's own h1/h2: their headings start at h3.
		heading(this: { parser: { parseInline(t: Tokens.Generic[]): string } }, token: Tokens.Heading) {
			const level = Math.min(token.depth + 2, 6);
			return `<h${level}>${this.parser.parseInline(token.tokens)}</h${level}>\n`;
		},
		html(token: Tokens.HTML | Tokens.Tag) {
			return escapeHtml(token.text);
		}
	}
});

const SANITIZE: sanitizeHtml.IOptions = {
	allowedTags: [
		'h3',
		'h4',
		'h5',
		'h6',
		'p',
		'br',
		'hr',
		'ul',
		'ol',
		'li',
		'strong',
		'em',
		'del',
		'code',
		'pre',
		'blockquote',
		'table',
		'thead',
		'tbody',
		'tr',
		'th',
		'td',
		'a',
		'img',
		'input'
	],
	allowedAttributes: {
		a: ['href', 'title', 'rel'],
		img: ['src', 'alt', 'title'],
		ol: ['start'],
		th: ['align'],
		td: ['align'],
		// GFM task lists: a disabled checkbox
		input: ['type', 'checked', 'disabled']
	},
	allowedSchemes: ['http', 'https', 'mailto'],
	// images: no scheme at all, so only relative paths on this site
	allowedSchemesByTag: { img: [] },
	allowedSchemesAppliedToAttributes: ['href', 'src'],
	allowProtocolRelative: false,
	disallowedTagsMode: 'escape',
	transformTags: {
		a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow' }),
		img: (_tag, attribs) => {
			const { src, ...rest } = attribs;
			return { tagName: 'img', attribs: src !== undefined && sameSitePath(src) ? { src, ...rest } : rest };
		},
		input: (_tag, attribs) => ({
			tagName: 'input',
			attribs: { type: 'checkbox', disabled: '', ...(attribs.checked !== undefined ? { checked: '' } : {}) }
		})
	},
	allowedClasses: {},
	exclusiveFilter: (frame) => (frame.tag === 'img' && !frame.attribs.src) || (frame.tag === 'input' && frame.attribs.type !== 'checkbox')
};

/**
 * A path on this site: no scheme, no host. Browsers read `\` as `/` and drop tabs and newlines, so
 * `/\host/x.png` or `/\t/host/x.png` would load from another host: refused too.
 */
function sameSitePath(src: string): boolean {
	// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
	return !/[\\\x00-\x20\x7f]/.test(src) && !src.startsWith('//') && !/^[^/?#]*:/.test(src);
}

/** Allow-list sanitizing of rendered HTML (exported for tests). */
export function sanitizeGuidelinesHtml(html: string): string {
	return sanitizeHtml(html, SANITIZE);
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const thousands = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** What is wrong with the text for rendering, or null: length, nesting depth, delimiters per paragraph. */
export function guidelinesProblem(markdown: string): string | null {
	if (markdown.length > GUIDELINES_MAX_CHARS) {
		return `guidelines can be at most ${thousands(GUIDELINES_MAX_CHARS)} characters (these have ${thousands(markdown.length)})`;
	}
	let fence: string | null = null;
	let markers = 0;
	let chars = 0;
	let squared = 0;
	let byLength = 0;
	const endParagraph = () => {
		squared += markers * markers;
		byLength += markers * chars;
		markers = 0;
		chars = 0;
		return squared > GUIDELINES_EMPHASIS_BUDGET.squared || byLength > GUIDELINES_EMPHASIS_BUDGET.byLength;
	};
	const tooMuch = `guidelines: too much emphasis markup (* _ ~) to render safely; use fewer markers or shorter paragraphs`;
	const lines = markdown.split('\n');
	for (let i = 0; i < lines.length; i++) {
		const line = lines[i];
		const open = FENCE.exec(line);
		if (fence) {
			if (open && open[1][0] === fence[0] && open[1].length >= fence.length) fence = null;
			continue;
		}
		if (open) {
			fence = open[1];
			if (endParagraph()) return tooMuch;
			continue;
		}
		// block nesting: quote markers and list markers before the text (indentation nests lists too)
		const prefix = /^[\s>*+\-\d.)]*/.exec(line)![0];
		const indent = /^[ \t]*/.exec(line)![0].replace(/\t/g, '    ').length;
		const depth =
			(prefix.match(/>/g)?.length ?? 0) + (prefix.match(/(^|\s)([*+-]|\d{1,9}[.)])(?=\s|$)/g)?.length ?? 0) + Math.floor(indent / 4);
		if (depth > GUIDELINES_MAX_DEPTH) return `guidelines: nesting deeper than ${GUIDELINES_MAX_DEPTH} levels (line ${i + 1})`;
		if (line.trim() === '') {
			if (endParagraph()) return tooMuch;
			continue;
		}
		chars += line.length + 1;
		for (let k = 0; k < line.length; k++) {
			const c = line.charCodeAt(k);
			if (c === 0x2a || c === 0x5f || c === 0x7e) markers++;
		}
		if (markers > GUIDELINES_MAX_MARKERS) {
			return `guidelines: a paragraph has more than ${GUIDELINES_MAX_MARKERS} emphasis markers (* _ ~) (line ${i + 1}); split it into shorter paragraphs`;
		}
	}
	return endParagraph() ? tooMuch : null;
}

/** The stored HTML for guidelines being saved; an AppError naming the field when they cannot be rendered safely. */
export function renderGuidelines(markdown: string): string {
	const problem = guidelinesProblem(markdown);
	if (problem) throw new AppError(400, 'invalid', problem, 'guidelines');
	return sanitizeGuidelinesHtml(marked.parse(markdown, { async: false }) as string);
}

/**
 * HTML for guidelines stored before they were rendered on save. Text saved under older, looser
 * limits that is out of bounds now is shown as plain text rather than rendered.
 */
export function renderStoredGuidelines(markdown: string): string {
	if (guidelinesProblem(markdown)) return `<pre>${escapeHtml(markdown)}</pre>`;
	return renderGuidelines(markdown);
}
