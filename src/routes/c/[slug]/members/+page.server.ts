import type { Actions, PageServerLoad } from './$types';
import { requireCampaignRole } from '$lib/server/auth/guards';
import { mailLink } from '$lib/server/auth/invitations';
import { addMemberByEmail, changeMember, memberProgress, reissueInvitation, removeMember } from '$lib/server/campaigns/members';
import { formAction } from '$lib/server/http/form-action';

// Leads (and admins) only: every load and action asks for 'manage' itself.
export const load: PageServerLoad = async (event) => {
	const { db, campaign } = await requireCampaignRole(event, event.params.slug, 'manage');
	return {
		campaign: { slug: campaign.slug, name: campaign.name, status: campaign.status },
		members: await memberProgress(db.kysely, campaign.id)
	};
};

export const actions: Actions = {
	add: formAction('add', async (event, form) => {
		const { db, campaign, user } = await requireCampaignRole(event, event.params.slug, 'manage');
		const m = await addMemberByEmail(
			db.kysely,
			campaign,
			{ email: form.get('email'), role: form.get('role'), quota: form.get('quota') },
			user.id
		);
		return {
			action: 'add',
			saved: m.invitation
				? `${m.email} has no account yet: send them the invitation link below.`
				: `${m.email} is now ${m.role === 'evaluator' ? 'an' : 'a'} ${m.role}.`,
			email: m.email,
			link: m.invitation ? event.url.origin + m.invitation.path : null,
			expiresAt: m.invitation?.expiresAt ?? null,
			note: m.invitation ? (await mailLink(m.email, event.url.origin + m.invitation.path, 'invite')).note : null
		};
	}),
	change: formAction('change', async (event, form) => {
		const { db, campaign, user } = await requireCampaignRole(event, event.params.slug, 'manage');
		const m = await changeMember(
			db.kysely,
			campaign,
			{ userId: form.get('user_id'), role: form.get('role'), quota: form.get('quota') },
			user.id
		);
		return { action: 'change', saved: `${m.email}: ${m.role}${m.quota !== null ? `, quota ${m.quota}` : ', no quota'}.` };
	}),
	remove: formAction('remove', async (event, form) => {
		const { db, campaign, user } = await requireCampaignRole(event, event.params.slug, 'manage');
		const m = await removeMember(db.kysely, campaign, form.get('user_id'), user.id);
		return { action: 'remove', saved: `${m.email} is no longer a member. Their votes stay.` };
	}),
	relink: formAction('relink', async (event, form) => {
		const { db, campaign, user } = await requireCampaignRole(event, event.params.slug, 'manage');
		const r = await reissueInvitation(db.kysely, campaign, form.get('user_id'), user.id);
		return {
			action: 'relink',
			saved: `A new invitation link for ${r.email}; the earlier one no longer works.`,
			email: r.email,
			link: event.url.origin + r.link.path,
			expiresAt: r.link.expiresAt,
			note: (await mailLink(r.email, event.url.origin + r.link.path, 'invite')).note
		};
	})
};
