import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireCampaignRole } from '$lib/server/auth/guards';
import { assignmentJson, nextAssignment, skipAssignment } from '$lib/server/voting/leases';
import { castVote } from '$lib/server/voting/cast-vote';
import { undoVote } from '$lib/server/voting/undo';
import { votePageContext, voteInputFromForm } from '$lib/server/voting/vote-page';
import { AppError } from '$lib/server/errors';

export const load: PageServerLoad = async (event) => {
	const { db, campaign, user, quota } = await requireCampaignRole(event, event.params.slug, 'vote');
	const pair = campaign.status === 'active' ? await nextAssignment(db.kysely, campaign, user.id, quota) : null;
	return {
		...(await votePageContext(db.kysely, campaign, user.id, quota)),
		pair: pair ? assignmentJson(pair) : null,
		// for the form without JavaScript; the script makes its own per submission
		voteId: crypto.randomUUID()
	};
};

/** Without JavaScript the page works through these; with it, the page calls the JSON API instead. */
export const actions: Actions = {
	vote: async (event) => {
		const { db, campaign, user } = await requireCampaignRole(event, event.params.slug, 'vote');
		const form = await event.request.formData();
		const input = voteInputFromForm(form);
		try {
			await castVote(db.kysely, campaign, user.id, input);
		} catch (e) {
			if (e instanceof AppError) {
				return fail(e.status, {
					error: { field: e.field ?? null, message: e.message },
					values: { choice: String(input.choice), rationale: String(input.rationale) }
				});
			}
			throw e;
		}
		redirect(303, `/c/${campaign.slug}/vote?voted=${encodeURIComponent(String(input.voteId))}`);
	},
	skip: async (event) => {
		const { db, campaign, user } = await requireCampaignRole(event, event.params.slug, 'vote');
		const form = await event.request.formData();
		try {
			await skipAssignment(db.kysely, campaign, user.id, String(form.get('assignment_id') ?? ''), form.get('reason'));
		} catch (e) {
			if (e instanceof AppError) return fail(e.status, { error: { field: e.field ?? null, message: e.message } });
			throw e;
		}
		redirect(303, `/c/${campaign.slug}/vote`);
	},
	undo: async (event) => {
		const { db, campaign, user } = await requireCampaignRole(event, event.params.slug, 'vote');
		const form = await event.request.formData();
		try {
			await undoVote(db.kysely, campaign, user.id, String(form.get('vote_id') ?? ''));
		} catch (e) {
			if (e instanceof AppError) return fail(e.status, { error: { field: e.field ?? null, message: e.message } });
			throw e;
		}
		redirect(303, `/c/${campaign.slug}/vote`);
	}
};
