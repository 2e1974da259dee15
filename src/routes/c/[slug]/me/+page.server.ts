import type { PageServerLoad } from './$types';
import { pageQuery, requireCampaignRole } from '$lib/server/auth/guards';
import { guidelinesHtml } from '$lib/server/campaigns/campaigns';
import { evaluatorFeedback, parseFeedbackPage } from '$lib/server/feedback/evaluator-page';
import { readNotes } from '$lib/server/feedback/notes';
import { ownBoard } from '$lib/server/results/personal';

/**
 * An evaluator's own page: only evaluators have one ('vote': the same people), and it shows only
 * their own votes and notes. Viewing it marks the notes shown as read (not on HEAD: a link checker
 * has read nothing).
 */
export const load: PageServerLoad = async (event) => {
	const { db, campaign, user } = await requireCampaignRole(event, event.params.slug, 'vote');
	const page = pageQuery(() => parseFeedbackPage(event.url.searchParams.get('page')));
	const [feedback, notes, guidelines] = await Promise.all([
		evaluatorFeedback(db.kysely, campaign, user.id, page),
		event.request.method === 'HEAD' ? Promise.resolve([]) : readNotes(db.kysely, campaign, user.id),
		guidelinesHtml(db.kysely, campaign)
	]);
	// their own ranking: only once the systems are no longer hidden from them (not blind, or closed)
	const myBoard = await ownBoard(db.kysely, campaign, user.id);
	return {
		campaign: { slug: campaign.slug, name: campaign.name, blind: campaign.blind === 1, guidelinesVersion: campaign.guidelines_version },
		feedback,
		notes,
		guidelinesHtml: guidelines,
		myBoard
	};
};
