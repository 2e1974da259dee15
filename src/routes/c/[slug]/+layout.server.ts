import type { LayoutServerLoad } from './$types';
import { requireCampaignRole } from '$lib/server/auth/guards';
import { can } from '$lib/server/auth/access';

/**
 * The campaign navigation: each page listed only for the roles its own guard lets in (every page
 * still checks for itself; a layout is never the only guard). Reads no URL, so it does not run again
 * when a page's query changes.
 */
export const load: LayoutServerLoad = async (event) => {
	const access = await requireCampaignRole(event, event.params.slug, 'view');
	const { campaign } = access;
	const base = `/c/${campaign.slug}`;
	const pages: { href: string; label: string; allowed: boolean }[] = [
		{ href: base, label: 'Overview', allowed: true },
		{ href: `${base}/vote`, label: 'Vote', allowed: can(access, 'vote') },
		{ href: `${base}/results`, label: 'Results', allowed: can(access, 'results') },
		{ href: `${base}/progress`, label: 'Progress', allowed: can(access, 'results') },
		{ href: `${base}/audit`, label: 'Audit', allowed: can(access, 'manage') },
		{ href: `${base}/evaluators`, label: 'Evaluators', allowed: can(access, 'audit') },
		{ href: `${base}/gold`, label: 'Gold pairs', allowed: can(access, 'manage') },
		{ href: `${base}/members`, label: 'Members', allowed: can(access, 'manage') },
		{ href: `${base}/images`, label: 'Images', allowed: can(access, 'manage') },
		{ href: `${base}/manage`, label: 'Manage', allowed: can(access, 'manage') }
	];
	return {
		campaignNav: { name: campaign.name, pages: pages.filter((p) => p.allowed).map(({ href, label }) => ({ href, label })) }
	};
};
