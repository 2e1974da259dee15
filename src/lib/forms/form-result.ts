// The pages' side of the one shape every form action answers with (formAction on the server):
// a failure is { action, message, field, values }, a success { action, saved }. Several forms on a
// page tell theirs apart by `action`.

export interface FormResult {
	action?: string;
	message?: string;
	field?: string | null;
	values?: Record<string, string>;
	saved?: string;
}

/** The last answer if it came from this form (`action`), else null. */
export function resultOf(form: unknown, action: string): FormResult | null {
	const result = form as FormResult | null | undefined;
	return result && result.action === action ? result : null;
}

/** The failure message of this form, if it failed. */
export function failureOf(form: unknown, action: string): string | null {
	const result = resultOf(form, action);
	return result && result.saved === undefined && result.message !== undefined ? result.message : null;
}

/** The element id of the message shown at `field` (for aria-describedby). */
export function errorId(action: string, field: string): string {
	return `${action}-${field}-error`.replace(/[^\w-]/g, '-');
}

/** The failure message when it names this field of this form. */
export function fieldError(form: unknown, action: string, field: string): string | null {
	const message = failureOf(form, action);
	return message !== null && resultOf(form, action)?.field === field ? message : null;
}

/** aria-describedby / aria-invalid for a field: set only while the form's failure names it. */
export function fieldAria(form: unknown, action: string, field: string) {
	const failed = fieldError(form, action, field) !== null;
	return { 'aria-describedby': failed ? errorId(action, field) : undefined, 'aria-invalid': failed ? ('true' as const) : undefined };
}

/** What was typed into a field before the failure, to refill it; else the fallback. */
export function typed(form: unknown, action: string, field: string, fallback: string): string {
	const result = resultOf(form, action);
	return result?.values && field in result.values ? result.values[field] : fallback;
}

/** The form's answer when it names no field of its own (success, or a failure shown above the button). */
export function generalMessage(form: unknown, action: string, fields: string[]): string | null {
	const r = resultOf(form, action);
	return r && !fields.some((f) => fieldError(form, action, f)) ? (r.saved ?? r.message ?? null) : null;
}

/** use:enhance that keeps what was typed after the answer (a failed form stays filled). */
export const keepTyped =
	() =>
	async ({ update }: { update: (o?: { reset?: boolean }) => Promise<void> }) =>
		update({ reset: false });
