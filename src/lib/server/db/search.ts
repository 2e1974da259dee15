// Rationale search, the one place that knows how each dialect does full-text search.
import { sql, type Expression, type SqlBool } from 'kysely';
import type { Dialect } from './index.ts';

/**
 * A condition on `vote.id` for votes whose rationale matches the words of `text` (all of them,
 * as prefixes on SQLite). Quotes and operators in the text are taken literally.
 */
export function rationaleMatches(dialect: Dialect, text: string): Expression<SqlBool> {
	const words = text
		.toLowerCase()
		.split(/[^\p{L}\p{N}]+/u)
		.filter(Boolean)
		.slice(0, 20);
	if (words.length === 0) return sql<SqlBool>`1 = 1`;
	if (dialect === 'sqlite') {
		const query = words.map((w) => `"${w}"*`).join(' ');
		return sql<SqlBool>`vote.id in (select vote_id from vote_fts where vote_fts match ${query})`;
	}
	const query = words.map((w) => `${w}:*`).join(' & ');
	return sql<SqlBool>`to_tsvector('english', vote.rationale) @@ to_tsquery('english', ${query})`;
}
