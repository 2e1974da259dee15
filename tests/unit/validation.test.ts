import { describe, expect, it } from 'vitest';
import { requireEmail, requireEnum, requireSlug, requireString } from '../../src/lib/server/validation.ts';
import { AppError } from '../../src/lib/server/errors.ts';

const fails = (fn: () => unknown) => {
	try {
		fn();
	} catch (e) {
		return e as AppError;
	}
	throw new Error('did not fail');
};

describe('input validation', () => {
	it('trims and bounds strings, naming the field', () => {
		expect(requireString('  hi  ', 'name', { max: 10 })).toBe('hi');
		expect(fails(() => requireString('', 'name', { max: 10 }))).toMatchObject({ status: 400, field: 'name', message: 'name is required' });
		expect(fails(() => requireString('x'.repeat(11), 'name', { max: 10 })).message).toBe('name must be at most 10 characters');
		expect(fails(() => requireString('abc', 'password', { min: 8, max: 10, trim: false })).message).toBe(
			'password must be at least 8 characters'
		);
		expect(fails(() => requireString(42, 'name', { max: 10 })).field).toBe('name');
	});

	it('normalises emails and refuses what is not one', () => {
		expect(requireEmail(' Ann@Example.ORG ')).toBe('ann@example.org');
		expect(fails(() => requireEmail('ann at example')).message).toBe('email is not an email address');
		expect(fails(() => requireEmail('a b@example.org')).field).toBe('email');
	});

	it('accepts slugs of lower-case letters, digits and dashes only', () => {
		expect(requireSlug('sdxl-vs-flux-2')).toBe('sdxl-vs-flux-2');
		for (const bad of ['Bad', 'has space', '-lead', 'trail-', 'x'.repeat(65), '../etc'])
			expect(fails(() => requireSlug(bad)).field).toBe('slug');
	});

	it('names the allowed values of an enum', () => {
		expect(requireEnum('lead', 'role', ['lead', 'evaluator'] as const)).toBe('lead');
		expect(fails(() => requireEnum('owner', 'role', ['lead', 'evaluator'] as const)).message).toBe('role must be one of lead, evaluator');
	});
});
