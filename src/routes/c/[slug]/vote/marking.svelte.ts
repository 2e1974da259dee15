// What the evaluator points at on this pair, before submit: region marks on either image, prompt
// elements an image misses, reason tags; and the keyboard cursor of the marking mode. Shared by
// the images (normal and compare view), the mark lists, the chips and the vote session. Nothing
// here knows a system: marks are by side only.
import { MAX_MARKS_PER_IMAGE, nudgeRegion, type Mark, type Missing, type Point, type Region, type Side } from '$lib/marks';

/** One arrow-key step of the cursor, as a share of the image's width or height. */
export const CURSOR_STEP = 0.02;
const SIDE_LABEL = { left: 'left', right: 'right' } as const;

export interface MarkingSnapshot {
	marks: Mark[];
	missing: Missing;
	tags: string[];
}

export class Marking {
	marks = $state<Mark[]>([]);
	missing = $state<Missing>({ left: [], right: [] });
	tags = $state<string[]>([]);
	/** the kind a new mark gets (the first flag kind unless the evaluator picked another) */
	kind = $state('');
	/** the keyboard marking mode: which image, and where the cursor is */
	cursor = $state<{ side: Side; region: Region } | null>(null);
	/** what the live region says: each placement, change and removal */
	announcement = $state('');

	constructor(readonly kinds: () => { key: string; label: string }[]) {
		this.kind = kinds()[0]?.key ?? '';
	}

	labelOf(kind: string): string {
		return this.kinds().find((k) => k.key === kind)?.label ?? kind;
	}

	/** The marks of one image with their numbers (1, 2, … in order of placement on that image). */
	on(side: Side): { mark: Mark; index: number; n: number }[] {
		const out: { mark: Mark; index: number; n: number }[] = [];
		this.marks.forEach((mark, index) => mark.side === side && out.push({ mark, index, n: out.length + 1 }));
		return out;
	}

	add(side: Side, region: Region, kind = this.kind || this.kinds()[0]?.key || ''): boolean {
		if (!kind) return false;
		if (this.on(side).length >= MAX_MARKS_PER_IMAGE) {
			this.announcement = `At most ${MAX_MARKS_PER_IMAGE} marks per image.`;
			return false;
		}
		this.marks = [...this.marks, { side, kind, ...region }];
		const n = this.on(side).length;
		const what = region.w === 0 ? 'Point' : 'Box';
		this.announcement = `${what} ${n} placed on the ${SIDE_LABEL[side]} image: ${this.labelOf(kind)}.`;
		return true;
	}

	setKind(index: number, kind: string) {
		const mark = this.marks[index];
		if (!mark) return;
		this.marks = this.marks.map((m, i) => (i === index ? { ...m, kind } : m));
		const n = this.on(mark.side).findIndex((e) => e.index === index) + 1;
		this.announcement = `Mark ${n} on the ${SIDE_LABEL[mark.side]} image is now ${this.labelOf(kind)}.`;
	}

	remove(index: number) {
		const mark = this.marks[index];
		if (!mark) return;
		const n = this.on(mark.side).findIndex((e) => e.index === index) + 1;
		this.marks = this.marks.filter((_, i) => i !== index);
		this.announcement = `Mark ${n} removed from the ${SIDE_LABEL[mark.side]} image.`;
	}

	toggleMissing(side: Side, element: string) {
		const list = this.missing[side];
		const on = !list.includes(element);
		this.missing = { ...this.missing, [side]: on ? [...list, element] : list.filter((e) => e !== element) };
		this.announcement = `“${element}” ${on ? 'marked as missing from' : 'no longer missing from'} the ${SIDE_LABEL[side]} image.`;
	}

	toggleTag(key: string, label: string) {
		const on = !this.tags.includes(key);
		this.tags = on ? [...this.tags, key] : this.tags.filter((t) => t !== key);
		this.announcement = `Reason “${label}” ${on ? 'chosen' : 'removed'}.`;
	}

	// ---- keyboard marking mode ----

	/** The cursor starts as a point at `at`: the image's centre, or the centre of what a zoomed view shows. */
	start(side: Side, at: Point = { x: 0.5, y: 0.5 }) {
		this.cursor = { side, region: { x: at.x, y: at.y, w: 0, h: 0 } };
		this.announcement = `Marking the ${SIDE_LABEL[side]} image: arrows move, Shift+arrows resize, a digit picks the kind, Enter places, Escape cancels.`;
	}

	move(d: { dx?: number; dy?: number; dw?: number; dh?: number }) {
		if (!this.cursor) return;
		this.cursor = { ...this.cursor, region: nudgeRegion(this.cursor.region, d) };
	}

	pickKind(digit: number): boolean {
		const kind = this.kinds()[digit - 1];
		if (!kind) return false;
		this.kind = kind.key;
		this.announcement = `Kind: ${kind.label}.`;
		return true;
	}

	place() {
		if (!this.cursor) return;
		const { side, region } = this.cursor;
		this.cursor = null;
		this.add(side, region);
	}

	cancel() {
		if (!this.cursor) return;
		this.cursor = null;
		this.announcement = 'Marking cancelled.';
	}

	// ---- with the answer ----

	snapshot(): MarkingSnapshot {
		return {
			marks: this.marks.map((m) => ({ ...m })),
			missing: { left: [...this.missing.left], right: [...this.missing.right] },
			tags: [...this.tags]
		};
	}

	restore(s: MarkingSnapshot) {
		this.marks = s.marks.map((m) => ({ ...m }));
		this.missing = { left: [...s.missing.left], right: [...s.missing.right] };
		this.tags = [...s.tags];
	}

	reset() {
		this.marks = [];
		this.missing = { left: [], right: [] };
		this.tags = [];
		this.cursor = null;
	}
}
