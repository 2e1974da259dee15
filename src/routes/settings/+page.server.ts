import type { Actions, PageServerLoad } from './$types';
import { requireUser } from '$lib/server/auth/guards';
import { getDb } from '$lib/server/db/instance';
import { createApiToken, listApiTokens, revokeApiToken } from '$lib/server/auth/api-token';
import { AppError } from '$lib/server/errors';
import { formAction } from '$lib/server/http/form-action';
import { changeOwnPassword, endOtherSessions, endOwnSession, listSessions } from '$lib/server/auth/users';
import { MIN_PASSWORD_LENGTH } from '$lib/server/auth/password';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const db = (await getDb()).kysely;
	const current = event.locals.session?.id ?? null;
	const sessions = (await listSessions(db, user.id)).map((s) => ({
		id: s.id,
		createdAt: s.created_at,
		lastActiveAt: s.last_verified_at,
		current: s.id === current
	}));
	return { tokens: await listApiTokens(db, user.id), sessions, minLength: MIN_PASSWORD_LENGTH };
};

export const actions: Actions = {
	password: formAction('password', async (event, form) => {
		const user = requireUser(event);
		const r = await changeOwnPassword((await getDb()).kysely, user.id, event.locals.session?.id ?? null, {
			current: form.get('current_password'),
			next: form.get('new_password'),
			confirm: form.get('new_password_confirm')
		});
		return {
			action: 'password',
			saved: `Password changed.${r.endedSessions ? ` ${r.endedSessions} other session${r.endedSessions === 1 ? '' : 's'} ended.` : ''}`
		};
	}),
	endSession: formAction('sessions', async (event, form) => {
		const user = requireUser(event);
		await endOwnSession((await getDb()).kysely, user.id, form.get('session_id'));
		return { action: 'sessions', saved: 'Session ended.' };
	}),
	endOtherSessions: formAction('sessions', async (event) => {
		const user = requireUser(event);
		const n = await endOtherSessions((await getDb()).kysely, user.id, event.locals.session?.id ?? null);
		return { action: 'sessions', saved: `${n} other session${n === 1 ? '' : 's'} ended.` };
	}),
	create: formAction('create', async (event, form) => {
		const user = requireUser(event);
		const created = await createApiToken((await getDb()).kysely, user.id, form.get('name'));
		// shown once: only its hash is stored
		return { action: 'create', created: { name: created.name, token: created.token } };
	}),
	revoke: formAction('revoke', async (event, form) => {
		const user = requireUser(event);
		const revoked = await revokeApiToken((await getDb()).kysely, user.id, String(form.get('id') ?? ''));
		if (!revoked) throw new AppError(404, 'not_found', 'No such active token.', 'id');
		return { action: 'revoke', saved: 'Token revoked.' };
	})
};
