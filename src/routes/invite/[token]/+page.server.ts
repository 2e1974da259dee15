import { error, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDb } from '$lib/server/db/instance';
import { acceptLink, findLink } from '$lib/server/auth/invitations';
import { MIN_PASSWORD_LENGTH } from '$lib/server/auth/password';
import { createSession } from '$lib/server/auth/session';
import { setSessionCookie } from '$lib/server/auth/request';
import { AppError } from '$lib/server/errors';
import { formAction } from '$lib/server/http/form-action';

// Open to anyone holding the link: the token is the credential (only its hash is stored).
export const load: PageServerLoad = async ({ params }) => {
	try {
		const link = await findLink((await getDb()).kysely, params.token);
		return {
			email: link.user.email,
			displayName: link.user.displayName,
			purpose: link.purpose,
			expiresAt: link.expiresAt,
			minLength: MIN_PASSWORD_LENGTH
		};
	} catch (e) {
		if (e instanceof AppError) error(e.status, { message: e.message, code: e.code });
		throw e;
	}
};

export const actions: Actions = {
	default: formAction('accept', async ({ params, cookies, url }, form) => {
		const db = await getDb();
		const user = await acceptLink(db.kysely, params.token, form.get('password'), form.get('password_confirm'));
		const { token, session } = await createSession(db.kysely, user.id);
		setSessionCookie(cookies, url, token, session);
		redirect(303, '/');
	})
};
