// Who may do what in a campaign: the one place that answers "may this user see results, vote,
// audit, manage?". Every campaign page, action and endpoint reaches it through the guards.
import type { Kysely } from 'kysely';
import { hotQuery } from '../db/hot-query.ts';
import type { Campaign, Database, Role } from '../db/schema.ts';
import { AppError, notFound } from '../errors.ts';
import type { SessionUser } from './session.ts';

export type Capability = 'view' | 'vote' | 'results' | 'audit' | 'manage';

export interface CampaignAccess {
	campaign: Campaign;
	/** The member role, or 'admin' for an instance admin who is not a member. */
	role: Role | 'admin';
	isAdmin: boolean;
	/** The member's quota of pairs (evaluators), null for none. */
	quota: number | null;
}

/**
 * What a role may do. Only evaluators vote; an admin or lead manages; results
 * are for researchers and up, and for evaluators only once the campaign is no longer blind. 'audit'
 * (reading evaluators' quality) is a lead's, like 'manage', but an API token may use it.
 */
export function can(access: CampaignAccess, capability: Capability): boolean {
	const { role, isAdmin, campaign } = access;
	switch (capability) {
		case 'view':
			return true;
		case 'vote':
			return role === 'evaluator';
		case 'results':
			return isAdmin || role === 'lead' || role === 'researcher' || (role === 'evaluator' && campaign.blind === 0);
		case 'audit':
		case 'manage':
			return isAdmin || role === 'lead';
	}
}

// one query: the campaign and this user's membership (on SQLite a prepared statement: every vote
// and every next pair pass here)
const CAMPAIGN_WITH_MEMBER = hotQuery('access.campaign-with-member', ['user_id', 'slug'], (db, p: { user_id: string; slug: string }) =>
	db
		.selectFrom('campaign')
		.leftJoin('campaign_member', (join) =>
			join.onRef('campaign_member.campaign_id', '=', 'campaign.id').on('campaign_member.user_id', '=', p.user_id)
		)
		.selectAll('campaign')
		.select(['campaign_member.role as member_role', 'campaign_member.quota as member_quota'])
		.where('campaign.slug', '=', p.slug)
);

/** The guard every campaign route calls: 404 for campaigns the user cannot see, 403 for a missing capability. */
export async function requireCampaignAccess(
	db: Kysely<Database>,
	user: SessionUser,
	slug: string,
	capability: Capability
): Promise<CampaignAccess> {
	const row = await CAMPAIGN_WITH_MEMBER.first(db, { user_id: user.id, slug });
	if (!row) throw notFound(`campaign ${slug}`);
	const { member_role, member_quota, ...campaign } = row;
	const member = member_role ? { role: member_role, quota: member_quota } : null;
	if (!member && !user.isAdmin) throw notFound(`campaign ${slug}`);
	const access: CampaignAccess = { campaign, role: member?.role ?? 'admin', isAdmin: user.isAdmin, quota: member?.quota ?? null };
	if (user.readOnly && (capability === 'vote' || capability === 'manage')) {
		throw new AppError(403, 'forbidden', 'API tokens are read-only');
	}
	if (!can(access, capability))
		throw new AppError(
			403,
			'forbidden',
			`As ${access.role === 'admin' ? 'an admin' : `a ${access.role}`} in ${slug} you cannot ${{ view: 'open this campaign', vote: 'vote (only evaluators vote)', results: access.role === 'evaluator' ? 'see the results while the campaign is blind' : 'see the results', audit: 'audit votes (leads and admins do)', manage: 'manage this campaign (leads and admins do)' }[capability]}`
		);
	return access;
}
