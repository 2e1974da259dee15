// One-time links that let a person choose a password: an invitation for a new account, or a reset
// issued by an admin. Like sessions, the token is `<id>.<secret>` and only SHA-256(secret) is
// stored; a link expires (7 days by default), works once, and a newer link replaces an older one.
import type { Kysely } from 'kysely';
import type { Database, InvitationTable } from '../db/schema.ts';
import { AppError, invalid } from '../errors.ts';
import { constantTimeEqual, randomId, sha256Hex } from '../ids.ts';
import { writeAudit } from '../audit-log.ts';
import { hashPassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './password.ts';

export const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;
export type InvitationPurpose = InvitationTable['purpose'];

export interface IssuedLink {
	token: string;
	/** where the link leads, relative to the site: `/invite/<token>` */
	path: string;
	expiresAt: number;
	purpose: InvitationPurpose;
}

/**
 * A new link for the user (call it inside the caller's transaction). Earlier unused links of the
 * user stop working: only the newest one that was handed out is valid.
 */
export async function issueLink(
	db: Kysely<Database>,
	userId: string,
	purpose: InvitationPurpose,
	actorId: string | null,
	now = Date.now(),
	ttlMs = INVITATION_TTL_MS
): Promise<IssuedLink> {
	const id = randomId();
	const secret = randomId();
	await db.deleteFrom('invitation').where('user_id', '=', userId).where('used_at', 'is', null).execute();
	await db
		.insertInto('invitation')
		.values({
			id,
			secret_hash: sha256Hex(secret),
			user_id: userId,
			purpose,
			created_by: actorId,
			created_at: now,
			expires_at: now + ttlMs,
			used_at: null
		})
		.execute();
	await writeAudit(db, { actorId, action: `invitation.${purpose}`, subject: userId, detail: { expiresAt: now + ttlMs } });
	const token = `${id}.${secret}`;
	return { token, path: `/invite/${token}`, expiresAt: now + ttlMs, purpose };
}

/** The invitation and its account for a token; a clear 404/410 when it cannot be used. */
export async function findLink(db: Kysely<Database>, token: string, now = Date.now()) {
	const [id, secret, extra] = token.split('.');
	const unknown = new AppError(404, 'not_found', 'This link is not valid. Ask for a new one.', 'token');
	if (!id || !secret || extra !== undefined) throw unknown;
	const row = await db
		.selectFrom('invitation')
		.innerJoin('user', 'user.id', 'invitation.user_id')
		.select([
			'invitation.id',
			'invitation.secret_hash',
			'invitation.purpose',
			'invitation.expires_at',
			'invitation.used_at',
			'user.id as user_id',
			'user.email',
			'user.display_name',
			'user.disabled_at'
		])
		.where('invitation.id', '=', id)
		.executeTakeFirst();
	if (!row || !constantTimeEqual(row.secret_hash, sha256Hex(secret))) throw unknown;
	if (row.used_at !== null) throw new AppError(410, 'used', 'This link has already been used. Sign in, or ask for a new link.', 'token');
	if (row.expires_at <= now) throw new AppError(410, 'expired', 'This link has expired. Ask for a new one.', 'token');
	if (row.disabled_at !== null) throw new AppError(410, 'disabled', 'This account is disabled. Ask an admin.', 'token');
	return {
		id: row.id,
		purpose: row.purpose,
		expiresAt: row.expires_at,
		user: { id: row.user_id, email: row.email, displayName: row.display_name }
	};
}

/** The password rules of every account, in one place (sign-up by link, reset, own change, CLI). */
export function requireNewPassword(password: unknown, confirm?: unknown, field = 'password'): string {
	if (typeof password !== 'string' || password.length === 0) throw invalid(field, 'Choose a password.');
	if (password.length < MIN_PASSWORD_LENGTH) throw invalid(field, `The password must be at least ${MIN_PASSWORD_LENGTH} characters.`);
	if (password.length > MAX_PASSWORD_LENGTH) throw invalid(field, `The password must be at most ${MAX_PASSWORD_LENGTH} characters.`);
	if (confirm !== undefined && confirm !== password) throw invalid(`${field}_confirm`, 'The two passwords differ.');
	return password;
}

/**
 * Uses a link: sets the password, marks the link used (once: a second, concurrent use finds it used),
 * ends every session of the account (a reset must lock out whoever had it) and records the sign-in.
 * The caller then starts a session for the person.
 */
export async function acceptLink(db: Kysely<Database>, token: string, password: unknown, confirm: unknown, now = Date.now()) {
	const link = await findLink(db, token, now);
	const chosen = requireNewPassword(password, confirm);
	const passwordHash = await hashPassword(chosen);
	await db.transaction().execute(async (trx) => {
		const used = await trx
			.updateTable('invitation')
			.set({ used_at: now })
			.where('id', '=', link.id)
			.where('used_at', 'is', null)
			.executeTakeFirst();
		if (Number(used.numUpdatedRows) !== 1)
			throw new AppError(410, 'used', 'This link has already been used. Sign in, or ask for a new link.', 'token');
		await trx.updateTable('user').set({ password_hash: passwordHash, last_login_at: now }).where('id', '=', link.user.id).execute();
		await trx.deleteFrom('invitation').where('user_id', '=', link.user.id).where('used_at', 'is', null).execute();
		await trx.deleteFrom('session').where('user_id', '=', link.user.id).execute();
		await writeAudit(trx, { actorId: link.user.id, action: `invitation.accept`, subject: link.user.id, detail: { purpose: link.purpose } });
	});
	return link.user;
}

let warned = false;
/**
 * Whether a link was also mailed. No mail client ships with pickwise, so never: with SMTP_URL set
 * the server says so once in its log, and the page tells the person to copy the link.
 */
export function mailLink(): { sent: false; note: string } {
	if (process.env.SMTP_URL && !warned) {
		warned = true;
		console.warn('pickwise: SMTP_URL is set, but this build has no mail client; invitation and reset links are shown to copy, not sent');
	}
	return { sent: false, note: 'No email was sent: copy the link and send it yourself.' };
}
