// Guidelines are Markdown written by leads; rendered inert: raw HTML is shown as text, and links
// and images only keep http(s), mailto and relative targets.
import { Marked, type Tokens } from 'marked';

const escapeHtml = (s: string) =>
	s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

function safeHref(href: string): string | null {
	const h = href.trim();
	if (/^(https?:|mailto:)/i.test(h) || /^[/#?]/.test(h) || !/^[a-z][a-z0-9+.-]*:/i.test(h)) return h;
	return null;
}

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
		},
		link(this: { parser: { parseInline(t: Tokens.Generic[]): string } }, token: Tokens.Link) {
			const text = this.parser.parseInline(token.tokens);
			const href = safeHref(token.href);
			if (!href) return text;
			const title = token.title ? ` title="${escapeHtml(token.title)}"` : '';
			return `<a href="${escapeHtml(href)}"${title} rel="noopener noreferrer nofollow">${text}</a>`;
		},
		image(token: Tokens.Image) {
			const href = safeHref(token.href);
			if (!href || !/^(https?:|\/)/i.test(href)) return escapeHtml(token.text);
			return `<img src="${escapeHtml(href)}" alt="${escapeHtml(token.text)}">`;
		}
	}
});

export function renderMarkdown(source: string): string {
	return marked.parse(source, { async: false }) as string;
}
