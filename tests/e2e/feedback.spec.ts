// Review reaches the evaluator through the real UI: an evaluator's vote is rejected with a comment,
// the lead sends a note from the evaluators page, and the evaluator follows the vote page's
// indicator to their own page and reads both, with the pair's images and no system name (blind).
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { signIn } from '../helpers/sign-in.ts';

const CAMPAIGN = '/c/agiqa-demo';
const SYSTEMS = ['AttnGAN', 'DALLE2', 'glide', 'sd1.5', 'xl2.2'];

test('an evaluator reads the comment on a rejected vote and a note from the lead', async ({ page, browser }) => {
	test.setTimeout(120_000);
	await signIn(page, 'evaluator@pickwise.test', 'pickwise-evaluator');
	// one vote through the JSON API, as the vote page sends it (the vote page has its own tests)
	const next = await page.request.get(`/api/v1/campaigns/agiqa-demo/next`);
	expect(next.status()).toBe(200);
	const assignment = (await next.json()).assignment.id as string;
	const voteId = crypto.randomUUID();
	const rationale = `Left has the better composition (${voteId.slice(0, 8)}).`;
	const vote = await page.request.post(`/api/v1/campaigns/agiqa-demo/votes`, {
		data: { vote_id: voteId, assignment_id: assignment, choice: 'left', rationale }
	});
	expect(vote.status()).toBe(201);

	// the lead rejects it with a comment, then writes to the evaluator from the evaluators page
	const leadContext = await browser.newContext();
	const lead = await leadContext.newPage();
	await signIn(lead, 'lead@pickwise.test', 'pickwise-lead');
	const comment = `Composition is not the question: judge prompt adherence first (${voteId.slice(0, 8)}).`;
	const review = await lead.request.post(`/api/v1/votes/${voteId}/review`, { data: { decision: 'reject', comment } });
	expect(review.status()).toBe(200);
	await lead.goto(`${CAMPAIGN}/evaluators`);
	const row = lead.getByRole('row').filter({ has: lead.getByRole('link', { name: 'Eve Evaluator' }) });
	await row.getByText('Send a note').click();
	const note = `Please read the guidelines again before your next session (${voteId.slice(0, 8)}).`;
	await row.getByLabel('Note to Eve Evaluator').fill(note);
	await row.getByRole('button', { name: 'Send' }).click();
	await expect(row.getByRole('status')).toHaveText('Note sent to Eve Evaluator.');
	await leadContext.close();

	// the evaluator sees the indicator on the vote page and follows it
	await page.goto(`${CAMPAIGN}/vote`);
	const indicator = page.getByRole('link', { name: /Your feedback · \d+ new notes?/ });
	await expect(indicator).toBeVisible();
	await indicator.click();
	await expect(page.getByRole('heading', { level: 1, name: /Your feedback/ })).toBeVisible();
	await expect(page.getByRole('heading', { name: /Notes from your lead \(\d+ new\)/ })).toBeVisible();
	await expect(page.getByText(note)).toBeVisible();

	const rejected = page.getByRole('article').filter({ hasText: rationale });
	await expect(rejected).toBeVisible();
	await expect(rejected.getByText(comment)).toBeVisible();
	for (const side of ['Left', 'Right']) {
		const img = rejected.getByRole('img', { name: `${side} image` });
		await expect(img).toHaveAttribute('src', `/i/a/${assignment}/${side.toLowerCase()}`);
		await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0)).toBe(true);
	}
	const text = (await page.getByRole('main').textContent()) ?? '';
	for (const system of SYSTEMS) expect(text).not.toContain(system);

	const { violations } = await new AxeBuilder({ page }).analyze();
	expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);

	// read now: the vote page no longer counts it
	await page.goto(`${CAMPAIGN}/vote`);
	await expect(page.getByRole('link', { name: 'Your feedback' })).toBeVisible();
});
