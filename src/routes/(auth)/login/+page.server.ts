import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDb } from '$lib/server/db/instance';
import { authenticate } from '$lib/server/auth/users';
import { createSession } from '$lib/server/auth/session';
import { setSessionCookie } from '$lib/server/auth/request';
import { formAction } from '$lib/server/http/form-action';
import { safeNext } from '$lib/server/http/safe-next';

export const load: PageServerLoad = ({ locals, url }) => {
	if (locals.user) redirect(303, safeNext(url.searchParams.get('next')));
	return {};
};

export const actions: Actions = {
	default: formAction('login', async ({ cookies, url, getClientAddress }, form) => {
		const db = await getDb();
		const user = await authenticate(db.kysely, form.get('email'), form.get('password'), getClientAddress());
		const { token, session } = await createSession(db.kysely, user.id);
		setSessionCookie(cookies, url, token, session);
		redirect(303, safeNext(url.searchParams.get('next')));
	})
};
