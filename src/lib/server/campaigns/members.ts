// A campaign's members from the browser: add by email (an unknown email becomes an invited account,
// its link shown to the lead), change role or quota, remove (their votes stay), and per-member
// progress. The CLI's `campaign add-member` uses the same rules (campaigns.ts addMember).
import type { Kysely } from 'kysely';
import type { Campaign, Database, Role } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { requireEmail, requireEnum } from '../validation.ts';
import { writeAudit } from '../audit-log.ts';
import { issueLink, type IssuedLink } from '../auth/invitations.ts';
import { newUserRow } from '../auth/users.ts';
import { requireOpen, ROLES } from './campaigns.ts';

export function requireRole(value: unknown): Role {
	return requireEnum(value, 'role', ROLES);
}

/** An evaluator's quota of pairs: empty for none, else a whole number ≥ 0. */
export function parseQuota(value: unknown): number | null {
	if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return null;
	const quota = Number(value);
	if (!Number.isInteger(quota) || quota < 0 || quota > 10_000_000)
		throw new AppError(400, 'invalid', 'quota must be a whole number ≥ 0 (or empty for none)', 'quota');
	return quota;
}

export interface AddedMember {
	userId: string;
	email: string;
	role: Role;
	quota: number | null;
	/** set when the email had no account: the link to send to the person */
	invitation: IssuedLink | null;
}

export async function addMemberByEmail(
	db: Kysely<Database>,
	campaign: Campaign,
	input: { email: unknown; role: unknown; quota?: unknown },
	actorId: string | null
): Promise<AddedMember> {
	requireOpen(campaign);
	const email = requireEmail(input.email);
	const role = requireRole(input.role);
	const quota = parseQuota(input.quota);
	const existing = await db.selectFrom('user').select(['id', 'disabled_at']).where('email', '=', email).executeTakeFirst();
	if (existing) {
		const member = await db
			.selectFrom('campaign_member')
			.select('role')
			.where('campaign_id', '=', campaign.id)
			.where('user_id', '=', existing.id)
			.executeTakeFirst();
		if (member) throw new AppError(409, 'exists', `${email} is already a ${member.role} here: change the role in the table.`, 'email');
	}
	const row = existing ? null : await newUserRow(db, { email });
	return db.transaction().execute(async (trx) => {
		let invitation: IssuedLink | null = null;
		const userId = existing?.id ?? row!.id;
		if (row) {
			await trx.insertInto('user').values(row).execute();
			await writeAudit(trx, { actorId, action: 'user.invite', subject: row.id, detail: { email, campaign: campaign.slug } });
			invitation = await issueLink(trx, row.id, 'invite', actorId);
		}
		await trx.insertInto('campaign_member').values({ campaign_id: campaign.id, user_id: userId, role, quota }).execute();
		await writeAudit(trx, { actorId, action: 'member.add', subject: campaign.id, detail: { userId, role, quota } });
		return { userId, email, role, quota, invitation };
	});
}

async function requireMember(db: Kysely<Database>, campaign: Campaign, userId: unknown) {
	const id = typeof userId === 'string' ? userId : '';
	const member = await db
		.selectFrom('campaign_member')
		.innerJoin('user', 'user.id', 'campaign_member.user_id')
		.select(['user.id', 'user.email', 'user.password_hash', 'user.disabled_at', 'campaign_member.role', 'campaign_member.quota'])
		.where('campaign_member.campaign_id', '=', campaign.id)
		.where('campaign_member.user_id', '=', id)
		.executeTakeFirst();
	if (!member) throw new AppError(404, 'not_found', 'No such member in this campaign.', 'user_id');
	return member;
}

export async function changeMember(
	db: Kysely<Database>,
	campaign: Campaign,
	input: { userId: unknown; role: unknown; quota?: unknown },
	actorId: string | null
) {
	requireOpen(campaign);
	const member = await requireMember(db, campaign, input.userId);
	const role = requireRole(input.role);
	const quota = parseQuota(input.quota);
	await db.transaction().execute(async (trx) => {
		await trx
			.updateTable('campaign_member')
			.set({ role, quota })
			.where('campaign_id', '=', campaign.id)
			.where('user_id', '=', member.id)
			.execute();
		await writeAudit(trx, {
			actorId,
			action: 'member.change',
			subject: campaign.id,
			detail: { userId: member.id, from: member.role, role, quota }
		});
	});
	return { email: member.email, role, quota };
}

/** Ends the membership; the person's votes stay in results and exports (under their pseudonym). */
export async function removeMember(db: Kysely<Database>, campaign: Campaign, userId: unknown, actorId: string | null) {
	requireOpen(campaign);
	const member = await requireMember(db, campaign, userId);
	await db.transaction().execute(async (trx) => {
		await trx.deleteFrom('campaign_member').where('campaign_id', '=', campaign.id).where('user_id', '=', member.id).execute();
		await writeAudit(trx, { actorId, action: 'member.remove', subject: campaign.id, detail: { userId: member.id, role: member.role } });
	});
	return { email: member.email };
}

/**
 * A new invitation link for a member who has not chosen a password yet (the first one got lost or
 * expired). Never for an account in use: a lead must not be able to take over someone's account.
 */
export async function reissueInvitation(db: Kysely<Database>, campaign: Campaign, userId: unknown, actorId: string | null) {
	requireOpen(campaign);
	const member = await requireMember(db, campaign, userId);
	if (member.password_hash !== null)
		throw new AppError(
			409,
			'active_account',
			`${member.email} has already set a password. An admin can issue a password reset.`,
			'user_id'
		);
	if (member.disabled_at !== null) throw new AppError(409, 'disabled', `${member.email} is disabled.`, 'user_id');
	const link = await db.transaction().execute((trx) => issueLink(trx, member.id, 'invite', actorId));
	return { email: member.email, link };
}

const median = (xs: number[]) => {
	if (xs.length === 0) return null;
	const s = [...xs].sort((a, b) => a - b);
	const m = s.length >> 1;
	return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Members with their votes, quota, last vote and median time per vote (active time where the client sent it). */
export async function memberProgress(db: Kysely<Database>, campaignId: string) {
	const members = await db
		.selectFrom('campaign_member')
		.innerJoin('user', 'user.id', 'campaign_member.user_id')
		.select([
			'user.id',
			'user.email',
			'user.display_name',
			'user.disabled_at',
			(eb) => eb('user.password_hash', 'is', null).as('pending'),
			'campaign_member.role',
			'campaign_member.quota'
		])
		.where('campaign_member.campaign_id', '=', campaignId)
		.orderBy('campaign_member.role')
		.orderBy('user.email')
		.execute();
	const votes = await db
		.selectFrom('vote')
		.select(['user_id', 'submitted_at', 'shown_at', 'active_ms'])
		.where('campaign_id', '=', campaignId)
		.where('user_id', 'in', members.length ? members.map((m) => m.id) : [''])
		.execute();
	const byUser = new Map<string, { n: number; last: number; times: number[] }>();
	for (const v of votes) {
		const s = byUser.get(v.user_id) ?? { n: 0, last: 0, times: [] };
		s.n++;
		s.last = Math.max(s.last, Number(v.submitted_at));
		s.times.push(v.active_ms ?? Number(v.submitted_at) - Number(v.shown_at));
		byUser.set(v.user_id, s);
	}
	return members.map((m) => {
		const s = byUser.get(m.id);
		return {
			id: m.id,
			email: m.email,
			displayName: m.display_name,
			role: m.role,
			quota: m.quota,
			pending: Boolean(m.pending),
			disabled: m.disabled_at !== null,
			votes: s?.n ?? 0,
			lastVoteAt: s ? s.last : null,
			medianMs: s ? median(s.times) : null
		};
	});
}
