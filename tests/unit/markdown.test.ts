import { describe, expect, it } from 'vitest';
import {
	GUIDELINES_MAX_CHARS,
	guidelinesProblem,
	renderGuidelines,
	renderStoredGuidelines,
	sanitizeGuidelinesHtml
} from '../../src/lib/server/campaigns/guidelines-markdown.ts';
import { AppError } from '../../src/lib/server/errors.ts';

const render = renderGuidelines;

describe('guidelines Markdown', () => {
	it('renders formatting, with headings below the page headings', () => {
		const html = render('# Title\n\n**Prompt first.** Then `quality`.\n\n1. one\n2. two\n\n> quoted\n\n| a | b |\n| - | - |\n| 1 | 2 |');
		expect(html).toContain('<h3>Title</h3>');
		expect(html).toContain('<strong>Prompt first.</strong>');
		expect(html).toContain('<ol>');
		expect(html).toContain('<blockquote>');
		expect(html).toContain('<td>1</td>');
	});

	it('shows raw HTML as text instead of running it', () => {
		const html = render('<script>alert(1)</script>\n\nhi <img src=x onerror=alert(1)>');
		expect(html).not.toMatch(/<script|<img/);
		expect(html).toContain('&lt;script&gt;');
	});

	it('drops javascript: and data: links but keeps http(s), mailto and relative ones', () => {
		const html = render('[a](javascript:alert(1)) [b](data:text/html,x) [c](https://example.org) [d](/c/x) [e](mailto:a@b.org)');
		expect(html).not.toContain('javascript:');
		expect(html).not.toContain('data:');
		expect(html).toContain('href="https://example.org"');
		expect(html).toContain('href="/c/x"');
		expect(html).toContain('href="mailto:a@b.org"');
		expect(html).toContain('rel="noopener noreferrer nofollow"');
	});

	it('drops schemes split by tabs, newlines or entities', () => {
		const attacks = [
			'[x](jav\tascript:alert(1))',
			'[x](jav&#x09;ascript:alert(1))',
			'[x](jav&#9;ascript:alert(1))',
			'[x](java&#x0A;script:alert(1))',
			'[x](&#106;avascript:alert(1))',
			'[x](JaVaScRiPt:alert(1))',
			'[x]( javascript:alert(1))',
			'[x](<jav\nascript:alert(1)>)',
			'[x](vbscript:msgbox(1))',
			'[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
			'<a href="javascript:alert(1)">x</a>',
			'[x][r]\n\n[r]: jav\tascript:alert(1)'
		];
		for (const md of attacks) {
			const html = render(md);
			expect(html, md).not.toMatch(/<a [^>]*href="[^"]*(script|data):/i);
			expect(html, md).not.toMatch(/<a [^>]*href="(?!https?:|mailto:|\/|#)/i);
		}
	});

	it('emits images only from this site: no other host, no data:, no svg payload', () => {
		const html = render(
			'![a](//evil.example/x.png) ![b](https://evil.example/x.png) ![c](data:image/svg+xml,<svg onload=alert(1)>) ![d](/static/ok.png) ![e](javascript:alert(1)) ![f](\t//evil.example/y.png) ![g](data:image/svg+xml;base64,PHN2Zz4=) ![h](/\\evil.example/z.png)'
		);
		// (what is not an image stays as inert text)
		const sources = [...html.matchAll(/<img [^>]*src="([^"]*)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));
		expect(sources).toEqual(['/static/ok.png', '/%5Cevil.example/z.png']);
		for (const src of sources) expect(new URL(src, 'https://pickwise.example/c/x').origin).toBe('https://pickwise.example');
		expect(html).not.toMatch(/<svg|<[^>]*onload=/);
		expect(html).toContain('<img src="/static/ok.png" alt="d" />');
	});

	it('keeps only allow-listed tags and attributes in whatever HTML reaches the sanitizer', () => {
		const html = sanitizeGuidelinesHtml(
			'<p onclick="x()" style="color:red" class="c">p</p><svg><script>alert(1)</script></svg><iframe src="https://e.x"></iframe>' +
				'<a href="jav&#x09;ascript:alert(1)">a</a><a href="https://ok.example" onmouseover="x()" target="_blank">b</a>' +
				'<img src="x.png" onerror="alert(1)"><form action="/x"><input name="a"></form><style>*{}</style><math></math>'
		);
		expect(html).not.toMatch(/onclick|onmouseover|onerror|style=|class=|<svg|<script|<iframe|<form|<style|<math|javascript|target=/i);
		expect(html).toContain('<a href="https://ok.example" rel="noopener noreferrer nofollow">b</a>');
		expect(html).toContain('<p>p</p>');
	});
});

describe('guidelines bounds', () => {
	const refused = (md: string) => {
		try {
			render(md);
		} catch (e) {
			expect(e).toBeInstanceOf(AppError);
			expect((e as AppError).field).toBe('guidelines');
			return (e as AppError).message;
		}
		return null;
	};

	it('refuses the payloads that stalled the server, naming the field', () => {
		expect(refused('_a '.repeat(4000))).toMatch(/more than 100 emphasis markers/); // 12 kB
		expect(refused('_a '.repeat(16000))).toMatch(/at most 20,000 characters/); // 48 kB
		expect(refused('>'.repeat(3000) + 'x')).toMatch(/nesting deeper than 10 levels/);
		expect(refused('*'.repeat(6000) + 'x' + '*'.repeat(6000))).not.toBeNull();
		expect(refused('*a '.repeat(1000))).toMatch(/emphasis markers/);
		expect(refused('_a\n'.repeat(1000))).toMatch(/emphasis markers/); // one paragraph over many lines
		expect(refused('- '.repeat(20) + 'x')).toMatch(/nesting/);
		expect(refused(Array.from({ length: 30 }, (_, i) => '  '.repeat(i * 2) + '- x').join('\n'))).toMatch(/nesting/);
	});

	it('accepts ordinary guidelines, many paragraphs with emphasis, and code', () => {
		const para = 'Pick the **better** image for the _prompt_; ties are fine. '.repeat(5);
		const md =
			Array.from({ length: 10 }, () => para).join('\n\n') +
			'\n\n```\n' +
			'*_'.repeat(400) +
			'\n```\n\n> > nested quote\n\n- a\n  - b\n    - c';
		expect(md.length).toBeLessThan(GUIDELINES_MAX_CHARS);
		expect(guidelinesProblem(md)).toBeNull();
		expect(render(md)).toContain('<strong>better</strong>');
	});

	it('shows out-of-bounds text stored before the bounds as plain text, without rendering it', () => {
		const html = renderStoredGuidelines('>'.repeat(3000) + 'x <script>');
		expect(html.startsWith('<pre>&gt;&gt;&gt;')).toBe(true);
		expect(html).not.toContain('<script>');
		expect(renderStoredGuidelines('_a '.repeat(16000))).toMatch(/^<pre>_a _a/);
		expect(renderStoredGuidelines('**ok**')).toContain('<strong>ok</strong>');
	});
});
