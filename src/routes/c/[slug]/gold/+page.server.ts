import type { Actions, PageServerLoad } from './$types';
import { requireCampaignRole } from '$lib/server/auth/guards';
import { editGoldPair, listGoldPairs, removeGoldPair } from '$lib/server/audit/gold-pairs';
import { formAction } from '$lib/server/http/form-action';

// gold pairs score the evaluators: managed by whoever may mark them (leads and admins), like the audit queue
export const load: PageServerLoad = async (event) => {
	const { db, campaign } = await requireCampaignRole(event, event.params.slug, 'manage');
	return {
		campaign: { slug: campaign.slug, name: campaign.name, closed: campaign.status === 'closed' },
		gold: await listGoldPairs(db.kysely, campaign)
	};
};

export const actions: Actions = {
	edit: formAction('edit', async (event, form) => {
		const { db, campaign, user } = await requireCampaignRole(event, event.params.slug, 'manage');
		await editGoldPair(
			db.kysely,
			campaign,
			{ id: form.get('id'), expected: form.get('expected'), explanation: form.get('explanation') },
			user.id
		);
		return { action: 'edit', saved: 'Gold pair saved.', id: String(form.get('id')) };
	}),
	remove: formAction('remove', async (event, form) => {
		const { db, campaign, user } = await requireCampaignRole(event, event.params.slug, 'manage');
		await removeGoldPair(db.kysely, campaign, form.get('id'), user.id);
		return { action: 'remove', saved: 'Gold pair removed: its answers are no longer scored.', id: String(form.get('id')) };
	})
};
