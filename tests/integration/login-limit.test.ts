// The per-account sign-in limit under a burst of parallel wrong passwords, over real HTTP: the
// attempt is counted before the slow password check, so a burst cannot get more checks than the
// limit allows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMigratedDatabase } from '../../src/lib/server/db/index.ts';
import { createUser } from '../../src/lib/server/auth/users.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

async function serverWithUser(email: string, password: string) {
	const root = mkdtempSync(join(tmpdir(), 'pickwise-login-'));
	const db = await openMigratedDatabase(`sqlite:${join(root, 'pickwise.db')}`);
	await createUser(db.kysely, { email, password });
	await db.close();
	return { root, server: await startServer(root) };
}

describe('the per-account limit under parallel attempts', () => {
	let root: string;
	let server: RunningServer;
	beforeAll(async () => {
		({ root, server } = await serverWithUser('bob@login.test', 'bob-password'));
	});
	afterAll(async () => {
		await server?.stop();
		rmSync(root, { recursive: true, force: true });
	});

	it('checks at most 10 of 25 simultaneous wrong passwords; the rest are refused unchecked', async () => {
		// The form answers "Incorrect email or password." only after an argon2 verification, and
		// "Too many sign-in attempts" before any.
		const attempt = (password: string) =>
			fetch(`${server.url}/login`, {
				method: 'POST',
				headers: {
					origin: server.url,
					'content-type': 'application/x-www-form-urlencoded',
					accept: 'application/json',
					'x-sveltekit-action': 'true'
				},
				body: new URLSearchParams({ email: 'bob@login.test', password }).toString()
			}).then((r) => r.text());
		const answers = await Promise.all(Array.from({ length: 25 }, (_, i) => attempt(`wrong-password-${i}`)));
		const incorrect = answers.filter((text) => text.includes('Incorrect email or password.'));
		const limited = answers.filter((text) => text.includes('Too many sign-in attempts'));
		expect(incorrect.length).toBeLessThanOrEqual(10);
		expect(incorrect.length + limited.length).toBe(25);
		// the right password is refused too while the account is locked
		expect(await attempt('bob-password')).toContain('Too many sign-in attempts');
	});
});
