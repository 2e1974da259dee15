import type { PageServerLoad } from './$types';
import { error } from '@sveltejs/kit';
import { pageQuery, requireCampaignRole } from '$lib/server/auth/guards';
import { parseLeaderboardQuery, resolveFlagged } from '$lib/server/results/leaderboard';
import { headToHead } from '$lib/server/results/head-to-head';
import { pseudonym } from '$lib/server/results/exports';
import { systemNames } from '$lib/server/campaigns/lists';
import { AppError } from '$lib/server/errors';

/**
 * Two systems' battles by prompt, with both images and the rationales. Researchers, leads and admins
 * only: it names the systems beside the images, and images by id are never served to evaluators
 * (even once the campaign is not blind, evaluators see results, not other people's battles).
 */
export const load: PageServerLoad = async (event) => {
	const { db, campaign, role } = await requireCampaignRole(event, event.params.slug, 'results');
	if (role === 'evaluator') error(403, { message: 'Head-to-head battles are for researchers and leads', code: 'forbidden' });
	const k = db.kysely;
	const params = event.url.searchParams;
	const query = await resolveFlagged(
		k,
		campaign,
		pageQuery(() => parseLeaderboardQuery(params))
	);
	const systems = await systemNames(k, campaign.id);
	const a = params.get('a') ?? '';
	const b = params.get('b') ?? '';
	const seesNames = role === 'lead' || role === 'admin';
	const names = seesNames
		? new Map(
				(
					await k
						.selectFrom('campaign_member')
						.innerJoin('user', 'user.id', 'campaign_member.user_id')
						.select(['user.id', 'user.display_name'])
						.where('campaign_member.campaign_id', '=', campaign.id)
						.execute()
				).map((u) => [u.id, u.display_name])
			)
		: null;
	let result = null;
	if (a && b) {
		try {
			result = await headToHead(k, campaign, { a, b }, query);
		} catch (e) {
			// an unknown system or the same one twice: a 400 page naming the parameter
			if (e instanceof AppError && e.status === 400) error(400, { message: e.message, code: e.code });
			throw e;
		}
	}
	return {
		campaign: { slug: campaign.slug, name: campaign.name },
		lead: seesNames,
		systems,
		a,
		b,
		result: result && {
			...result,
			prompts: result.prompts.map((p) => ({
				...p,
				battles: p.battles.map(({ user_id, ...rest }) => ({
					...rest,
					// researchers see evaluators by pseudonym, as in exports
					evaluator: names?.get(user_id) ?? pseudonym(campaign.id, user_id)
				}))
			}))
		}
	};
};
