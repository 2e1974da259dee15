// pickwise user add --email E --role admin|member [--name N] [--password-stdin] | user list
import type { Command } from './command.ts';
import { parseOptions, readStdin, reportError, required, UsageError, withDatabase } from './command.ts';
import { createUser, listUsers } from '../server/auth/users.ts';
import { randomId } from '../server/ids.ts';

const user: Command = async (args, io) => {
	const [sub, ...rest] = args;
	if (sub === 'add') {
		const { values } = parseOptions(rest, {
			email: { type: 'string' },
			role: { type: 'string', default: 'member' },
			name: { type: 'string' },
			'password-stdin': { type: 'boolean', default: false }
		});
		const email = required(values.email, '--email');
		if (values.role !== 'admin' && values.role !== 'member') throw new UsageError('--role must be admin or member');
		const generated = !values['password-stdin'];
		const password = generated ? randomId() : (await readStdin(io.stdin)).replace(/\r?\n$/, '');
		return withDatabase(async (db) => {
			try {
				const created = await createUser(db.kysely, { email, displayName: values.name, password, isAdmin: values.role === 'admin' });
				io.stdout.write(`added ${created.email} (${values.role})\n`);
				if (generated) io.stdout.write(`password: ${password}\n(shown once; pass --password-stdin to choose one)\n`);
				return 0;
			} catch (e) {
				return reportError(io, e);
			}
		});
	}
	if (sub === 'list') {
		parseOptions(rest, {});
		return withDatabase(async (db) => {
			for (const u of await listUsers(db.kysely)) {
				const state = u.disabled_at ? 'disabled' : u.is_admin ? 'admin' : 'member';
				io.stdout.write(`${u.email}\t${u.display_name}\t${state}\n`);
			}
			return 0;
		});
	}
	throw new UsageError('usage: pickwise user add --email E --role admin|member [--name N] [--password-stdin] | user list');
};

export default user;
