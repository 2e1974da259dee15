import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireCampaignRole } from '$lib/server/auth/guards';
import { assignmentJson, nextAssignment, skipAssignment } from '$lib/server/voting/leases';
import { castVote } from '$lib/server/voting/cast-vote';
import { undoVote } from '$lib/server/voting/undo';
import { votePageContext, voteInputFromForm } from '$lib/server/voting/vote-page';
import { formAction } from '$lib/server/http/form-action';
import type { ApiAssignment } from '$lib/api-types';
import { unreadNoteCount } from '$lib/server/feedback/notes';

export const load: PageServerLoad = async (event) => {
	const { db, campaign, user, quota } = await requireCampaignRole(event, event.params.slug, 'vote');
	// a HEAD request (a link checker, a prefetching proxy) must not take a pair from the evaluator's stream
	const issue = campaign.status === 'active' && event.request.method !== 'HEAD';
	const pair = issue ? await nextAssignment(db.kysely, campaign, user.id, quota) : null;
	const assignment: ApiAssignment | null = pair ? assignmentJson(pair) : null;
	return {
		...(await votePageContext(db.kysely, campaign, user.id, quota)),
		pair: assignment,
		unreadNotes: await unreadNoteCount(db.kysely, campaign.id, user.id),
		// for the form without JavaScript; the script makes its own per submission
		voteId: crypto.randomUUID()
	};
};

/** Without JavaScript the page works through these; with it, the page calls the JSON API instead. */
export const actions: Actions = {
	vote: formAction('vote', async (event, form) => {
		const { db, campaign, user } = await requireCampaignRole(event, event.params.slug, 'vote');
		const input = voteInputFromForm(form);
		await castVote(db.kysely, campaign, user.id, input);
		redirect(303, `/c/${campaign.slug}/vote?voted=${encodeURIComponent(String(input.voteId))}`);
	}),
	skip: formAction('skip', async (event, form) => {
		const { db, campaign, user } = await requireCampaignRole(event, event.params.slug, 'vote');
		await skipAssignment(db.kysely, campaign, user.id, String(form.get('assignment_id') ?? ''), form.get('reason'));
		redirect(303, `/c/${campaign.slug}/vote`);
	}),
	undo: formAction('undo', async (event, form) => {
		const { db, campaign, user } = await requireCampaignRole(event, event.params.slug, 'vote');
		await undoVote(db.kysely, campaign, user.id, String(form.get('vote_id') ?? ''));
		redirect(303, `/c/${campaign.slug}/vote`);
	})
};
