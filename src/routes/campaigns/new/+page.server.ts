import { error, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import { requireUser } from '$lib/server/auth/guards';
import { getDb } from '$lib/server/db/instance';
import { mayCreateCampaigns } from '$lib/server/auth/users';
import { createCampaign, DEFAULT_TARGET_BATTLES } from '$lib/server/campaigns/campaigns';
import { formAction } from '$lib/server/http/form-action';

/** Admins, and members an admin allowed to create campaigns. */
async function requireCreator(event: RequestEvent) {
	const user = requireUser(event);
	const db = await getDb();
	if (!(await mayCreateCampaigns(db.kysely, user)))
		error(403, { message: 'Ask an admin to allow you to create campaigns.', code: 'forbidden' });
	return { user, db };
}

export const load: PageServerLoad = async (event) => {
	await requireCreator(event);
	return { defaults: { rationaleMinChars: 20, goldRate: 5, repeatRate: 3, targetBattles: DEFAULT_TARGET_BATTLES } };
};

const percent = (value: FormDataEntryValue | null) => (value === null || value === '' ? undefined : Number(value) / 100);

export const actions: Actions = {
	default: formAction('create', async (event, form) => {
		const { user, db } = await requireCreator(event);
		const created = await createCampaign(
			db.kysely,
			{
				slug: form.get('slug'),
				name: form.get('name'),
				description: form.get('description') ?? '',
				guidelinesMd: form.get('guidelines') ?? '',
				status: 'draft',
				allowTie: form.get('allow_tie') === 'on',
				allowBothBad: form.get('allow_both_bad') === 'on',
				blind: form.get('blind') === 'on',
				goldFeedback: form.get('gold_feedback') === 'on',
				rationaleMinChars: form.get('rationale_min_chars'),
				goldRate: percent(form.get('gold_rate')),
				repeatRate: percent(form.get('repeat_rate')),
				targetBattles: form.get('target_battles'),
				leadUserId: user.id
			},
			user.id
		);
		redirect(303, `/c/${created.slug}/progress`);
	})
};
