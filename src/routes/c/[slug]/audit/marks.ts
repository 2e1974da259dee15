// How the audit queue draws and names region marks: one colour per kind (dark enough for white
// numbers on it), and where a mark is, in words, for the list under each image.
import type { VoteMark } from '$lib/server/audit/vote-marks';

export const KIND_COLORS = ['#0b5394', '#a0410d', '#1e7a46', '#8e2c73', '#6b5b00', '#b00020', '#4a4f55'];

const p = (v: number) => `${Math.round(v * 100)}%`;

/** "box 10–30% across, 60–80% down" or "point at 50% across, 50% down" (image-relative). */
export function markWhere(m: Pick<VoteMark, 'x' | 'y' | 'w' | 'h'>): string {
	if (m.w > 0 && m.h > 0) return `box ${p(m.x)}–${p(m.x + m.w)} across, ${p(m.y)}–${p(m.y + m.h)} down`;
	return `point at ${p(m.x)} across, ${p(m.y)} down`;
}
