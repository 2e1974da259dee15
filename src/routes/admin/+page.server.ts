import type { PageServerLoad } from './$types';
import { requireAdmin } from '$lib/server/auth/guards';
import { getDb } from '$lib/server/db/instance';
import { listUsers } from '$lib/server/auth/users';

export const load: PageServerLoad = async (event) => {
	requireAdmin(event);
	return { users: await listUsers((await getDb()).kysely) };
};
