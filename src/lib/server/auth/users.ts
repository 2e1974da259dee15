// Accounts: creation and invitation, listing, disabling, password changes, own sessions, sign-in checks.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { AppError, invalid } from '../errors.ts';
import { randomId } from '../ids.ts';
import { requireEmail, requireString } from '../validation.ts';
import { hashPassword, MAX_PASSWORD_LENGTH, verifyAgainstDummy, verifyPassword } from './password.ts';
import { issueLink, requireNewPassword } from './invitations.ts';
import { loginByIp, loginFailuresByAccount } from './rate-limit.ts';
import { writeAudit } from '../audit-log.ts';

export interface NewUserInput {
	email: unknown;
	displayName?: unknown;
	password: unknown;
	isAdmin?: boolean;
	canCreateCampaigns?: boolean;
}

/** A validated, not yet stored account row (no password: an invited account has none until its link is used). */
export async function newUserRow(db: Kysely<Database>, input: Omit<NewUserInput, 'password'>, now = Date.now()) {
	const email = requireEmail(input.email);
	const displayName =
		input.displayName === undefined || input.displayName === null || input.displayName === ''
			? email.split('@')[0]
			: requireString(input.displayName, 'display_name', { max: 100 });
	const existing = await db.selectFrom('user').select('id').where('email', '=', email).executeTakeFirst();
	if (existing) throw new AppError(409, 'exists', `a user with email ${email} already exists`, 'email');
	return {
		id: randomId(),
		email,
		display_name: displayName,
		password_hash: null as string | null,
		is_admin: input.isAdmin ? 1 : 0,
		can_create_campaigns: input.canCreateCampaigns ? 1 : 0,
		disabled_at: null,
		created_at: now,
		last_login_at: null
	};
}

/** An account with a password (the CLI and tests); people in the browser are invited instead. */
export async function createUser(db: Kysely<Database>, input: NewUserInput, actorId: string | null = null) {
	const password = requireNewPassword(input.password);
	const user = await newUserRow(db, input);
	user.password_hash = await hashPassword(password);
	await db.transaction().execute(async (trx) => {
		await trx.insertInto('user').values(user).execute();
		await writeAudit(trx, { actorId, action: 'user.create', subject: user.id, detail: { email: user.email, isAdmin: !!input.isAdmin } });
	});
	return { id: user.id, email: user.email, displayName: user.display_name, isAdmin: !!input.isAdmin };
}

/** An account without a password and its one-time invitation link (admin page, members page, CLI). */
export async function inviteUser(db: Kysely<Database>, input: Omit<NewUserInput, 'password'>, actorId: string | null) {
	const user = await newUserRow(db, input);
	const link = await db.transaction().execute(async (trx) => {
		await trx.insertInto('user').values(user).execute();
		await writeAudit(trx, { actorId, action: 'user.invite', subject: user.id, detail: { email: user.email, isAdmin: !!input.isAdmin } });
		return issueLink(trx, user.id, 'invite', actorId);
	});
	return { user: { id: user.id, email: user.email, displayName: user.display_name }, link };
}

export function listUsers(db: Kysely<Database>) {
	return db
		.selectFrom('user')
		.select([
			'id',
			'email',
			'display_name',
			'is_admin',
			'can_create_campaigns',
			'disabled_at',
			'created_at',
			'last_login_at',
			(eb) => eb('password_hash', 'is', null).as('pending')
		])
		.orderBy('email')
		.execute()
		.then((rows) => rows.map((r) => ({ ...r, pending: Boolean(r.pending) })));
}

export async function requireUserById(db: Kysely<Database>, id: unknown) {
	const user = typeof id === 'string' && id ? await db.selectFrom('user').selectAll().where('id', '=', id).executeTakeFirst() : undefined;
	if (!user) throw new AppError(404, 'not_found', 'No such user.', 'user_id');
	return user;
}

export async function requireUserByEmail(db: Kysely<Database>, email: unknown) {
	const user = await findUserByEmail(db, requireEmail(email));
	if (!user) throw new AppError(404, 'not_found', `No user with email ${String(email).trim()}.`, 'email');
	return user;
}

/** Disable (sessions, API tokens and open links stop working at once; votes stay) or re-enable. */
export async function setUserDisabled(db: Kysely<Database>, userId: unknown, disabled: boolean, actorId: string | null) {
	const user = await requireUserById(db, userId);
	if (disabled && user.id === actorId) throw new AppError(409, 'self', 'You cannot disable your own account.', 'user_id');
	await db.transaction().execute(async (trx) => {
		await trx
			.updateTable('user')
			.set({ disabled_at: disabled ? (user.disabled_at ?? Date.now()) : null })
			.where('id', '=', user.id)
			.execute();
		if (disabled) {
			await trx.deleteFrom('session').where('user_id', '=', user.id).execute();
			await trx.deleteFrom('invitation').where('user_id', '=', user.id).where('used_at', 'is', null).execute();
		}
		await writeAudit(trx, { actorId, action: disabled ? 'user.disable' : 'user.enable', subject: user.id, detail: { email: user.email } });
	});
	return { email: user.email, disabled };
}

/**
 * A password-reset link. The old password keeps working until the link is used; then every session
 * of the account ends. An account that never chose a password gets a fresh invitation instead.
 */
export async function issuePasswordReset(db: Kysely<Database>, userId: unknown, actorId: string | null) {
	const user = await requireUserById(db, userId);
	if (user.disabled_at !== null) throw new AppError(409, 'disabled', `${user.email} is disabled: enable the account first.`, 'user_id');
	const purpose = user.password_hash === null ? 'invite' : 'reset';
	const link = await db.transaction().execute((trx) => issueLink(trx, user.id, purpose, actorId));
	return { email: user.email, link };
}

export async function setCanCreateCampaigns(db: Kysely<Database>, userId: unknown, allowed: boolean, actorId: string | null) {
	const user = await requireUserById(db, userId);
	await db.transaction().execute(async (trx) => {
		await trx
			.updateTable('user')
			.set({ can_create_campaigns: allowed ? 1 : 0 })
			.where('id', '=', user.id)
			.execute();
		await writeAudit(trx, { actorId, action: 'user.can_create_campaigns', subject: user.id, detail: { allowed } });
	});
	return { email: user.email, allowed };
}

/** Admins, and the members an admin allowed to. */
export async function mayCreateCampaigns(db: Kysely<Database>, user: { id: string; isAdmin: boolean; readOnly?: boolean }) {
	if (user.readOnly) return false;
	if (user.isAdmin) return true;
	const row = await db.selectFrom('user').select('can_create_campaigns').where('id', '=', user.id).executeTakeFirst();
	return row?.can_create_campaigns === 1;
}

/** Own password change: the current one is required; every other session of the account ends. */
export async function changeOwnPassword(
	db: Kysely<Database>,
	userId: string,
	keepSessionId: string | null,
	input: { current: unknown; next: unknown; confirm: unknown }
) {
	const user = await requireUserById(db, userId);
	const current = typeof input.current === 'string' ? input.current : '';
	if (!current) throw invalid('current_password', 'Enter your current password.');
	if (!loginFailuresByAccount.check(user.email)) {
		throw new AppError(429, 'rate_limited', 'Too many wrong passwords. Wait a few minutes and try again.', 'current_password');
	}
	const ok = user.password_hash && current.length <= MAX_PASSWORD_LENGTH ? await verifyPassword(user.password_hash, current) : false;
	if (!ok) {
		loginFailuresByAccount.consume(user.email);
		throw invalid('current_password', 'The current password is not correct.');
	}
	const next = requireNewPassword(input.next, input.confirm, 'new_password');
	if (next === current) throw invalid('new_password', 'The new password is the same as the current one.');
	const passwordHash = await hashPassword(next);
	const ended = await db.transaction().execute(async (trx) => {
		await trx.updateTable('user').set({ password_hash: passwordHash }).where('id', '=', user.id).execute();
		const deleted = await trx
			.deleteFrom('session')
			.where('user_id', '=', user.id)
			.$if(keepSessionId !== null, (q) => q.where('id', '<>', keepSessionId!))
			.executeTakeFirst();
		await writeAudit(trx, { actorId: user.id, action: 'user.password', subject: user.id });
		return Number(deleted.numDeletedRows);
	});
	return { endedSessions: ended };
}

/** One's own sessions (ids are not secrets: the secret half of the token never leaves the cookie). */
export function listSessions(db: Kysely<Database>, userId: string) {
	return db
		.selectFrom('session')
		.select(['id', 'created_at', 'last_verified_at'])
		.where('user_id', '=', userId)
		.orderBy('last_verified_at', 'desc')
		.execute();
}

/** Ends one of one's own sessions; another user's session id is simply not found. */
export async function endOwnSession(db: Kysely<Database>, userId: string, sessionId: unknown) {
	const id = typeof sessionId === 'string' ? sessionId : '';
	const deleted = await db.deleteFrom('session').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
	if (Number(deleted.numDeletedRows) !== 1) throw new AppError(404, 'not_found', 'No such session.', 'session_id');
}

export async function endOtherSessions(db: Kysely<Database>, userId: string, keepSessionId: string | null) {
	const deleted = await db
		.deleteFrom('session')
		.where('user_id', '=', userId)
		.$if(keepSessionId !== null, (q) => q.where('id', '<>', keepSessionId!))
		.executeTakeFirst();
	return Number(deleted.numDeletedRows);
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
	// the admin's users table shows the last sign-in
	const now = Date.now();
	await db.updateTable('user').set({ last_login_at: now }).where('id', '=', user.id).execute();
	return { ...user, last_login_at: now };
}
