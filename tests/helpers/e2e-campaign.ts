// A campaign of its own for an end-to-end spec, made with the real CLI in the e2e server's data
// folder (so that the demo campaign's rules stay as the other specs expect them): 4 prompts × 3
// systems of the demo images (12 pairs, more than a spec judges), the demo's evaluator and lead as
// members, and optional criteria.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { pickwise } from './cli.ts';
import { csvRow, parseCsv } from '../../src/lib/csv.ts';

/** The e2e server's data folder (playwright.config.ts). */
export const E2E_DATA_DIR = resolve('test-results/e2e-data');
export const EVALUATOR = { email: 'evaluator@pickwise.test', password: 'pickwise-evaluator' };
export const LEAD = { email: 'lead@pickwise.test', password: 'pickwise-lead' };

/** Runs `pickwise …` on the e2e server's data; throws with its stderr when it fails. */
export function e2eCli(args: string[]) {
	const result = pickwise(E2E_DATA_DIR, args);
	if (result.code !== 0) throw new Error(`pickwise ${args.join(' ')}: ${result.stderr}`);
}

export function seedE2eCampaign(options: { slug: string; name: string; criteria?: { key: string; label: string }[] }) {
	const rows = parseCsv(readFileSync('demo/agiqa/manifest.csv', 'utf8'))
		.slice(1)
		.map((r) => r.fields);
	const systems = ['AttnGAN_normal', 'DALLE2_normal', 'xl2.2_normal'];
	const prompts = [...new Set(rows.map((r) => r[5]))].slice(0, 4);
	const set = mkdtempSync(join(tmpdir(), `pickwise-${options.slug}-`));
	const lines = [csvRow(['image_path', 'prompt', 'system', 'prompt_id'])];
	for (const r of rows.filter((r) => systems.includes(r[4]) && prompts.includes(r[5]))) {
		const file = r[0].replaceAll('/', '_');
		copyFileSync(join('demo/agiqa', r[0]), join(set, file));
		lines.push(csvRow([file, r[1], r[4], r[5]]));
	}
	writeFileSync(join(set, 'manifest.csv'), lines.join(''));
	const { slug } = options;
	e2eCli(['campaign', 'create', '--slug', slug, '--name', options.name]);
	e2eCli(['import', 'images', '--campaign', slug, '--manifest', join(set, 'manifest.csv')]);
	e2eCli(['campaign', 'add-member', '--slug', slug, '--email', EVALUATOR.email, '--role', 'evaluator']);
	e2eCli(['campaign', 'add-member', '--slug', slug, '--email', LEAD.email, '--role', 'lead']);
	for (const c of options.criteria ?? []) e2eCli(['campaign', 'add-criterion', '--slug', slug, '--key', c.key, '--label', c.label]);
}
