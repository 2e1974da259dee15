import type { PageServerLoad } from './$types';
import { requireCampaignRole } from '$lib/server/auth/guards';
import { personalBoards } from '$lib/server/results/personal';
import { listEvaluators } from '$lib/server/campaigns/campaigns';

/** Every evaluator's own board beside the consensus, with Kendall's τ: for leads and admins ('audit'). */
export const load: PageServerLoad = async (event) => {
	const { db, campaign } = await requireCampaignRole(event, event.params.slug, 'audit');
	const k = db.kysely;
	const [boards, evaluators] = await Promise.all([personalBoards(k, campaign), listEvaluators(k, campaign.id)]);
	const names = new Map(evaluators.map((e) => [e.id, e.display_name]));
	return {
		campaign: { slug: campaign.slug, name: campaign.name },
		lead: true,
		consensus: boards.consensus,
		minVotes: boards.min_votes,
		prior: boards.prior,
		belowMinimum: boards.below_minimum,
		boards: boards.boards.map(({ user_id, ...b }) => ({ ...b, evaluator: names.get(user_id) ?? 'a former member' }))
	};
};
