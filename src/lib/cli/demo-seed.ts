// Seeds the demo: one account per role, a campaign with guidelines, the AGIQA-3K subset, and a few
// hundred simulated votes driven by the images' human opinion scores (marked simulated).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { Choice, Database } from '../server/db/schema.ts';
import { parseCsv } from '../csv.ts';
import { createUser } from '../server/auth/users.ts';
import { addCriterion, addMember, createCampaign } from '../server/campaigns/campaigns.ts';
import { importImages } from '../server/images/import.ts';
import { submitVote } from '../server/voting/submit-vote.ts';
import { randomId } from '../server/ids.ts';
import { createRng } from '../scheduling/index.ts';

export const DEMO_CAMPAIGN = 'agiqa-demo';
export const DEMO_ACCOUNTS = [
	{ email: 'admin@pickwise.test', password: 'pickwise-admin', role: 'admin', name: 'Ada Admin' },
	{ email: 'lead@pickwise.test', password: 'pickwise-lead', role: 'lead', name: 'Lee Lead' },
	{ email: 'researcher@pickwise.test', password: 'pickwise-researcher', role: 'researcher', name: 'Rae Researcher' },
	{ email: 'evaluator@pickwise.test', password: 'pickwise-evaluator', role: 'evaluator', name: 'Eve Evaluator' }
] as const;
const SIMULATED_EVALUATORS = 5;

export interface SeedOptions {
	demoDir: string;
	dataDir: string;
	votes?: number;
	seed?: number;
}

export async function seedDemo(db: Kysely<Database>, options: SeedOptions) {
	const votes = options.votes ?? 300;
	for (const account of DEMO_ACCOUNTS) {
		await createUser(db, {
			email: account.email,
			displayName: account.name,
			password: account.password,
			isAdmin: account.role === 'admin'
		});
	}
	await createCampaign(db, {
		slug: DEMO_CAMPAIGN,
		name: 'AGIQA-3K demo: which generator is better?',
		description: '8 text-to-image generator configurations on 16 prompts, from the AGIQA-3K study.',
		guidelinesMd: readFileSync(join(options.demoDir, 'guidelines.md'), 'utf8')
	});
	for (const account of DEMO_ACCOUNTS) {
		if (account.role !== 'admin')
			await addMember(db, {
				slug: DEMO_CAMPAIGN,
				email: account.email,
				role: account.role,
				quota: account.role === 'evaluator' ? 200 : undefined
			});
	}
	await addCriterion(db, {
		slug: DEMO_CAMPAIGN,
		key: 'adherence',
		label: 'Prompt adherence',
		description: 'Which image shows what the prompt asks for?'
	});
	await addCriterion(db, {
		slug: DEMO_CAMPAIGN,
		key: 'quality',
		label: 'Visual quality',
		description: 'Which image is cleaner, with fewer artifacts?'
	});
	const manifest = join(options.demoDir, 'agiqa', 'manifest.csv');
	const summary = await importImages(db, { campaign: DEMO_CAMPAIGN, manifestPath: manifest, dataDir: options.dataDir });
	const simulated = await simulateVotes(db, manifest, votes, options.seed ?? 1);
	return { images: summary.added, votes: simulated };
}

interface Scored {
	imageId: string;
	promptId: string;
	prompt: string;
	quality: number;
	qualityStd: number;
	align: number;
	alignStd: number;
}

/** A simulated rater: prefers higher opinion score plus Gaussian noise of the raters' own spread. */
async function simulateVotes(db: Kysely<Database>, manifestPath: string, count: number, seed: number) {
	const rng = createRng(seed);
	const gauss = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
	const campaign = await db.selectFrom('campaign').selectAll().where('slug', '=', DEMO_CAMPAIGN).executeTakeFirstOrThrow();
	const images = await db
		.selectFrom('image')
		.innerJoin('system', 'system.id', 'image.system_id')
		.innerJoin('prompt', 'prompt.id', 'image.prompt_id')
		.select(['image.id', 'image.prompt_id', 'system.name as system', 'prompt.external_id', 'prompt.text as prompt_text'])
		.where('image.campaign_id', '=', campaign.id)
		// a fixed order, so that the same seed gives the same votes (ids are random)
		.orderBy('prompt.external_id')
		.orderBy('system.name')
		.execute();
	const [header, ...rows] = parseCsv(readFileSync(manifestPath, 'utf8'));
	const at = (name: string) => header.fields.indexOf(name);
	const scores = new Map(rows.map((r) => [`${r.fields[at('prompt_id')]}|${r.fields[at('system')]}`, r.fields]));
	const scored: Scored[] = images.map((i) => {
		const f = scores.get(`${i.external_id}|${i.system}`)!;
		return {
			imageId: i.id,
			promptId: i.prompt_id,
			prompt: i.prompt_text,
			quality: Number(f[at('mos_quality')]),
			qualityStd: Number(f[at('std_quality')]),
			align: Number(f[at('mos_align')]),
			alignStd: Number(f[at('std_align')])
		};
	});
	const byPrompt = new Map<string, Scored[]>();
	for (const s of scored) byPrompt.set(s.promptId, [...(byPrompt.get(s.promptId) ?? []), s]);
	const prompts = [...byPrompt.values()];

	const raters: string[] = [];
	for (let n = 1; n <= SIMULATED_EVALUATORS; n++) {
		const email = `sim${n}@pickwise.test`;
		const user = await createUser(db, { email, displayName: `Simulated rater ${n}`, password: randomId() });
		await addMember(db, { slug: DEMO_CAMPAIGN, email, role: 'evaluator' });
		raters.push(user.id);
	}
	const start = Date.now() - 14 * 24 * 3600 * 1000;
	for (let v = 0; v < count; v++) {
		const group = prompts[Math.floor(rng() * prompts.length)];
		const i = Math.floor(rng() * group.length);
		let j = Math.floor(rng() * (group.length - 1));
		if (j >= i) j++;
		const [left, right] = [group[i], group[j]];
		const userId = raters[v % raters.length];
		const when = start + Math.floor((v / count) * 13 * 24 * 3600 * 1000);
		const q = left.quality - right.quality + gauss() * Math.hypot(left.qualityStd, right.qualityStd);
		const a = left.align - right.align + gauss() * Math.hypot(left.alignStd, right.alignStd);
		const total = q + a;
		const choice: Choice = Math.abs(total) < 0.15 ? (left.quality + right.quality < 2 ? 'both_bad' : 'tie') : total > 0 ? 'left' : 'right';
		const assignmentId = randomId();
		await db
			.insertInto('assignment')
			.values({
				id: assignmentId,
				campaign_id: campaign.id,
				user_id: userId,
				left_image_id: left.imageId,
				right_image_id: right.imageId,
				kind: 'normal',
				issued_at: when,
				expires_at: when + 600_000,
				answered_at: null,
				skipped_at: null,
				skip_reason: null
			})
			.execute();
		await submitVote(
			db,
			userId,
			campaign,
			{
				voteId: crypto.randomUUID(),
				assignmentId,
				choice,
				rationale: rationaleFor(choice, q, a, left.prompt, rng),
				activeMs: 4000 + Math.floor(rng() * 20000),
				simulated: true,
				// the criteria follow the two opinion scores separately
				criteria: { adherence: a > 0 ? 'left' : 'right', quality: q > 0 ? 'left' : 'right' }
			},
			when + 4000 + Math.floor(rng() * 20000)
		);
	}
	return count;
}

const ALIGN = [
	'follows the prompt more closely',
	'shows what the prompt asks for more faithfully',
	'matches the description better',
	'gets the subject of the prompt more accurately',
	'keeps closer to the prompt'
];
const QUALITY = [
	'is cleaner, with fewer artifacts',
	'looks sharper',
	'has more believable detail',
	'has better composition and lighting',
	'shows fewer distortions'
];
const DETAILS = [
	'the main subject',
	'the background',
	'the colours',
	'the edges',
	'the textures',
	'the proportions',
	'the lighting',
	'the overall scene'
];

/** Varied short reasons, as different people write them (simulated raters must not look like copy-pasters). */
function rationaleFor(choice: Choice, quality: number, align: number, prompt: string, rng: () => number): string {
	const pick = <T>(list: T[]) => list[Math.floor(rng() * list.length)];
	if (choice === 'tie') return `[simulated] Both are about as good. ${pick(DETAILS)} and ${pick(DETAILS)} are similar for "${prompt}".`;
	if (choice === 'both_bad') return `[simulated] Neither works. ${pick(DETAILS)} is off in both for "${prompt}".`;
	const other = choice === 'left' ? 'right' : 'left';
	const reason = Math.abs(align) > Math.abs(quality) ? pick(ALIGN) : pick(QUALITY);
	// the prompt in a sentence of its own: its words are no judgment of either side
	return `[simulated] The ${choice} image ${reason} than the ${other} one. Look at ${pick(DETAILS)} for "${prompt}".`;
}
