// One shape for every form action: the handler gets the parsed form; an AppError becomes
// fail(status, { action, message, field, values }) so the page shows the message at its field and
// refills what was typed (never a password or a file). An error with a retryAfter (503 busy, 429) also
// sets Retry-After on the answer.
import { fail, type ActionFailure, type RequestEvent } from '@sveltejs/kit';
import { AppError } from '../errors.ts';

export interface FormFailure {
	/** Which form on the page failed (a page may have several). */
	action: string;
	message: string;
	field: string | null;
	/** What was typed, to refill the form. */
	values: Record<string, string>;
}

const SECRET = /password|secret|token/i;

function typedValues(form: FormData): Record<string, string> {
	const values: Record<string, string> = {};
	for (const [name, value] of form) {
		if (typeof value === 'string' && !SECRET.test(name) && !(name in values)) values[name] = value;
	}
	return values;
}

export function formAction<E extends RequestEvent, R>(
	action: string,
	handler: (event: E, form: FormData) => Promise<R>
): (event: E) => Promise<R | ActionFailure<FormFailure>> {
	return async (event) => {
		const form = await readForm(event.request);
		try {
			return await handler(event, form);
		} catch (e) {
			if (!(e instanceof AppError)) throw e;
			// fail() carries no headers; a 503 (database busy) or 429 tells the browser when to try again
			if (e.retryAfter) event.setHeaders({ 'retry-after': String(e.retryAfter) });
			return fail(e.status, { action, message: e.message, field: e.field ?? null, values: typedValues(form) });
		}
	};
}

async function readForm(request: Request): Promise<FormData> {
	try {
		return await request.formData();
	} catch {
		return new FormData();
	}
}
