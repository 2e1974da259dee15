// Posts a form action the way SvelteKit's enhanced forms do (x-sveltekit-action) and decodes the
// answer: { type: 'success' | 'failure' | 'redirect', status, data | location }.
import { parse } from 'devalue';
import type { Browserless } from './server.ts';

export interface ActionResult {
	type: 'success' | 'failure' | 'redirect' | 'error';
	status: number;
	location?: string;
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	data?: any;
}

export async function act(client: Browserless, path: string, form: Record<string, string> = {}): Promise<ActionResult> {
	const response = await client.fetch(path, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', 'x-sveltekit-action': 'true' },
		body: new URLSearchParams(form).toString()
	});
	if (response.status === 303 || response.status === 302)
		return { type: 'redirect', status: response.status, location: response.headers.get('location') ?? '' };
	const text = await response.text();
	let body: { type: ActionResult['type']; status?: number; location?: string; data?: string; error?: unknown };
	try {
		body = JSON.parse(text);
	} catch {
		return { type: 'error', status: response.status, data: text };
	}
	return {
		type: body.type,
		status: body.status ?? response.status,
		location: body.location,
		data: typeof body.data === 'string' ? parse(body.data) : (body.data ?? body.error)
	};
}

/** The path and token of a link the server showed. */
export function linkPath(link: string): { path: string; token: string } {
	const url = new URL(link);
	return { path: url.pathname, token: url.pathname.split('/').pop()! };
}
