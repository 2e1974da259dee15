// Finds every route the app serves (pages, form actions, API methods) by reading src/routes, so the
// authorization test fails when a new route is added without a row saying who may use it.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export interface RouteEntry {
	/** SvelteKit route id, e.g. `/c/[slug]/vote` or `/(auth)/login`. */
	route: string;
	/** `GET` for a page load, `POST ?/name` for a form action, or the method of a +server.ts. */
	operation: string;
}

export function discoverRoutes(root = 'src/routes'): RouteEntry[] {
	const entries: RouteEntry[] = [];
	const walk = (dir: string) => {
		const files = readdirSync(dir, { withFileTypes: true });
		const route = '/' + relative(root, dir).split(sep).filter(Boolean).join('/');
		const has = (f: string) => existsSync(join(dir, f));
		if (has('+page.svelte') || has('+page.server.ts')) entries.push({ route, operation: 'GET' });
		if (has('+page.server.ts')) {
			const source = readFileSync(join(dir, '+page.server.ts'), 'utf8');
			const block = source.match(/export const actions[^=]*=\s*\{([\s\S]*)\};?\s*$/);
			if (block) {
				for (const m of block[1].matchAll(/^\t([a-zA-Z_][\w]*)\s*:\s*(?:async\b|formAction\()/gm))
					entries.push({ route, operation: `POST ?/${m[1]}` });
			}
		}
		if (has('+server.ts')) {
			const source = readFileSync(join(dir, '+server.ts'), 'utf8');
			for (const m of source.matchAll(/export (?:const|async function|function) (GET|HEAD|POST|PUT|PATCH|DELETE)\b/g)) {
				entries.push({ route, operation: m[1] });
			}
		}
		for (const f of files) if (f.isDirectory()) walk(join(dir, f.name));
	};
	walk(root);
	return entries.sort((a, b) => (a.route + a.operation).localeCompare(b.route + b.operation));
}
