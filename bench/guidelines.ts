// Guidelines rendering under the save-time bounds: the slowest inputs found for `marked` (emphasis
// delimiters, nesting) at the largest size the bounds allow, and what happens to the payloads that
// used to stall the server. Rendering happens once per save; pages serve the stored HTML.
// Run: node bin/run-ts.js bench/guidelines.ts
import { performance } from 'node:perf_hooks';
import {
	GUIDELINES_MAX_CHARS,
	GUIDELINES_MAX_MARKERS,
	guidelinesProblem,
	renderGuidelines
} from '../src/lib/server/campaigns/guidelines-markdown.ts';

/** Paragraphs of `unit` (each up to the per-paragraph marker limit), as many as the bounds accept. */
function fill(unit: string, markersPerUnit: number, perParagraphMarkers = GUIDELINES_MAX_MARKERS): string {
	const paragraph = unit.repeat(Math.floor(perParagraphMarkers / markersPerUnit)).trimEnd();
	let md = paragraph;
	while (md.length + paragraph.length + 2 <= GUIDELINES_MAX_CHARS && !guidelinesProblem(md + '\n\n' + paragraph)) md += '\n\n' + paragraph;
	return md;
}

const cases: [string, string][] = [
	['_a  max per paragraph, to the budget', fill('_a ', 1)],
	['*a  max per paragraph, to the budget', fill('*a ', 1)],
	['*_a max per paragraph, to the budget', fill('*_a ', 2)],
	['**a max per paragraph, to the budget', fill('**a ', 2)],
	['_a_b max per paragraph, to the budget', fill('_a_b ', 2)],
	['_a  50 per paragraph, to the budget', fill('_a ', 1, 50)],
	['one paragraph: 50 markers + text', '_a '.repeat(50) + 'plain words '.repeat(1500)],
	['> x 10 levels', ('> '.repeat(10) + 'x\n').repeat(900)],
	['nested lists 10 levels', Array.from({ length: 10 }, (_, i) => '  '.repeat(i) + '- x').join('\n')]
];
for (const [name, md] of cases) {
	const problem = guidelinesProblem(md);
	if (problem) {
		console.log(`${name.padEnd(40)} refused: ${problem}`);
		continue;
	}
	renderGuidelines(md);
	const runs = 5;
	const t0 = performance.now();
	for (let i = 0; i < runs; i++) renderGuidelines(md);
	console.log(`${name.padEnd(40)} ${md.length} chars  ${((performance.now() - t0) / runs).toFixed(1)} ms per render`);
}
for (const [name, md] of [
	['12 kB _a (was 2.3 s per view)', '_a '.repeat(4000)],
	['48 kB _a (was 30 s per view)', '_a '.repeat(16000)],
	[">'x3000 (was 500)", '>'.repeat(3000) + 'x']
] as const) {
	const t0 = performance.now();
	const problem = guidelinesProblem(md);
	console.log(`${name.padEnd(40)} refused in ${(performance.now() - t0).toFixed(1)} ms: ${problem}`);
}
