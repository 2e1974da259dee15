// One-time links that let a person choose a password: an invitation for a new account, or a reset
// issued by an admin. Like sessions, the token is `<id>.<secret>` and only SHA-256(secret) is
// stored; a link expires (7 days by default), works once, and a newer link replaces an older one.
import { sendMail } from '../mail/smtp.ts';
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

/**
 * Mails a link when SMTP_URL is set (src/lib/server/mail/smtp.ts); the link is always shown to copy
 * as well, so a mail that fails costs nothing but a note. The sender is SMTP_FROM, else pickwise@
 * the host of ORIGIN.
 */
export async function mailLink(to: string, link: string, purpose: 'invite' | 'reset'): Promise<{ sent: boolean; note: string }> {
	const smtpUrl = process.env.SMTP_URL;
	if (!smtpUrl) return { sent: false, note: 'No email was sent (no SMTP_URL is set): copy the link and send it yourself.' };
	const host = process.env.ORIGIN ? new URL(process.env.ORIGIN).hostname : 'localhost';
	const from = process.env.SMTP_FROM || `pickwise@${host}`;
	const text =
		purpose === 'invite'
			? `You are invited to pickwise. Open this link to choose your password (it works once, for 7 days):\n\n${link}\n`
			: `A password reset was issued for your pickwise account. Open this link to choose a new password (it works once):\n\n${link}\n`;
	try {
		await sendMail(smtpUrl, {
			from,
			to,
			subject: purpose === 'invite' ? 'Your pickwise invitation' : 'Reset your pickwise password',
			text
		});
		return { sent: true, note: `Also emailed to ${to}.` };
	} catch (error) {
		console.warn(`pickwise: mailing a link to ${to} failed: ${(error as Error).message}`);
		return { sent: false, note: `The email could not be sent (${(error as Error).message}): copy the link and send it yourself.` };
	}
}
