// pickwise user add | invite | reset | disable | enable | list: the same account services as the admin page
import type { Command } from './command.ts';
import { parseOptions, readStdin, reportError, required, UsageError, withDatabase } from './command.ts';
import { createUser, inviteUser, issuePasswordReset, listUsers, requireUserByEmail, setUserDisabled } from '../server/auth/users.ts';
import type { IssuedLink } from '../server/auth/invitations.ts';
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
	if (sub === 'invite') {
		const { values } = parseOptions(rest, {
			email: { type: 'string' },
			role: { type: 'string', default: 'member' },
			name: { type: 'string' },
			'can-create-campaigns': { type: 'boolean', default: false }
		});
		const email = required(values.email, '--email');
		if (values.role !== 'admin' && values.role !== 'member') throw new UsageError('--role must be admin or member');
		return withDatabase(async (db) => {
			try {
				const r = await inviteUser(
					db.kysely,
					{ email, displayName: values.name, isAdmin: values.role === 'admin', canCreateCampaigns: values['can-create-campaigns'] },
					null
				);
				io.stdout.write(`invited ${r.user.email} (${values.role})\n${linkText(r.link)}`);
				return 0;
			} catch (e) {
				return reportError(io, e);
			}
		});
	}
	if (sub === 'reset' || sub === 'disable' || sub === 'enable') {
		const { values } = parseOptions(rest, { email: { type: 'string' } });
		const email = required(values.email, '--email');
		return withDatabase(async (db) => {
			try {
				const user = await requireUserByEmail(db.kysely, email);
				if (sub === 'reset') {
					const r = await issuePasswordReset(db.kysely, user.id, null);
					io.stdout.write(`${r.link.purpose === 'reset' ? 'password-reset' : 'invitation'} link for ${r.email}\n${linkText(r.link)}`);
				} else {
					await setUserDisabled(db.kysely, user.id, sub === 'disable', null);
					io.stdout.write(`${user.email} ${sub === 'disable' ? 'disabled (sessions ended)' : 'enabled'}\n`);
				}
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
				const login = u.last_login_at ? new Date(u.last_login_at).toISOString() : u.pending ? 'invited' : 'never';
				io.stdout.write(`${u.email}\t${u.display_name}\t${state}\t${login}\n`);
			}
			return 0;
		});
	}
	throw new UsageError(
		'usage: pickwise user add --email E --role admin|member [--name N] [--password-stdin] | user invite --email E [--role admin|member] [--name N] [--can-create-campaigns] | user reset|disable|enable --email E | user list'
	);
};

/** The link as the person opens it: absolute when ORIGIN is set (as the server's), else the path. */
function linkText(link: IssuedLink): string {
	const origin = process.env.ORIGIN?.replace(/\/$/, '') ?? '';
	return `${origin}${link.path}\n(works once, until ${new Date(link.expiresAt).toISOString()}; shown once${origin ? '' : '; prefix it with the server address'})\n`;
}

export default user;
