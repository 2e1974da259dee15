// The benchmarks' campaign, written straight into the database: image rows only (no files: the
// benchmarks measure voting, not import), every system on every prompt, and evaluator accounts with a
// session each. Shared by bench/votes.ts and bench/pg-round-trips.ts.
import type { Kysely } from 'kysely';
import type { Database } from '../src/lib/server/db/schema.ts';
import { createCampaign } from '../src/lib/server/campaigns/campaigns.ts';
import { createSession } from '../src/lib/server/auth/session.ts';
import { randomId } from '../src/lib/server/ids.ts';

/** An active campaign `slug` with `systems` × `prompts` image rows; returns its id. */
export async function seedBenchCampaign(k: Kysely<Database>, options: { slug: string; systems: number; prompts: number }): Promise<string> {
	await createCampaign(k, { slug: options.slug, name: 'Bench', status: 'active' });
	const campaign = await k.selectFrom('campaign').select('id').where('slug', '=', options.slug).executeTakeFirstOrThrow();
	await k.transaction().execute(async (trx) => {
		const systemRows = Array.from({ length: options.systems }, (_, s) => ({
			id: randomId(),
			campaign_id: campaign.id,
			name: `system-${s}`
		}));
		await trx.insertInto('system').values(systemRows).execute();
		for (let p = 0; p < options.prompts; p++) {
			const promptId = randomId();
			await trx
				.insertInto('prompt')
				.values({ id: promptId, campaign_id: campaign.id, external_id: `p${p}`, text: `prompt ${p}`, category: null })
				.execute();
			await trx
				.insertInto('image')
				.values(
					systemRows.map((s) => ({
						id: randomId(),
						campaign_id: campaign.id,
						prompt_id: promptId,
						system_id: s.id,
						sha256: randomId(),
						stored_path: 'images/none.png',
						width: 512,
						height: 512,
						format: 'png',
						bytes: 1000,
						created_at: Date.now()
					}))
				)
				.execute();
		}
	});
	return campaign.id;
}

/** `count` evaluators of the campaign (e0@bench.test, …), each signed in; returns their session tokens. */
export async function seedEvaluators(k: Kysely<Database>, campaignId: string, count: number, passwordHash = 'x'): Promise<string[]> {
	const tokens: string[] = [];
	for (let e = 0; e < count; e++) {
		const id = randomId();
		await k
			.insertInto('user')
			.values({
				id,
				email: `e${e}@bench.test`,
				display_name: `e${e}`,
				password_hash: passwordHash,
				is_admin: 0,
				disabled_at: null,
				created_at: Date.now()
			})
			.execute();
		await k.insertInto('campaign_member').values({ campaign_id: campaignId, user_id: id, role: 'evaluator', quota: null }).execute();
		tokens.push((await createSession(k, id)).token);
	}
	return tokens;
}
