// The JSON API's edge: AppErrors become {"error":{code,message,field}} with their status, and a
// request body is read as JSON explicitly (a malformed body is a 400 naming it, not a caught
// SyntaxError from anywhere in the handler).
import { json, type RequestEvent } from '@sveltejs/kit';
import { AppError } from '../errors.ts';

/** Wraps an API handler so that AppErrors become `{"error":{code,message,field}}` with their status. */
export function apiRoute<E extends RequestEvent>(handler: (event: E) => Promise<Response>) {
	return async (event: E): Promise<Response> => {
		try {
			return await handler(event);
		} catch (e) {
			if (e instanceof AppError)
				return json(e.toJSON(), { status: e.status, headers: e.retryAfter ? { 'retry-after': String(e.retryAfter) } : {} });
			throw e;
		}
	};
}

/** The request body parsed as JSON, or a 400 `invalid_json`. */
export async function readJson(request: Request): Promise<unknown> {
	const text = await request.text();
	return parseJsonBody(text);
}

/** Parses a JSON body (also used by the fast lane, which reads the body itself). */
export function parseJsonBody(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		throw new AppError(400, 'invalid_json', 'request body is not valid JSON');
	}
}

/** The request body as a JSON object (its fields still to be validated), or a 400. */
export async function readJsonObject(request: Request): Promise<Record<string, unknown>> {
	const body = await readJson(request);
	if (typeof body !== 'object' || body === null || Array.isArray(body))
		throw new AppError(400, 'invalid', 'the body must be a JSON object');
	return body as Record<string, unknown>;
}
