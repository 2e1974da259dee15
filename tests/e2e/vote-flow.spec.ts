// The evaluator's voting flow in Chromium, on a campaign of its own (made with the real CLI in the
// e2e server's data folder, so the demo campaign's rules stay as the other specs expect them):
// a lead changes the guidelines and the rationale minimum while the voting page is open; undo
// gives the whole answer back and keeps the time already spent; skip by keyboard, with no undo
// offered after it, and the next pair shown from the top.
import { expect, test, type Page } from '@playwright/test';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { signIn } from '../helpers/sign-in.ts';
import { E2E_DATA_DIR as DATA_DIR, EVALUATOR, LEAD, seedE2eCampaign } from '../helpers/e2e-campaign.ts';

const SLUG = `flow-${Date.now().toString(36)}`;

test.beforeAll(() =>
	seedE2eCampaign({
		slug: SLUG,
		name: 'Vote flow',
		criteria: [
			{ key: 'adherence', label: 'Prompt adherence' },
			{ key: 'quality', label: 'Visual quality' }
		]
	})
);

/** The evaluator's votes in this campaign, newest first, as stored. */
function storedVotes() {
	const db = new Database(join(DATA_DIR, 'pickwise.db'), { readonly: true });
	try {
		return db
			.prepare(
				`SELECT v.id, v.assignment_id, v.choice, v.rationale, v.flags, v.active_ms, v.guidelines_version,
				        (SELECT group_concat(c.key || '=' || vc.choice) FROM vote_criterion vc JOIN criterion c ON c.id = vc.criterion_id WHERE vc.vote_id = v.id) AS criteria
				 FROM vote v JOIN campaign ON campaign.id = v.campaign_id JOIN user ON user.id = v.user_id
				 WHERE campaign.slug = ? AND user.email = ? ORDER BY v.submitted_at DESC`
			)
			.all(SLUG, EVALUATOR.email) as {
			assignment_id: string;
			choice: string;
			rationale: string;
			flags: string;
			active_ms: number;
			guidelines_version: number;
			criteria: string | null;
		}[];
	} finally {
		db.close();
	}
}

/** Opens the voting page and waits until it answers keys (a key pressed before hydration is lost). */
async function openVoting(page: Page) {
	await page.goto(`/c/${SLUG}/vote`);
	await expect(async () => {
		await page.keyboard.press('1');
		await expect(page.getByLabel('Left is better')).toBeChecked({ timeout: 500 });
	}).toPass({ timeout: 10_000 });
}

const pairSrc = async (page: Page) => page.getByRole('img', { name: 'Left image' }).first().getAttribute('src');

test('a page opened before the lead changed guidelines and minimum learns both and records what it showed', async ({ page, browser }) => {
	await signIn(page, EVALUATOR.email, EVALUATOR.password);
	await openVoting(page);
	const counter = page.locator('#rationale-count');
	await expect(counter).toHaveText('20 more characters');
	const lead = await browser.newPage();
	await signIn(lead, LEAD.email, LEAD.password);
	await lead.goto(`/c/${SLUG}/manage`);

	// the lead saves guidelines v2 while the evaluator judges under v1
	await lead.getByLabel('Guidelines (Markdown)').fill('Judge **hands** first: count the fingers.');
	await lead.getByRole('button', { name: 'Save guidelines' }).click();
	await expect(lead.getByText('Guidelines saved as version 2.')).toBeVisible();
	await page.keyboard.press('r');
	await page.keyboard.type('Left is sharper, clearly.');
	await page.keyboard.press('Control+Enter');
	await expect(page.getByRole('status').filter({ hasText: 'Vote saved.' })).toBeVisible();
	// the vote records v1, what was on screen when it was judged; the page now says v2 is there
	await expect.poll(() => storedVotes()[0]?.guidelines_version).toBe(1);
	await expect(page.getByRole('status').filter({ hasText: 'Guidelines updated (v2)' })).toBeVisible();
	await page.keyboard.press('g');
	await expect(page.getByRole('heading', { name: 'Guidelines v2' })).toBeVisible();
	await expect(page.getByText('count the fingers')).toBeVisible();
	await expect(page.getByText(/Guidelines updated/)).toBeHidden();
	await page.keyboard.press('Escape');

	// the lead raises the minimum to 30 while the page still counts to 20
	await lead.getByLabel('Minimum rationale length').fill('30');
	await lead.getByRole('button', { name: 'Save rules' }).click();
	await expect(lead.getByText('Settings saved.')).toBeVisible();
	await lead.close();
	await page.keyboard.press('2');
	await page.keyboard.press('r');
	await page.keyboard.type('Right is sharper, clearly');
	await expect(counter).toHaveText('✓ enough');
	await page.keyboard.press('Control+Enter');
	await expect(page.getByText('Write at least 30 characters on why (you wrote 25).')).toBeVisible();
	// the counter agrees with the message, and the error goes as soon as the minimum is met
	await expect(counter).toHaveText('5 more characters');
	await page.keyboard.type(', fine hair.');
	await expect(counter).toHaveText('✓ enough');
	await expect(page.getByText(/Write at least 30/)).toBeHidden();
	await page.keyboard.press('Control+Enter');
	await expect.poll(() => storedVotes()[0]?.rationale).toBe('Right is sharper, clearly, fine hair.');
	expect(storedVotes()[0]).toMatchObject({ choice: 'right', guidelines_version: 2 });
});

test('undo gives back choice, criteria, flags and rationale, and the time spent before it counts', async ({ page }) => {
	await signIn(page, EVALUATOR.email, EVALUATOR.password);
	await openVoting(page);
	const first = await pairSrc(page);
	await page.keyboard.press('2');
	// the criteria by keys: Shift+1 answers the current one (adherence) and moves to the next
	await page.keyboard.press('Shift+Digit1');
	await page.keyboard.press('Shift+Digit3');
	await expect(page.getByLabel('Prompt adherence: left')).toBeChecked();
	await expect(page.getByLabel('Visual quality: equal')).toBeChecked();
	await page.getByText('Left image: flag a problem').click();
	await page.getByRole('group', { name: 'Problems in the left image' }).getByRole('checkbox').first().check();
	await page.keyboard.press('r');
	await page.keyboard.type('The right image has the cleaner faces and hands.');
	// time on the pair before the vote: what a fast answer would not have
	await page.waitForTimeout(3500);
	await page.keyboard.press('Control+Enter');
	await expect.poll(() => pairSrc(page)).not.toBe(first);
	await expect.poll(() => storedVotes()[0]?.rationale).toBe('The right image has the cleaner faces and hands.');
	const voted = storedVotes()[0];
	expect(voted.active_ms).toBeGreaterThanOrEqual(3500);

	await page.keyboard.press('u');
	await expect(page.getByRole('status').filter({ hasText: 'Vote undone' })).toBeVisible();
	expect(await pairSrc(page)).toBe(first);
	await expect(page.getByLabel('Right is better')).toBeChecked();
	await expect(page.getByLabel('Prompt adherence: left')).toBeChecked();
	await expect(page.getByLabel('Visual quality: equal')).toBeChecked();
	await expect(page.getByText('Left image: flag a problem (1)')).toBeVisible();
	await expect(page.getByLabel('Rationale')).toHaveValue('The right image has the cleaner faces and hands.');

	// resubmitted at once: its active time is the time before the undo plus the moment after
	await page.keyboard.press('Control+Enter');
	await expect.poll(() => storedVotes()[0]?.assignment_id === voted.assignment_id && storedVotes()[0]?.choice).toBe('right');
	const again = storedVotes()[0];
	expect(again.active_ms).toBeGreaterThanOrEqual(voted.active_ms);
	expect(again.criteria?.split(',').sort()).toEqual(['adherence=left', 'quality=tie']);
	expect(JSON.parse(again.flags).left).toHaveLength(1);
});

test('skip by keyboard: s, a reason, Enter; no undo offered after it; the next pair from the top', async ({ page }) => {
	await page.setViewportSize({ width: 1366, height: 768 });
	await signIn(page, EVALUATOR.email, EVALUATOR.password);
	await openVoting(page);
	// a vote first, so that an undo would have something (the wrong thing) to take back
	await page.keyboard.press('r');
	await page.keyboard.type('The left image is the sharper of the two.');
	await page.keyboard.press('Control+Enter');
	await expect(page.getByRole('button', { name: /Undo/ })).toBeVisible();
	const skipped = await pairSrc(page);
	const votes = storedVotes().length;

	await page.keyboard.press('s');
	const reason = page.getByLabel('Reason for skipping');
	await expect(reason).toBeFocused();
	// the page fits the screen: the skip form is in view without scrolling
	await expect(reason).toBeInViewport();
	await page.keyboard.press('ArrowDown');
	await expect(reason).toHaveValue('I cannot judge this prompt');
	await page.keyboard.press('Enter');
	await expect(page.getByRole('status').filter({ hasText: 'Pair skipped.' })).toBeVisible();
	await expect.poll(() => pairSrc(page)).not.toBe(skipped);
	// no undo: it would have taken back the vote before, on a pair no longer on screen
	await expect(page.getByRole('button', { name: /Undo/ })).toBeHidden();
	const shown = await pairSrc(page);
	await page.keyboard.press('u');
	await expect(page.getByRole('status')).not.toContainText('Vote undone');
	expect(await pairSrc(page)).toBe(shown);
	expect(storedVotes()).toHaveLength(votes);
	// focus on the prompt and the page at the top, so the keys and the eyes start on the new pair
	await expect(page.locator('#prompt')).toBeFocused();
	await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(0);
	await expect(page.locator('#prompt')).toBeInViewport();
	await page.keyboard.press('2');
	await expect(page.getByLabel('Right is better')).toBeChecked();
});
