import type { PageServerLoad } from './$types';
import { requireUser } from '$lib/server/auth/guards';
import { getDb } from '$lib/server/db/instance';
import { listCampaignsForUser } from '$lib/server/campaigns/campaigns';
import { mayCreateCampaigns } from '$lib/server/auth/users';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const db = (await getDb()).kysely;
	return { campaigns: await listCampaignsForUser(db, user), mayCreate: await mayCreateCampaigns(db, user) };
};
