// Accounts: creation, listing and sign-in checks.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { AppError, invalid } from '../errors.ts';
import { randomId } from '../ids.ts';
import { requireEmail, requireString } from '../validation.ts';
import { hashPassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, verifyAgainstDummy, verifyPassword } from './password.ts';
import { loginByIp, loginFailuresByAccount } from './rate-limit.ts';
import { writeAudit } from '../audit-log.ts';

export interface NewUserInput {
	email: unknown;
	displayName?: unknown;
	password: unknown;
	isAdmin?: boolean;
}

export async function createUser(db: Kysely<Database>, input: NewUserInput, actorId: string | null = null) {
	const email = requireEmail(input.email);
	const displayName =
		input.displayName === undefined || input.displayName === ''
			? email.split('@')[0]
			: requireString(input.displayName, 'display_name', { max: 100 });
	const password = requireString(input.password, 'password', { min: MIN_PASSWORD_LENGTH, max: MAX_PASSWORD_LENGTH, trim: false });
	const existing = await db.selectFrom('user').select('id').where('email', '=', email).executeTakeFirst();
	if (existing) throw new AppError(409, 'exists', `a user with email ${email} already exists`, 'email');
	const user = {
		id: randomId(),
		email,
		display_name: displayName,
		password_hash: await hashPassword(password),
		is_admin: input.isAdmin ? 1 : 0,
		disabled_at: null,
		created_at: Date.now()
	};
	await db.transaction().execute(async (trx) => {
		await trx.insertInto('user').values(user).execute();
		await writeAudit(trx, { actorId, action: 'user.create', subject: user.id, detail: { email, isAdmin: !!input.isAdmin } });
	});
	return { id: user.id, email, displayName, isAdmin: !!input.isAdmin };
}

export function listUsers(db: Kysely<Database>) {
	return db
		.selectFrom('user')
		.select(['id', 'email', 'display_name', 'is_admin', 'disabled_at', 'created_at'])
		.orderBy('email')
		.execute();
}

export function findUserByEmail(db: Kysely<Database>, email: string) {
	return db.selectFrom('user').selectAll().where('email', '=', email.trim().toLowerCase()).executeTakeFirst();
}

export const GENERIC_LOGIN_ERROR = 'Incorrect email or password.';

/**
 * Checks a sign-in. The same message for an unknown email and a wrong password, and the same work
 * (one argon2 verification) in both cases, so neither the text nor the timing tells an account exists.
 */
export async function authenticate(db: Kysely<Database>, emailInput: unknown, passwordInput: unknown, ip: string) {
	if (!loginByIp.consume(ip)) throw new AppError(429, 'rate_limited', 'Too many sign-in attempts. Wait a minute and try again.');
	const email = typeof emailInput === 'string' ? emailInput.trim().toLowerCase() : '';
	const password = typeof passwordInput === 'string' ? passwordInput : '';
	if (!email) throw invalid('email', 'Enter your email.');
	if (!password) throw invalid('password', 'Enter your password.');
	if (password.length > MAX_PASSWORD_LENGTH) throw new AppError(400, 'invalid', GENERIC_LOGIN_ERROR);
	// The attempt is counted as a failure before the (slow) check and given back when it succeeds:
	// counting after argon2 let parallel attempts all pass the check while none had failed yet.
	if (!loginFailuresByAccount.consume(email)) {
		throw new AppError(429, 'rate_limited', 'Too many sign-in attempts. Wait a few minutes and try again.');
	}
	const user = await findUserByEmail(db, email);
	const ok =
		user && user.password_hash && user.disabled_at === null
			? await verifyPassword(user.password_hash, password)
			: await verifyAgainstDummy(password);
	if (!ok || !user) throw new AppError(400, 'invalid_credentials', GENERIC_LOGIN_ERROR);
	loginFailuresByAccount.release(email);
	return user;
}
