// Builds a campaign through the real services: generated images imported from a manifest, members
// with sessions (the real session service, so tests need not go through the login rate limit).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/lib/server/db/schema.ts';
import { createUser } from '../../src/lib/server/auth/users.ts';
import { addMember, createCampaign, requireCampaign, updateCampaignSettings } from '../../src/lib/server/campaigns/campaigns.ts';
import { importImages } from '../../src/lib/server/images/import.ts';
import { createSession } from '../../src/lib/server/auth/session.ts';
import { solidPng } from './images.ts';

export interface SeededCampaign {
	slug: string;
	/** session cookies by evaluator email */
	evaluators: { email: string; id: string; cookie: string }[];
}

export async function seedCampaign(
	db: Kysely<Database>,
	dataDir: string,
	options: { slug: string; systems: number; prompts: number; evaluators: number; quota?: number }
): Promise<SeededCampaign> {
	await createCampaign(db, { slug: options.slug, name: `Campaign ${options.slug}` });
	const set = join(dataDir, `set-${options.slug}`);
	mkdirSync(set, { recursive: true });
	const lines = ['image_path,prompt,system'];
	for (let p = 0; p < options.prompts; p++) {
		for (let s = 0; s < options.systems; s++) {
			const file = `p${p}-s${s}.png`;
			writeFileSync(join(set, file), await solidPng(8, 8, { r: (p * 37) % 256, g: (s * 53) % 256, b: (p + s) % 256 }));
			lines.push(`${file},prompt number ${p},system-${s}`);
		}
	}
	writeFileSync(join(set, 'manifest.csv'), lines.join('\n') + '\n');
	const summary = await importImages(db, { campaign: options.slug, manifestPath: join(set, 'manifest.csv'), dataDir });
	if (summary.added !== options.prompts * options.systems) throw new Error(`seed import added ${summary.added}`);
	const evaluators = [];
	for (let e = 0; e < options.evaluators; e++) {
		const email = `eval${e}@${options.slug}.test`;
		const user = await createUser(db, { email, password: 'evaluator-password' });
		await addMember(db, { slug: options.slug, email, role: 'evaluator', quota: options.quota });
		const { token } = await createSession(db, user.id);
		evaluators.push({ email, id: user.id, cookie: `pickwise_session=${token}` });
	}
	return { slug: options.slug, evaluators };
}

/** JSON API call as a signed-in browser would make it. */
export async function api(base: string, cookie: string, path: string, body?: unknown) {
	const response = await fetch(base + path, {
		method: body === undefined ? 'GET' : 'POST',
		headers: { cookie, origin: base, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	const text = await response.text();
	return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

/**
 * Opens a seeded campaign for voting as most tests want it: ties and "both bad" allowed, blind, no
 * minimum rationale, no gold pairs or hidden repeats (each overridable).
 */
export async function openForVoting(
	db: Kysely<Database>,
	slug: string,
	settings: Partial<Parameters<typeof updateCampaignSettings>[2]> = {}
): Promise<void> {
	await updateCampaignSettings(
		db,
		await requireCampaign(db, slug),
		{
			status: 'active',
			allowTie: true,
			allowBothBad: true,
			blind: true,
			rationaleMinChars: 0,
			goldRate: 0,
			repeatRate: 0,
			goldFeedback: false,
			...settings
		},
		null
	);
}
