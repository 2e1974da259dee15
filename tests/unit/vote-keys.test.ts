// The voting page's key map: which action each key takes, with and without Shift; and the compare
// view's, with the marking mode's keys before its own.
import { describe, expect, it } from 'vitest';
import {
	PAN_STEP,
	handleCompareKey,
	handleMarkingKey,
	handleVoteKey,
	type CompareKeyActions,
	type VoteKeyActions
} from '../../src/routes/c/[slug]/vote/keys.ts';

type KeyInit = { code?: string; shiftKey?: boolean; ctrlKey?: boolean };

/** A keydown as the handlers read it; `prevented()` says whether one of them called preventDefault. */
function keydown(key: string, init: KeyInit) {
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
	} as unknown as KeyboardEvent;
	return { event, prevented: () => prevented };
}

function press(key: string, init: KeyInit = {}) {
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
	const { event, prevented } = keydown(key, init);
	handleVoteKey(event, actions);
	return { calls, prevented: prevented() };
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

/** A key in the compare view: the marking mode's keys first while `marking`, then the view's own (as CompareView does). */
function pressInCompare(key: string, marking: boolean, init: KeyInit = {}) {
	const calls: string[] = [];
	const log =
		(name: string) =>
		(...args: unknown[]) =>
			calls.push([name, ...args].join(':'));
	const view: CompareKeyActions = {
		choose: log('choose'),
		submit: log('submit'),
		flip: log('flip'),
		sideBySide: log('side-by-side'),
		zoom: log('zoom'),
		fit: log('fit'),
		actual: log('actual'),
		pan: log('pan'),
		mark: log('mark'),
		close: log('close')
	};
	const cursor = {
		move: (d: object) => calls.push(`move:${JSON.stringify(d)}`),
		pickKind: log('kind'),
		place: log('place'),
		cancel: log('cancel')
	};
	const { event, prevented } = keydown(key, init);
	const handled = (marking && key !== 'm' && handleMarkingKey(event, 0.01, cursor)) || handleCompareKey(event, view);
	return { calls, prevented: prevented(), handled };
}

describe('compare view keys', () => {
	it('without a cursor: arrows pan, digits choose, + − 0 a zoom, m marks, Esc closes', () => {
		expect(pressInCompare('ArrowRight', false).calls).toEqual([`pan:${-PAN_STEP}:0`]);
		expect(pressInCompare('ArrowUp', false).calls).toEqual([`pan:0:${PAN_STEP}`]);
		expect(pressInCompare('2', false, { code: 'Digit2' }).calls).toEqual(['choose:right']);
		expect(pressInCompare('+', false).calls).toEqual(['zoom:1']);
		expect(pressInCompare('-', false).calls).toEqual(['zoom:-1']);
		expect(pressInCompare('0', false, { code: 'Digit0' }).calls).toEqual(['fit']);
		expect(pressInCompare('m', false)).toEqual({ calls: ['mark'], prevented: true, handled: true });
		expect(pressInCompare('Escape', false).calls).toEqual(['close']);
		expect(pressInCompare('x', false)).toEqual({ calls: [], prevented: false, handled: false });
	});

	it('with a cursor: arrows move it, digits pick the kind, Enter places, Esc cancels (and does not close); zoom and m still work', () => {
		expect(pressInCompare('ArrowRight', true).calls).toEqual(['move:{"dx":0.01,"dy":0}']);
		expect(pressInCompare('ArrowDown', true, { shiftKey: true }).calls).toEqual(['move:{"dw":0,"dh":0.01}']);
		expect(pressInCompare('2', true, { code: 'Digit2' }).calls).toEqual(['kind:2']);
		expect(pressInCompare('Enter', true).calls).toEqual(['place']);
		expect(pressInCompare('Escape', true).calls).toEqual(['cancel']);
		expect(pressInCompare('+', true).calls).toEqual(['zoom:1']);
		expect(pressInCompare('0', true, { code: 'Digit0' }).calls).toEqual(['fit']);
		expect(pressInCompare('m', true).calls).toEqual(['mark']);
		expect(pressInCompare('Enter', true, { ctrlKey: true }).calls).toEqual(['submit']);
	});
});
