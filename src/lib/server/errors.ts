// One error type for every edge: forms turn it into fail(status), the API into
// {"error":{code,message,field}}, the CLI into a message and a non-zero exit.
export class AppError extends Error {
	constructor(
		readonly status: 400 | 401 | 403 | 404 | 409 | 410 | 413 | 422 | 429 | 503,
		readonly code: string,
		message: string,
		readonly field?: string,
		/** seconds, sent as Retry-After (429, 503) */
		readonly retryAfter?: number
	) {
		super(message);
	}

	toJSON() {
		return { error: { code: this.code, message: this.message, ...(this.field ? { field: this.field } : {}) } };
	}
}

export const invalid = (field: string, message: string) => new AppError(400, 'invalid', message, field);
export const notFound = (what: string) => new AppError(404, 'not_found', `${what} not found`);
export const forbidden = (message = 'You do not have access to this') => new AppError(403, 'forbidden', message);
