// A team starts a campaign in the browser only: an admin invites a lead; the lead sets a password,
// creates a campaign, uploads a ZIP of demo images with a corrupt file and a `../` entry, sees both
// refused in the dry run, confirms the rest, invites an evaluator and activates the campaign; the
// evaluator joins and votes; the lead sees the vote in progress and results.
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipBuffer, type ZipEntry } from '../helpers/zip.ts';
import { csvRow, parseCsv } from '../../src/lib/csv.ts';
import { signIn } from '../helpers/sign-in.ts';

const run = Date.now().toString(36);
const SLUG = `team-${run}`;
const LEAD = { email: `lena-${run}@team.test`, password: 'lena chooses a passphrase' };
const EVALUATOR = { email: `eric-${run}@team.test`, password: 'eric chooses a passphrase' };

async function signOut(page: Page) {
	await page.getByRole('button', { name: 'Sign out' }).click();
	await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
}

/** Opens a one-time link as a new person and chooses a password. */
async function acceptInvitation(page: Page, link: string, password: string, greeting: RegExp) {
	await page.goto(link);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(greeting);
	// a weak password is refused at its field
	await page.getByLabel('New password').fill('short');
	await page.getByLabel('Repeat the password').fill('short');
	await page.getByRole('button', { name: 'Set password and sign in' }).click();
	await expect(page.getByLabel('New password')).toHaveAttribute('aria-invalid', 'true');
	await expect(page.getByRole('alert')).toContainText('at least 8 characters');
	await page.getByLabel('New password').fill(password);
	await page.getByLabel('Repeat the password').fill(password);
	await page.getByRole('button', { name: 'Set password and sign in' }).click();
	await expect(page.getByRole('heading', { name: 'Your campaigns' })).toBeVisible();
}

/** A ZIP of 3 prompts × 3 systems of the demo images, plus a truncated JPEG and an entry outside the archive. */
function demoZip(): Buffer {
	const rows = parseCsv(readFileSync('demo/agiqa/manifest.csv', 'utf8'))
		.slice(1)
		.map((r) => r.fields);
	const systems = ['AttnGAN_normal', 'DALLE2_normal', 'xl2.2_normal'];
	const prompts = [...new Set(rows.map((r) => r[5]))].slice(0, 3);
	const chosen = rows.filter((r) => systems.includes(r[4]) && prompts.includes(r[5]));
	const entries: ZipEntry[] = chosen.map((r) => ({ name: r[0], data: readFileSync(join('demo/agiqa', r[0])) }));
	const lines = [csvRow(['image_path', 'prompt', 'system', 'prompt_id']), ...chosen.map((r) => csvRow([r[0], r[1], r[4], r[5]]))];
	const whole = readFileSync(join('demo/agiqa', chosen[0][0]));
	entries.push({ name: 'images/broken.jpg', data: whole.subarray(0, whole.length / 3) });
	lines.push(csvRow(['images/broken.jpg', chosen[0][1], systems[0], 'extra-1']));
	entries.push({ name: '../escape.jpg', data: whole });
	lines.push(csvRow(['../escape.jpg', chosen[0][1], systems[1], 'extra-2']));
	return zipBuffer([{ name: 'manifest.csv', data: lines.join('') }, ...entries]);
}

test('an admin invites a lead, who starts a campaign that an invited evaluator votes in', async ({ page }) => {
	test.setTimeout(180_000);

	// the admin invites a lead who may create campaigns
	await signIn(page, 'admin@pickwise.test', 'pickwise-admin');
	await page.getByRole('link', { name: 'Admin', exact: true }).click();
	await page.getByLabel('Name').fill('Lena Lead');
	await page.getByLabel('Email').fill(LEAD.email);
	await page.getByLabel('May create campaigns').check();
	await page.getByRole('button', { name: 'Create invitation' }).click();
	const leadLink = await page.getByRole('textbox', { name: `Invitation link for ${LEAD.email}`, exact: true }).inputValue();
	expect(leadLink).toMatch(/\/invite\/[a-z2-7]+\.[a-z2-7]+$/);
	await expect(page.getByRole('row', { name: new RegExp(LEAD.email) })).toContainText('invited, no password yet');
	await signOut(page);

	// the lead accepts and creates a draft campaign
	await acceptInvitation(page, leadLink, LEAD.password, /Welcome, Lena Lead/);
	await page.getByRole('link', { name: 'New campaign' }).click();
	await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Team lighthouses');
	await page.getByLabel(/^Slug/).fill(SLUG);
	await page.getByLabel('Description', { exact: true }).fill('Three models, three prompts');
	await page.getByLabel(/^Guidelines/).fill('# Pick the better image\n\nPrefer the one that follows the prompt.');
	await page.getByLabel('Minimum rationale length (characters)').fill('10');
	await page.getByLabel('Battles per system pair to aim for').fill('2');
	await page.getByRole('button', { name: 'Create draft campaign' }).click();
	await expect(page.getByRole('heading', { name: 'Progress: Team lighthouses' })).toBeVisible();
	await expect(page.getByRole('heading', { name: 'Status: draft' })).toBeVisible();

	// the lead uploads the images: the dry run refuses the corrupt file and the `../` entry, with reasons
	await page.getByRole('link', { name: 'Images' }).click();
	await page
		.getByLabel(/ZIP file, or image files/)
		.setInputFiles({ name: 'lighthouses.zip', mimeType: 'application/zip', buffer: demoZip() });
	await page.getByRole('button', { name: 'Upload and check' }).click();
	await expect(page.getByRole('heading', { name: 'Dry run: nothing is added until you confirm' })).toBeVisible();
	await expect(page.getByRole('status').first()).toContainText('9 ok');
	const dryRun = page.getByRole('table', { name: /Every row/ });
	await expect(dryRun.getByRole('row', { name: /broken\.jpg/ })).toContainText('refused: image is corrupt or truncated');
	await expect(dryRun.getByRole('row', { name: /escape\.jpg/ })).toContainText("refused: path is outside the manifest's folder");
	await page.getByRole('button', { name: /^Confirm: add 9 rows/ }).click();
	await expect(page.getByRole('status').filter({ hasText: 'Added 9 images' })).toBeVisible();
	await page.goto(`/c/${SLUG}/progress`);

	// the lead invites an evaluator: the link is shown to send
	await page.getByRole('link', { name: 'Members' }).click();
	await page.getByLabel('Email', { exact: true }).fill(EVALUATOR.email);
	await page.getByLabel('Role', { exact: true }).selectOption('evaluator');
	await page.getByLabel('Quota (pairs, optional)').fill('5');
	await page.getByRole('button', { name: 'Add member' }).click();
	const evaluatorLink = await page.getByRole('textbox', { name: `Invitation link for ${EVALUATOR.email}`, exact: true }).inputValue();
	await expect(page.getByRole('row', { name: new RegExp(EVALUATOR.email) })).toContainText('invited');

	// and activates the campaign
	await page.getByRole('link', { name: 'Progress' }).click();
	await page.getByRole('button', { name: 'Activate' }).click();
	await expect(page.getByRole('heading', { name: 'Status: active' })).toBeVisible();
	await signOut(page);

	// the evaluator joins and votes
	await acceptInvitation(page, evaluatorLink, EVALUATOR.password, /Welcome/);
	const row = page.getByRole('row', { name: /Team lighthouses/ });
	await expect(row).toContainText('Evaluator');
	await expect(row).toContainText('you: 0 of 5 judged');
	await row.getByRole('link', { name: 'Team lighthouses' }).click();
	await page.getByRole('link', { name: 'Start voting' }).click();
	await page.getByLabel('Left is better').check();
	await page.getByLabel('Rationale').fill('The left one follows the prompt more closely.');
	await page.getByRole('button', { name: 'Submit vote' }).click();
	await expect(page.getByLabel('Progress')).toHaveText(/^1 \/ 5 judged/);
	await signOut(page);

	// the lead sees the vote in progress and in results
	await signIn(page, LEAD.email, LEAD.password);
	await expect(page.getByRole('row', { name: /Team lighthouses/ })).toContainText('active');
	await page.goto(`/c/${SLUG}/progress`);
	const votes = page.getByRole('definition').first();
	await expect(votes).toContainText('1');
	await expect(page.getByText('Votes still needed')).toBeVisible();
	await page.getByRole('link', { name: 'Members' }).click();
	await expect(page.getByRole('row', { name: new RegExp(EVALUATOR.email) })).toContainText('1 / 5');
	await page.goto(`/c/${SLUG}/results`);
	await page.locator('summary', { hasText: 'Filters:' }).click();
	await expect(page.getByRole('group', { name: 'Only these evaluators' })).toContainText(EVALUATOR.email.split('@')[0]);
	const perDay = page.getByRole('figure', { name: 'Votes per day' });
	await perDay.getByRole('button', { name: 'Table' }).click();
	await expect(perDay.getByRole('row', { name: new Date().toISOString().slice(0, 10) })).toContainText('1');
});
