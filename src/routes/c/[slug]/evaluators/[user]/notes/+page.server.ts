import type { Actions, PageServerLoad } from './$types';
import { requireCampaignRole } from '$lib/server/auth/guards';
import { formAction } from '$lib/server/http/form-action';
import { AppError } from '$lib/server/errors';
import { error } from '@sveltejs/kit';
import { NOTE_MAX, notesSentTo, requireEvaluator, sendNote } from '$lib/server/feedback/notes';

/** The notes a campaign's leads sent to one evaluator (whether they were read), and the form to send one. */
export const load: PageServerLoad = async (event) => {
	const { db, campaign } = await requireCampaignRole(event, event.params.slug, 'audit');
	let evaluator;
	try {
		evaluator = await requireEvaluator(db.kysely, campaign, event.params.user);
	} catch (e) {
		if (e instanceof AppError) error(e.status, { message: e.message, code: e.code });
		throw e;
	}
	return {
		campaign: { slug: campaign.slug, name: campaign.name },
		evaluator,
		notes: await notesSentTo(db.kysely, campaign, evaluator.id),
		max: NOTE_MAX
	};
};

/** Sending is a lead's (or an admin's) change to the campaign: 'manage', so read-only API tokens cannot. */
export const actions: Actions = {
	send: formAction('send', async (event, form) => {
		const { db, campaign, user } = await requireCampaignRole(event, event.params.slug, 'manage');
		const { recipient } = await sendNote(db.kysely, campaign, user.id, event.params.user, form.get('note'));
		return { action: 'send', saved: `Note sent to ${recipient.name}.` };
	})
};
