// Signing in through the real login form, as every end-to-end test starts: the keyboard path (Enter
// submits), then the landing page that proves the session works.
import { expect, type Page } from '@playwright/test';

export async function signIn(page: Page, email: string, password: string): Promise<void> {
	await page.goto('/login');
	await page.getByLabel('Email').fill(email);
	await page.getByLabel('Password').fill(password);
	await page.keyboard.press('Enter');
	await expect(page.getByRole('heading', { name: 'Your campaigns' })).toBeVisible();
}
