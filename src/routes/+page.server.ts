import type { PageServerLoad } from './$types';
import { requireUser } from '$lib/server/auth/guards';
import { getDb } from '$lib/server/db/instance';
import { listCampaignsForUser } from '$lib/server/campaigns/campaigns';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	return { campaigns: await listCampaignsForUser((await getDb()).kysely, user) };
};
