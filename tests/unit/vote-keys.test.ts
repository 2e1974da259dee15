// The voting page's key map: which action each key takes, with and without Shift.
import { describe, expect, it } from 'vitest';
import { handleVoteKey, type VoteKeyActions } from '../../src/routes/c/[slug]/vote/keys.ts';

function press(key: string, init: { code?: string; shiftKey?: boolean; ctrlKey?: boolean } = {}) {
	const calls: string[] = [];
	const actions: VoteKeyActions = {
		choose: (v) => calls.push(`choose:${v}`),
		chooseCriterion: (v) => calls.push(`criterion:${v}`),
		nextCriterion: () => calls.push('next-criterion'),
		focusRationale: () => calls.push('rationale'),
		submit: () => calls.push('submit'),
		compare: () => calls.push('compare'),
		guidelines: () => calls.push('guidelines'),
		undo: () => calls.push('undo'),
		skip: () => calls.push('skip'),
		escape: () => calls.push('escape')
	};
	let prevented = false;
	const event = {
		key,
		code: init.code ?? '',
		shiftKey: !!init.shiftKey,
		ctrlKey: !!init.ctrlKey,
		metaKey: false,
		altKey: false,
		target: null,
		preventDefault: () => (prevented = true)
	};
	handleVoteKey(event as unknown as KeyboardEvent, actions);
	return { calls, prevented };
}

describe('voting keys', () => {
	it('keeps 1–4 for the main choice and gives Shift+1–4 (by key place) to the current criterion', () => {
		expect(press('1', { code: 'Digit1' }).calls).toEqual(['choose:left']);
		expect(press('4', { code: 'Digit4' }).calls).toEqual(['choose:both_bad']);
		expect(press('!', { code: 'Digit1', shiftKey: true }).calls).toEqual(['criterion:left']);
		expect(press('#', { code: 'Digit3', shiftKey: true }).calls).toEqual(['criterion:tie']);
		// a layout that needs Shift for the digits themselves still chooses with them
		expect(press('2', { code: 'Digit2', shiftKey: true }).calls).toEqual(['choose:right']);
		expect(press('%', { code: 'Digit5', shiftKey: true }).calls).toEqual([]);
	});

	it('s skips, c moves to the next criterion, and neither fires with Ctrl', () => {
		expect(press('s')).toEqual({ calls: ['skip'], prevented: true });
		expect(press('c').calls).toEqual(['next-criterion']);
		expect(press('s', { ctrlKey: true })).toEqual({ calls: [], prevented: false });
		expect(press('Enter', { ctrlKey: true }).calls).toEqual(['submit']);
	});

	it('leaves the new keys alone for a view that does not handle them', () => {
		const event = {
			key: 's',
			code: 'KeyS',
			shiftKey: false,
			ctrlKey: false,
			metaKey: false,
			altKey: false,
			target: null,
			preventDefault: () => {}
		};
		const noop = () => {};
		expect(() =>
			handleVoteKey(event as unknown as KeyboardEvent, {
				choose: noop,
				focusRationale: noop,
				submit: noop,
				compare: noop,
				guidelines: noop,
				undo: noop,
				escape: noop
			})
		).not.toThrow();
	});
});
