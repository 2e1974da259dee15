import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDb } from '$lib/server/db/instance';
import { invalidateSession } from '$lib/server/auth/session';
import { deleteSessionCookie } from '$lib/server/auth/request';

// Signing out is a POST (a link or prefetch must never sign anyone out).
export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
	default: async ({ locals, cookies, url }) => {
		if (locals.session) await invalidateSession((await getDb()).kysely, locals.session.id);
		deleteSessionCookie(cookies, url);
		redirect(303, '/login');
	}
};
