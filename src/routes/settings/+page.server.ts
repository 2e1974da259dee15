import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireUser } from '$lib/server/auth/guards';
import { getDb } from '$lib/server/db/instance';
import { createApiToken, listApiTokens, revokeApiToken } from '$lib/server/auth/api-token';
import { AppError } from '$lib/server/errors';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	return { tokens: await listApiTokens((await getDb()).kysely, user.id) };
};

export const actions: Actions = {
	create: async (event) => {
		const user = requireUser(event);
		const form = await event.request.formData();
		try {
			const created = await createApiToken((await getDb()).kysely, user.id, form.get('name'));
			// shown once: only its hash is stored
			return { created: { name: created.name, token: created.token } };
		} catch (e) {
			if (e instanceof AppError) return fail(e.status, { error: e.message, name: String(form.get('name') ?? '') });
			throw e;
		}
	},
	revoke: async (event) => {
		const user = requireUser(event);
		const form = await event.request.formData();
		const revoked = await revokeApiToken((await getDb()).kysely, user.id, String(form.get('id') ?? ''));
		if (!revoked) return fail(404, { error: 'No such active token.' });
		return { revoked: true };
	}
};
