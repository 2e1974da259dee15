import type { Actions, PageServerLoad } from './$types';
import { requireAdmin } from '$lib/server/auth/guards';
import { getDb } from '$lib/server/db/instance';
import { inviteUser, issuePasswordReset, listUsers, setCanCreateCampaigns, setUserDisabled } from '$lib/server/auth/users';
import { mailLink } from '$lib/server/auth/invitations';
import { formAction } from '$lib/server/http/form-action';
import { requireEnum } from '$lib/server/validation';

export const load: PageServerLoad = async (event) => {
	const me = requireAdmin(event);
	return { users: await listUsers((await getDb()).kysely), me: me.id };
};

/** Each action checks the admin itself: a layout or a load is no guard for a POST. */
export const actions: Actions = {
	invite: formAction('invite', async (event, form) => {
		const admin = requireAdmin(event);
		const kind = requireEnum(form.get('kind') ?? 'member', 'kind', ['admin', 'member'] as const);
		const { user, link } = await inviteUser(
			(await getDb()).kysely,
			{
				email: form.get('email'),
				displayName: form.get('display_name'),
				isAdmin: kind === 'admin',
				canCreateCampaigns: form.get('can_create_campaigns') === 'on'
			},
			admin.id
		);
		return {
			action: 'invite',
			email: user.email,
			link: event.url.origin + link.path,
			expiresAt: link.expiresAt,
			note: (await mailLink(user.email, event.url.origin + link.path, 'invite')).note
		};
	}),
	disable: formAction('disable', async (event, form) => {
		const admin = requireAdmin(event);
		const r = await setUserDisabled((await getDb()).kysely, form.get('user_id'), true, admin.id);
		return { action: 'disable', saved: `${r.email} is disabled; their sessions have ended.` };
	}),
	enable: formAction('enable', async (event, form) => {
		const admin = requireAdmin(event);
		const r = await setUserDisabled((await getDb()).kysely, form.get('user_id'), false, admin.id);
		return { action: 'enable', saved: `${r.email} can sign in again.` };
	}),
	reset: formAction('reset', async (event, form) => {
		const admin = requireAdmin(event);
		const r = await issuePasswordReset((await getDb()).kysely, form.get('user_id'), admin.id);
		return {
			action: 'reset',
			email: r.email,
			link: event.url.origin + r.link.path,
			expiresAt: r.link.expiresAt,
			purpose: r.link.purpose,
			note: (await mailLink(r.email, event.url.origin + r.link.path, r.link.purpose === 'reset' ? 'reset' : 'invite')).note
		};
	}),
	creators: formAction('creators', async (event, form) => {
		const admin = requireAdmin(event);
		const allowed = form.get('allowed') === 'on';
		const r = await setCanCreateCampaigns((await getDb()).kysely, form.get('user_id'), allowed, admin.id);
		return { action: 'creators', saved: `${r.email} ${allowed ? 'may' : 'may no longer'} create campaigns.` };
	})
};
