import type { PageServerLoad } from './$types';
import { pageQuery, requireCampaignRole } from '$lib/server/auth/guards';
import { campaignLeaderboard, parseLeaderboardQuery, resolveFlagged, type CampaignLeaderboard } from '$lib/server/results/leaderboard';
import { CONTROLS, MEASURED_CONTROLS } from '$lib/server/results/controlled';
import { ensureImageFeatures } from '$lib/server/results/features';
import { AppError } from '$lib/server/errors';

/** Held equal when the researcher has not chosen yet: position and what every image row stores. */
const DEFAULT_CONTROLS = ['left', 'pixels', 'aspect', 'bpp'];

/**
 * The controlled board: ratings with the chosen features held equal, Δrank against the raw board,
 * the coefficients. `control` lists the features (checkboxes send it once per feature); absent means
 * the default set, present and empty means none chosen. The boards come from the shared cache and
 * the admission-controlled bootstrap (leaderboard.ts), never computed per request.
 */
export const load: PageServerLoad = async (event) => {
	const { db, campaign, role, user } = await requireCampaignRole(event, event.params.slug, 'results');
	const k = db.kysely;
	const params = new URLSearchParams(event.url.searchParams);
	const chosen = params.has('control') ? params.getAll('control').join(',') : DEFAULT_CONTROLS.join(',');
	params.set('control', chosen);
	const requested = pageQuery(() => parseLeaderboardQuery(params));
	const query = await resolveFlagged(k, campaign, requested);
	// luminance and contrast of images stored before they were measured at import: measured once, in
	// the background, so that ticking them later finds them ready
	if (!query.control.some((c) => (MEASURED_CONTROLS as readonly string[]).includes(c)))
		ensureImageFeatures(k, campaign.id).catch((e) => console.error('measuring image features failed', e));
	let board: CampaignLeaderboard | null = null;
	let problem: string | null = null;
	if (query.control.length > 0) {
		try {
			board = await campaignLeaderboard(k, campaign, query, { who: user.id });
		} catch (e) {
			// "no ranking for this selection" is a result to show; "busy" is not
			if (!(e instanceof AppError) || e.status === 429 || e.status === 503) throw e;
			problem = e.message;
		}
	}
	return {
		campaign: { slug: campaign.slug, name: campaign.name, blind: campaign.blind === 1 },
		lead: role === 'lead' || role === 'admin',
		controls: [...CONTROLS],
		chosen: query.control,
		ties: query.ties,
		board,
		problem
	};
};
