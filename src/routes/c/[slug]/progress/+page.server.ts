import { error } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireCampaignRole } from '$lib/server/auth/guards';
import { can } from '$lib/server/auth/access';
import { campaignProgress } from '$lib/server/campaigns/progress';
import { setCampaignStatus, setTargetBattles, STATUS_TRANSITIONS } from '$lib/server/campaigns/campaigns';
import { formAction } from '$lib/server/http/form-action';
import { campaignLeaderboard, NoRankingError, parseLeaderboardQuery } from '$lib/server/results/leaderboard';
import { campaignEnough, enoughTarget } from '$lib/server/results/enough';
import type { Kysely } from 'kysely';
import type { Campaign, Database } from '$lib/server/db/schema';
import type { EnoughTarget, TargetProgress } from '$lib/ranking/enough';

/**
 * The lead's "enough votes" target (set on the manage page) and, for the default leaderboard (the
 * results page's board, cached and shared), whether it is reached. Null without a target; `progress`
 * null while there is no ranking (too few votes, or no finite estimate yet).
 */
async function enoughOnProgress(
	db: Kysely<Database>,
	campaign: Campaign,
	who: string
): Promise<{ target: EnoughTarget; progress: TargetProgress | null } | null> {
	const target = enoughTarget(campaign);
	if (!target) return null;
	try {
		const board = await campaignLeaderboard(db, campaign, parseLeaderboardQuery(new URLSearchParams()), { who });
		return { target, progress: (await campaignEnough(db, campaign, board))?.target ?? null };
	} catch (e) {
		if (e instanceof NoRankingError) return { target, progress: null };
		throw e;
	}
}

// Researchers, leads and admins. Evaluators never: even when results are open to them, who is
// active and how much is left is the team's business.
export const load: PageServerLoad = async (event) => {
	const access = await requireCampaignRole(event, event.params.slug, 'results');
	if (access.role === 'evaluator') error(403, { message: 'Progress is for researchers and leads.', code: 'forbidden' });
	const { campaign, db, user } = access;
	return {
		campaign: { slug: campaign.slug, name: campaign.name, status: campaign.status, target: campaign.target_battles },
		canManage: can(access, 'manage'),
		transitions: STATUS_TRANSITIONS[campaign.status],
		progress: await campaignProgress(db.kysely, campaign),
		enough: await enoughOnProgress(db.kysely, campaign, user.id)
	};
};

export const actions: Actions = {
	status: formAction('status', async (event, form) => {
		const { db, campaign, user } = await requireCampaignRole(event, event.params.slug, 'manage');
		const r = await setCampaignStatus(db.kysely, campaign, form.get('status'), user.id);
		return { action: 'status', saved: `The campaign is now ${r.to}.` };
	}),
	target: formAction('target', async (event, form) => {
		const { db, campaign, user } = await requireCampaignRole(event, event.params.slug, 'manage');
		const target = await setTargetBattles(db.kysely, campaign, form.get('target_battles'), user.id);
		return { action: 'target', saved: `Aiming for ${target} battles per pair.` };
	})
};
