// Read-only API tokens: `pw_<id>.<secret>`, only SHA-256 of the whole token stored, shown once.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { randomId, sha256Hex } from '../ids.ts';
import type { SessionUser } from './session.ts';
import { requireString } from '../validation.ts';

export async function createApiToken(db: Kysely<Database>, userId: string, name: unknown) {
	const label = requireString(name, 'name', { max: 100 });
	const id = randomId();
	const token = `pw_${id}.${randomId()}${randomId()}`;
	await db
		.insertInto('api_token')
		.values({
			id,
			user_id: userId,
			name: label,
			token_hash: sha256Hex(token),
			created_at: Date.now(),
			last_used_at: null,
			revoked_at: null
		})
		.execute();
	return { id, name: label, token };
}

export async function revokeApiToken(db: Kysely<Database>, userId: string, tokenId: string) {
	const result = await db
		.updateTable('api_token')
		.set({ revoked_at: Date.now() })
		.where('id', '=', tokenId)
		.where('user_id', '=', userId)
		.where('revoked_at', 'is', null)
		.executeTakeFirst();
	return Number(result.numUpdatedRows) > 0;
}

export async function validateApiToken(db: Kysely<Database>, token: string): Promise<SessionUser | null> {
	if (!token.startsWith('pw_') || token.length > 200) return null;
	const row = await db
		.selectFrom('api_token')
		.innerJoin('user', 'user.id', 'api_token.user_id')
		.select([
			'api_token.id',
			'api_token.last_used_at',
			'user.id as user_id',
			'user.email',
			'user.display_name',
			'user.is_admin',
			'user.disabled_at'
		])
		.where('api_token.token_hash', '=', sha256Hex(token))
		.where('api_token.revoked_at', 'is', null)
		.executeTakeFirst();
	if (!row || row.disabled_at !== null) return null;
	const now = Date.now();
	if (!row.last_used_at || now - row.last_used_at > 60_000) {
		await db.updateTable('api_token').set({ last_used_at: now }).where('id', '=', row.id).execute();
	}
	// Tokens read; they never vote or change settings (checked by the API's guards).
	return { id: row.user_id, email: row.email, displayName: row.display_name, isAdmin: false, readOnly: true };
}

export function listApiTokens(db: Kysely<Database>, userId: string) {
	return db
		.selectFrom('api_token')
		.select(['id', 'name', 'created_at', 'last_used_at', 'revoked_at'])
		.where('user_id', '=', userId)
		.orderBy('created_at', 'desc')
		.execute();
}
