import { describe, expect, it } from 'vitest';
import { ELO_ONLINE_NOTE, exportCaption } from '../../../src/lib/charts/index.ts';

describe('exported figure caption', () => {
	const now = new Date(Date.UTC(2026, 10, 30, 14, 5, 59));

	it('says what the figure shows and when it was exported', () => {
		expect(exportCaption('Overall · 324 votes · from 2026-11-01 · ties half', now)).toBe(
			'Overall · 324 votes · from 2026-11-01 · ties half · exported 2026-11-30 14:05 UTC from pickwise'
		);
	});

	it('carries at least the export time when the page gives no context', () => {
		expect(exportCaption(undefined, now)).toBe('exported 2026-11-30 14:05 UTC from pickwise');
		expect(exportCaption('  ', now)).toBe('exported 2026-11-30 14:05 UTC from pickwise');
	});
});

describe('Elo (online) note', () => {
	it('is one sentence saying why its order can differ from the rating', () => {
		expect(ELO_ONLINE_NOTE).toMatch(/^Elo \(online\) .*order.*differ.*rating.*\.$/);
		expect(ELO_ONLINE_NOTE.split('. ')).toHaveLength(1);
	});
});
