import { expect, test } from '@playwright/test';

const ACCOUNTS = [
	{ role: 'admin', email: 'admin@pickwise.test', password: 'pickwise-admin', roleText: 'Admin' },
	{ role: 'lead', email: 'lead@pickwise.test', password: 'pickwise-lead', roleText: 'Lead' },
	{ role: 'researcher', email: 'researcher@pickwise.test', password: 'pickwise-researcher', roleText: 'Researcher' },
	{ role: 'evaluator', email: 'evaluator@pickwise.test', password: 'pickwise-evaluator', roleText: 'Evaluator' }
];

for (const account of ACCOUNTS) {
	test(`signs in and out as the demo ${account.role}`, async ({ page }) => {
		await page.goto('/');
		await expect(page).toHaveURL(/\/login/);
		await page.getByLabel('Email').fill(account.email);
		await page.getByLabel('Password').fill(account.password);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await expect(page.getByRole('heading', { name: 'Your campaigns' })).toBeVisible();
		const row = page.getByRole('row', { name: /AGIQA-3K demo/ });
		await expect(row).toContainText(account.roleText);
		await expect(page.getByRole('link', { name: 'Admin', exact: true })).toHaveCount(account.role === 'admin' ? 1 : 0);
		await row.getByRole('link').click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(/AGIQA-3K demo/);
		await page.getByRole('button', { name: 'Sign out' }).click();
		await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
		await page.goto('/');
		await expect(page).toHaveURL(/\/login/);
	});
}

test('a wrong password shows the generic message, as does an unknown email', async ({ page }) => {
	await page.goto('/login');
	await page.getByLabel('Email').fill('lead@pickwise.test');
	await page.getByLabel('Password').fill('not-the-password');
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByRole('alert')).toHaveText('Incorrect email or password.');
	await expect(page.getByLabel('Email')).toHaveValue('lead@pickwise.test');
	await page.getByLabel('Email').fill('nobody@pickwise.test');
	await page.getByLabel('Password').fill('not-the-password');
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByRole('alert')).toHaveText('Incorrect email or password.');
});
