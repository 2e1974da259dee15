// The pure mark statistics at the scale of a large campaign: 200,000 votes over 12 systems, about a
// third of the images marked (1–3 marks each), 60 evaluators. Prints the median of 5 runs of each
// step (rates, every heatmap, the evaluator signals — from records, and over columns as the quality worker
// computes them off the request thread). Run: node bin/run-ts.js bench/marks.ts
import {
	markHeatmaps,
	markRates,
	markSignals,
	markSignalsColumns,
	type MarkRecord,
	type MarkVote,
	type MissingRecord
} from '../src/lib/quality/marks.ts';
import { columnsFromRecords } from '../src/lib/quality/columns.ts';

let seed = 42;
const rand = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
const VOTES = 200_000;
const SYSTEMS = Array.from({ length: 12 }, (_, i) => `system-${i}`);
const KINDS = ['artifacts', 'distorted_anatomy', 'text_rendering', 'off_prompt', 'watermark', 'low_resolution', 'unsafe'];
const votes: MarkVote[] = [];
const marks: MarkRecord[] = [];
const missing: MissingRecord[] = [];
for (let i = 0; i < VOTES; i++) {
	const a = Math.floor(rand() * 12);
	const b = (a + 1 + Math.floor(rand() * 11)) % 12;
	const prompt = Math.floor(rand() * 2000);
	votes.push({
		id: `v${i}`,
		userId: `u${Math.floor(rand() * 60)}`,
		leftImageId: `${prompt}-${a}`,
		rightImageId: `${prompt}-${b}`,
		leftSystem: SYSTEMS[a],
		rightSystem: SYSTEMS[b]
	});
	for (const side of ['left', 'right'] as const) {
		if (rand() < 0.33)
			for (let k = 1 + Math.floor(rand() * 3); k > 0; k--)
				marks.push({
					voteId: `v${i}`,
					side,
					kind: KINDS[Math.floor(rand() * 7)],
					x: rand() * 0.8,
					y: rand() * 0.8,
					w: rand() * 0.2,
					h: rand() * 0.2
				});
		if (rand() < 0.1) missing.push({ voteId: `v${i}`, side, element: 'cat' });
	}
}
const median = (f: () => unknown) => {
	const times: number[] = [];
	for (let r = 0; r < 5; r++) {
		const t = performance.now();
		f();
		times.push(performance.now() - t);
	}
	return times.sort((x, y) => x - y)[2].toFixed(0);
};
console.log(`${VOTES} votes, ${marks.length} marks, ${missing.length} missed elements`);
console.log(`markRates     ${median(() => markRates(votes, marks, missing, KINDS))} ms`);
console.log(`markHeatmaps  ${median(() => markHeatmaps(votes, marks, SYSTEMS, KINDS))} ms (${SYSTEMS.length * (KINDS.length + 1)} grids)`);
console.log(`markSignals   ${median(() => markSignals(votes, marks))} ms`);
// the quality worker's path: the votes it already holds as columns (building them is the report's cost, not the signals')
const columns = columnsFromRecords(
	votes.map((v) => ({
		id: v.id,
		assignmentId: '',
		userId: v.userId,
		leftImageId: v.leftImageId,
		rightImageId: v.rightImageId,
		leftSystemId: v.leftSystem,
		rightSystemId: v.rightSystem,
		choice: 'left' as const,
		rationale: '',
		activeMs: null,
		submittedAt: 0,
		kind: 'normal' as const,
		status: 'counted' as const
	}))
);
console.log(
	`markSignalsColumns ${median(() => markSignalsColumns(columns, marks))} ms (in the quality worker; nothing on the request thread)`
);
