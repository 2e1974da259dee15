import type { PageServerLoad } from './$types';
import { pageQuery, requireCampaignRole } from '$lib/server/auth/guards';
import { parseLeaderboardQuery, resolveFlagged } from '$lib/server/results/leaderboard';
import { campaignMarks } from '$lib/server/results/marks';
import { MISSED } from '$lib/quality/marks';

export const load: PageServerLoad = async (event) => {
	// the same capability and the same selection filters as the results page (whose blind rule applies)
	const { db, campaign } = await requireCampaignRole(event, event.params.slug, 'results');
	const params = event.url.searchParams;
	const query = await resolveFlagged(
		db.kysely,
		campaign,
		pageQuery(() => parseLeaderboardQuery(params))
	);
	const marks = await campaignMarks(db.kysely, campaign, query);
	// which kind the rate chart shows and which system and kind the heatmap shows: unknown values fall back
	const keys = [...marks.kinds.map((k) => k.key), MISSED];
	const kind = keys.includes(params.get('kind') ?? '') ? params.get('kind')! : keys[0];
	const system = marks.systems.includes(params.get('system') ?? '') ? params.get('system')! : (marks.systems[0] ?? null);
	const heatKind = marks.kinds.some((k) => k.key === params.get('heat')) ? params.get('heat')! : null;
	return {
		campaign: { slug: campaign.slug, name: campaign.name },
		marks,
		selected: { kind, system, heat: heatKind }
	};
};
