// The boards beside the overall leaderboard, over real HTTP against the built server on a real SQLite
// file: the controlled tab and API with the measured features (luminance, contrast), per-category
// boards, head-to-head, personal boards; and who sees what while the campaign is blind and after.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { openMigratedDatabase } from '../../src/lib/server/db/index.ts';
import { createUser } from '../../src/lib/server/auth/users.ts';
import { addMember, createCampaign, requireCampaign, updateCampaignSettings } from '../../src/lib/server/campaigns/campaigns.ts';
import { createSession } from '../../src/lib/server/auth/session.ts';
import { importImages } from '../../src/lib/server/images/import.ts';
import { nextAssignment } from '../../src/lib/server/voting/leases.ts';
import { castVote } from '../../src/lib/server/voting/cast-vote.ts';
import { measureImage } from '../../src/lib/server/results/features.ts';
import { createRng } from '../../src/lib/scheduling/rng.ts';
import { solidPng } from '../helpers/images.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

const SLUG = 'boards';
const SYSTEMS = 4;
const PROMPTS = 10;
let root: string;
let server: RunningServer;
let dbUrl: string;
const cookies: Record<'lead' | 'researcher' | 'busy' | 'light', string> = { lead: '', researcher: '', busy: '', light: '' };

const settings = (blind: boolean) => ({
	status: 'active' as const,
	allowTie: true,
	allowBothBad: true,
	blind,
	rationaleMinChars: 0,
	goldRate: 0,
	repeatRate: 0,
	goldFeedback: false
});

beforeAll(async () => {
	root = mkdtempSync(join(tmpdir(), 'pickwise-boards-'));
	dbUrl = `sqlite:${join(root, 'pickwise.db')}`;
	const db = await openMigratedDatabase(dbUrl);
	const k = db.kysely;
	await createCampaign(k, { slug: SLUG, name: 'Boards' });
	const set = join(root, 'set');
	mkdirSync(set, { recursive: true });
	const lines = ['image_path,prompt,system,prompt_id,category'];
	for (let p = 0; p < PROMPTS; p++)
		for (let s = 0; s < SYSTEMS; s++) {
			const file = `p${p}-s${s}.png`;
			// brightness differs by system and prompt, so luminance varies within a system too
			const grey = 40 + 40 * s + 7 * p;
			writeFileSync(join(set, file), await solidPng(8, 8, { r: grey, g: grey, b: grey }));
			lines.push(`${file},prompt number ${p},system-${s},p${p},${p % 2 ? 'portraits' : 'landscapes'}`);
		}
	writeFileSync(join(set, 'manifest.csv'), lines.join('\n') + '\n');
	await importImages(k, { campaign: SLUG, manifestPath: join(set, 'manifest.csv'), dataDir: root });
	const member = async (email: string, role: 'lead' | 'researcher' | 'evaluator', displayName: string) => {
		const user = await createUser(k, { email, password: 'boards-password', displayName });
		await addMember(k, { slug: SLUG, email, role });
		return { id: user.id, cookie: `pickwise_session=${(await createSession(k, user.id)).token}` };
	};
	cookies.lead = (await member('lead@boards.test', 'lead', 'Lead Person')).cookie;
	cookies.researcher = (await member('researcher@boards.test', 'researcher', 'Researcher Person')).cookie;
	const busy = await member('busy@boards.test', 'evaluator', 'Busy Evaluator');
	const light = await member('light@boards.test', 'evaluator', 'Light Evaluator');
	cookies.busy = busy.cookie;
	cookies.light = light.cookie;
	await updateCampaignSettings(k, await requireCampaign(k, SLUG), settings(true), null);
	const campaign = await requireCampaign(k, SLUG);
	const systemOf = new Map((await k.selectFrom('image').select(['id', 'system_id']).execute()).map((r) => [r.id, r.system_id]));
	const names = new Map((await k.selectFrom('system').select(['id', 'name']).execute()).map((r) => [r.id, r.name]));
	const rand = createRng(14);
	// system-0 best … system-3 worst, with upsets so that every rating is finite
	for (let i = 0; i < 50; i++) {
		const who = i < 40 ? busy : light;
		const pair = (await nextAssignment(k, campaign, who.id, null))!;
		const left = Number(names.get(systemOf.get(pair.assignment.left_image_id)!)!.slice(-1));
		const right = Number(names.get(systemOf.get(pair.assignment.right_image_id)!)!.slice(-1));
		const better = left < right ? 'left' : 'right';
		const choice = rand() < 0.75 ? better : better === 'left' ? 'right' : 'left';
		await castVote(k, campaign, who.id, {
			voteId: crypto.randomUUID(),
			assignmentId: pair.assignment.id,
			choice,
			rationale: `vote ${i}: the ${choice} one follows the prompt better`
		});
	}
	await db.close();
	server = await startServer(root);
}, 120_000);

afterAll(async () => {
	await server?.stop();
	rmSync(root, { recursive: true, force: true });
});

async function get(path: string, cookie: string) {
	const response = await fetch(server.url + path, {
		headers: { cookie, accept: path.startsWith('/api/') ? 'application/json' : 'text/html' }
	});
	return { status: response.status, text: await response.text(), headers: response.headers };
}

async function setBlind(blind: boolean) {
	const db = await openMigratedDatabase(dbUrl);
	await updateCampaignSettings(db.kysely, await requireCampaign(db.kysely, SLUG), settings(blind), null);
	await db.close();
}

describe('image features', () => {
	it('measures mean luminance and RMS contrast of the stored bytes', async () => {
		const white = await measureImage(await solidPng(16, 16, { r: 255, g: 255, b: 255 }));
		expect(white.luminance).toBeCloseTo(255, 0);
		expect(white.contrast).toBeCloseTo(0, 5);
		// half black, half white: mean 127.5, standard deviation 127.5
		const half = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#000' } })
			.composite([{ input: await solidPng(8, 16, { r: 255, g: 255, b: 255 }), left: 0, top: 0 }])
			.png()
			.toBuffer();
		const m = await measureImage(half);
		expect(m.luminance).toBeCloseTo(127.5, 0);
		expect(m.contrast).toBeCloseTo(127.5, 0);
	});
});

describe('controlled board', () => {
	it('controls for luminance and contrast once the images are measured (lazily, once) and shows coefficients and Δrank', async () => {
		const page = await get(
			`/c/${SLUG}/results/controlled?control=left&control=luminance&control=contrast&bootstrap=40`,
			cookies.researcher
		);
		expect(page.status).toBe(200);
		expect(page.text).toContain('Controlled leaderboard');
		expect(page.text).toContain('Δrank');
		expect(page.text).toContain('Mean luminance ratio');
		expect(page.text).toMatch(/Left side [+−]?\d+ Elo \[/);
		const db = await openMigratedDatabase(dbUrl);
		const measured = await db.kysely.selectFrom('image_feature').select(['image_id', 'luminance']).execute();
		const images = await db.kysely.selectFrom('image').select('id').execute();
		await db.close();
		expect(measured).toHaveLength(images.length);
		expect(Math.min(...measured.map((m) => Number(m.luminance)))).toBeCloseTo(40, 0);

		const api = await get(`/api/v1/campaigns/${SLUG}/leaderboard?control=luminance,contrast&bootstrap=20`, cookies.researcher);
		expect(api.status).toBe(200);
		const board = JSON.parse(api.text);
		expect(board.controlled.coefficients.map((c: { name: string }) => c.name)).toEqual(['luminance', 'contrast']);
		expect(board.controlled.leaderboard).toHaveLength(SYSTEMS);
		const csv = await get(`/api/v1/campaigns/${SLUG}/leaderboard?control=left&bootstrap=0&format=csv`, cookies.researcher);
		expect(csv.text.split('\n')[0]).toBe('kind,name,rating_or_elo,ci_low,ci_high,rank,rank_worst,raw_rating,delta_rank');
		expect(csv.text).toContain('coefficient,left,');
	}, 60_000);

	it('names the bad control and treats "none chosen" as a choice, not as the default', async () => {
		const bad = await get(`/api/v1/campaigns/${SLUG}/leaderboard?control=marks`, cookies.researcher);
		expect(bad.status).toBe(400);
		expect(JSON.parse(bad.text).error.field).toBe('control');
		const none = await get(`/c/${SLUG}/results/controlled?control=&bootstrap=0`, cookies.researcher);
		expect(none.status).toBe(200);
		expect(none.text).toContain('Choose at least one feature');
	});

	it('shows rank spreads and the robustness line on the overall board', async () => {
		const page = await get(`/c/${SLUG}/results?bootstrap=50`, cookies.researcher);
		expect(page.status).toBe(200);
		expect(page.text).toMatch(/#1 system-\d holds unless/);
		expect(page.text).toContain('Separability');
	});
});

describe('more boards', () => {
	it('a board per category and the category × system heatmap', async () => {
		const page = await get(`/c/${SLUG}/results/categories?bootstrap=20`, cookies.researcher);
		expect(page.status).toBe(200);
		expect(page.text).toContain('Ratings by category');
		expect(page.text).toContain('landscapes');
		expect(page.text).toContain('portraits');
	});

	it('head-to-head lists every battle of the pair with rationales, evaluators by pseudonym for researchers', async () => {
		const page = await get(`/c/${SLUG}/results/head-to-head?a=system-0&b=system-1`, cookies.researcher);
		expect(page.status).toBe(200);
		const db = await openMigratedDatabase(dbUrl);
		const ids = new Map((await db.kysely.selectFrom('system').select(['id', 'name']).execute()).map((r) => [r.name, r.id]));
		const votes = await db.kysely
			.selectFrom('vote')
			.select(['rationale'])
			.where((eb) =>
				eb.or([
					eb.and([eb('left_system_id', '=', ids.get('system-0')!), eb('right_system_id', '=', ids.get('system-1')!)]),
					eb.and([eb('left_system_id', '=', ids.get('system-1')!), eb('right_system_id', '=', ids.get('system-0')!)])
				])
			)
			.execute();
		await db.close();
		expect(votes.length).toBeGreaterThan(0);
		expect(page.text).toContain(`${votes.length} battles:`);
		for (const v of votes) expect(page.text).toContain(v.rationale);
		expect(page.text).not.toContain('Busy Evaluator');
		const lead = await get(`/c/${SLUG}/results/head-to-head?a=system-0&b=system-1`, cookies.lead);
		expect(lead.text).toContain('Busy Evaluator');
		expect((await get(`/c/${SLUG}/results/head-to-head?a=system-0&b=system-0`, cookies.researcher)).status).toBe(400);
		expect((await get(`/c/${SLUG}/results/head-to-head?a=system-0&b=nope`, cookies.researcher)).status).toBe(400);
	});

	it('personal boards: leads see every evaluator with enough votes beside the consensus, with Kendall τ', async () => {
		const page = await get(`/c/${SLUG}/results/personal`, cookies.lead);
		expect(page.status).toBe(200);
		expect(page.text).toContain('Busy Evaluator');
		expect(page.text).toContain('Kendall τ');
		// 10 votes: below the minimum of 30, no board
		expect(page.text).not.toContain('Light Evaluator');
		expect(page.text).toContain('1 evaluator(s) have fewer votes');
		expect((await get(`/c/${SLUG}/results/personal`, cookies.researcher)).status).toBe(403);
	});
});

describe('blind rules', () => {
	it('while blind an evaluator sees no board and no system; once not blind their own ranking, still no head-to-head', async () => {
		for (const path of ['results/controlled', 'results/categories', 'results/head-to-head?a=system-0&b=system-1', 'results/personal'])
			expect((await get(`/c/${SLUG}/${path}`, cookies.busy)).status, path).toBe(403);
		const blindMe = await get(`/c/${SLUG}/me`, cookies.busy);
		expect(blindMe.status).toBe(200);
		expect(blindMe.text).toContain('once the campaign is no longer blind');
		expect(blindMe.text).not.toContain('system-0');

		await setBlind(false);
		try {
			const me = await get(`/c/${SLUG}/me`, cookies.busy);
			expect(me.text).toContain('Your ranking, best first');
			expect(me.text).toContain('system-0');
			const light = await get(`/c/${SLUG}/me`, cookies.light);
			expect(light.text).toContain('After 30 counted votes');
			expect(light.text).not.toContain('system-0');
			expect((await get(`/c/${SLUG}/results/controlled?control=left&bootstrap=0`, cookies.busy)).status).toBe(200);
			expect((await get(`/c/${SLUG}/results/head-to-head?a=system-0&b=system-1`, cookies.busy)).status).toBe(403);
			expect((await get(`/c/${SLUG}/results/personal`, cookies.busy)).status).toBe(403);
		} finally {
			await setBlind(true);
		}
	});
});
