// pickwise token create --email E [--name N]: a read-only API token, printed once.
import type { Command } from './command.ts';
import { parseOptions, reportError, required, UsageError, withDatabase } from './command.ts';
import { createApiToken } from '../server/auth/api-token.ts';
import { findUserByEmail } from '../server/auth/users.ts';

const token: Command = async (args, io) => {
	const [sub, ...rest] = args;
	if (sub !== 'create') throw new UsageError('usage: pickwise token create --email E [--name N]');
	const { values } = parseOptions(rest, { email: { type: 'string' }, name: { type: 'string', default: 'cli' } });
	const email = required(values.email, '--email');
	return withDatabase(async (db) => {
		try {
			const user = await findUserByEmail(db.kysely, email);
			if (!user) {
				io.stderr.write(`error: email: no user with email ${email}\n`);
				return 1;
			}
			const created = await createApiToken(db.kysely, user.id, values.name);
			io.stdout.write(`${created.token}\n`);
			io.stderr.write(`read-only token "${created.name}" for ${user.email}; shown once, only its hash is stored\n`);
			return 0;
		} catch (e) {
			return reportError(io, e);
		}
	});
};

export default token;
