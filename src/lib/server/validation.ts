// Small validators used at the edges (forms, API, CLI) to turn input into typed values.
import { invalid } from './errors.ts';

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;
const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

export function requireString(value: unknown, field: string, opts: { min?: number; max: number; trim?: boolean }): string {
	if (typeof value !== 'string') throw invalid(field, `${field} is required`);
	const text = opts.trim === false ? value : value.trim();
	const min = opts.min ?? 1;
	if (text.length < min) throw invalid(field, min <= 1 ? `${field} is required` : `${field} must be at least ${min} characters`);
	if (text.length > opts.max) throw invalid(field, `${field} must be at most ${opts.max} characters`);
	return text;
}

export function requireEmail(value: unknown, field = 'email'): string {
	const email = requireString(value, field, { max: 320 }).toLowerCase();
	if (!EMAIL.test(email)) throw invalid(field, `${field} is not an email address`);
	return email;
}

export function requireSlug(value: unknown, field = 'slug'): string {
	const slug = requireString(value, field, { max: 64 });
	if (!SLUG.test(slug)) throw invalid(field, `${field} must be lower-case letters, digits and dashes (1–64)`);
	return slug;
}

export function requireEnum<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
	if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
		throw invalid(field, `${field} must be one of ${allowed.join(', ')}`);
	}
	return value as T;
}
