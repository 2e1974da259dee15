import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDb } from '$lib/server/db/instance';
import { authenticate } from '$lib/server/auth/users';
import { createSession } from '$lib/server/auth/session';
import { setSessionCookie } from '$lib/server/auth/request';
import { AppError } from '$lib/server/errors';

/** Only same-site paths, so the form cannot be used to redirect elsewhere. */
function safeNext(next: string | null): string {
	return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}

export const load: PageServerLoad = ({ locals, url }) => {
	if (locals.user) redirect(303, safeNext(url.searchParams.get('next')));
	return {};
};

export const actions: Actions = {
	default: async ({ request, cookies, url, getClientAddress }) => {
		const form = await request.formData();
		const email = String(form.get('email') ?? '');
		const db = await getDb();
		try {
			const user = await authenticate(db.kysely, email, form.get('password'), getClientAddress());
			const { token, session } = await createSession(db.kysely, user.id);
			setSessionCookie(cookies, url, token, session);
		} catch (e) {
			if (e instanceof AppError) return fail(e.status, { email, message: e.message, field: e.field ?? null });
			throw e;
		}
		redirect(303, safeNext(url.searchParams.get('next')));
	}
};
