import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/lib/server/campaigns/guidelines-markdown.ts';

describe('guidelines Markdown', () => {
	it('renders formatting, with headings below the page headings', () => {
		const html = renderMarkdown('# Title\n\n**Prompt first.** Then `quality`.\n\n1. one\n2. two');
		expect(html).toContain('<h3>Title</h3>');
		expect(html).toContain('<strong>Prompt first.</strong>');
		expect(html).toContain('<ol>');
	});

	it('shows raw HTML as text instead of running it', () => {
		const html = renderMarkdown('<script>alert(1)</script>\n\nhi <img src=x onerror=alert(1)>');
		expect(html).not.toMatch(/<script|<img/);
		expect(html).toContain('&lt;script&gt;');
	});

	it('drops javascript: and data: links but keeps http(s) and relative ones', () => {
		const html = renderMarkdown('[a](javascript:alert(1)) [b](data:text/html,x) [c](https://example.org) [d](/c/x)');
		expect(html).not.toContain('javascript:');
		expect(html).not.toContain('data:');
		expect(html).toContain('href="https://example.org"');
		expect(html).toContain('href="/c/x"');
	});
});
