import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { authenticate, createUser, GENERIC_LOGIN_ERROR } from '../../src/lib/server/auth/users.ts';
import { createSession, INACTIVITY_TIMEOUT_MS, validateSessionToken } from '../../src/lib/server/auth/session.ts';
import { AppError } from '../../src/lib/server/errors.ts';

describe('accounts and sessions', () => {
	let db: TestDatabase;
	let userId: string;
	beforeAll(async () => {
		db = await createTestDatabase();
		userId = (await createUser(db.kysely, { email: 'Ann@Example.org', password: 'correct horse' })).id;
	});
	afterAll(() => db.cleanup());

	it('stores an argon2id hash, never the password', async () => {
		const row = await db.kysely.selectFrom('user').selectAll().where('id', '=', userId).executeTakeFirstOrThrow();
		expect(row.email).toBe('ann@example.org');
		expect(row.password_hash).toMatch(/^\$argon2id\$/);
		expect(row.password_hash).not.toContain('correct horse');
	});

	it('refuses a duplicate email and a short password, naming the field', async () => {
		await expect(createUser(db.kysely, { email: 'ann@example.org', password: 'long enough' })).rejects.toMatchObject({
			status: 409,
			field: 'email'
		});
		await expect(createUser(db.kysely, { email: 'bob@example.org', password: 'short' })).rejects.toMatchObject({
			status: 400,
			field: 'password'
		});
	});

	it('gives one message for an unknown email and for a wrong password', async () => {
		const wrong = await authenticate(db.kysely, 'ann@example.org', 'wrong password', '10.0.0.1').catch((e) => e);
		const unknown = await authenticate(db.kysely, 'nobody@example.org', 'wrong password', '10.0.0.1').catch((e) => e);
		expect(wrong).toBeInstanceOf(AppError);
		expect(wrong.message).toBe(GENERIC_LOGIN_ERROR);
		expect(unknown.message).toBe(GENERIC_LOGIN_ERROR);
		expect(wrong.status).toBe(unknown.status);
		expect((await authenticate(db.kysely, ' ANN@example.org ', 'correct horse', '10.0.0.1')).id).toBe(userId);
	});

	it('stores only a hash of the session secret and checks it', async () => {
		const { token, session } = await createSession(db.kysely, userId);
		const [id, secret] = token.split('.');
		const row = await db.kysely.selectFrom('session').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
		expect(row.secret_hash).not.toContain(secret);
		expect(row.secret_hash).toMatch(/^[0-9a-f]{64}$/);
		expect((await validateSessionToken(db.kysely, token))?.user.id).toBe(userId);
		expect(await validateSessionToken(db.kysely, `${id}.${'a'.repeat(secret.length)}`)).toBeNull();
		expect(session.userId).toBe(userId);
	});

	it('slides the expiry with use and ends an idle session', async () => {
		const t0 = Date.now();
		const { token } = await createSession(db.kysely, userId, t0);
		const later = t0 + INACTIVITY_TIMEOUT_MS - 1000;
		expect(await validateSessionToken(db.kysely, token, later)).not.toBeNull();
		// used just before it ran out: valid for another full period from then
		expect(await validateSessionToken(db.kysely, token, later + INACTIVITY_TIMEOUT_MS - 1000)).not.toBeNull();
		expect(await validateSessionToken(db.kysely, token, later + 2 * INACTIVITY_TIMEOUT_MS)).toBeNull();
		expect(await validateSessionToken(db.kysely, token, t0)).toBeNull(); // deleted, not just expired
	});

	it('rate-limits failed sign-ins per account, even with the right password afterwards', async () => {
		await createUser(db.kysely, { email: 'carol@example.org', password: 'carol password' });
		for (let i = 0; i < 10; i++) {
			await authenticate(db.kysely, 'carol@example.org', 'nope nope', `10.0.1.${i}`).catch(() => undefined);
		}
		await expect(authenticate(db.kysely, 'carol@example.org', 'carol password', '10.0.2.1')).rejects.toMatchObject({ status: 429 });
	});

	it('rate-limits sign-ins per address', async () => {
		// The bucket (30, then one every 2 s by Date.now) runs in this process: freeze the clock, so
		// that no token comes back while the slow argon2 checks run on a loaded machine. The attempts
		// also go out at once, as a burst from one address would.
		vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
		try {
			const attempt = (i: number, ip = '10.9.9.9') =>
				authenticate(db.kysely, `u${i}@example.org`, 'whatever1', ip).then(
					() => 200,
					(e: AppError) => e.status
				);
			const results = await Promise.all(Array.from({ length: 35 }, (_, i) => attempt(i)));
			expect(results.filter((s) => s === 400)).toHaveLength(30);
			expect(results.filter((s) => s === 429)).toHaveLength(5);
			// per address: another one is not limited
			expect(await attempt(35, '10.9.9.10')).toBe(400);
			// one more try after 2 s, and no more
			vi.setSystemTime(Date.now() + 2000);
			expect(await attempt(36)).toBe(400);
			expect(await attempt(37)).toBe(429);
		} finally {
			vi.useRealTimers();
		}
	});
});
