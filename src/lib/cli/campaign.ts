// pickwise campaign create | status | add-member | remove-member | add-criterion: the same services as the browser
import { readFileSync } from 'node:fs';
import type { Command } from './command.ts';
import { parseOptions, reportError, required, UsageError, withDatabase } from './command.ts';
import { addCriterion, addMember, createCampaign, requireCampaign, setCampaignStatus } from '../server/campaigns/campaigns.ts';
import { removeMember } from '../server/campaigns/members.ts';
import { requireUserByEmail } from '../server/auth/users.ts';

const campaign: Command = async (args, io) => {
	const [sub, ...rest] = args;
	if (sub === 'create') {
		const { values } = parseOptions(rest, {
			slug: { type: 'string' },
			name: { type: 'string' },
			description: { type: 'string' },
			guidelines: { type: 'string' },
			draft: { type: 'boolean', default: false },
			strategy: { type: 'string' },
			epsilon: { type: 'string' }
		});
		const slug = required(values.slug, '--slug');
		const name = required(values.name, '--name');
		let guidelinesMd: string | undefined;
		if (values.guidelines) {
			try {
				guidelinesMd = readFileSync(values.guidelines, 'utf8');
			} catch {
				throw new UsageError(`cannot read --guidelines ${values.guidelines}`);
			}
		}
		return withDatabase(async (db) => {
			try {
				// scripts that import and start at once keep working: active unless --draft
				const created = await createCampaign(db.kysely, {
					slug,
					name,
					description: values.description,
					guidelinesMd,
					status: values.draft ? 'draft' : 'active',
					strategy: values.strategy,
					adaptiveEpsilon: values.epsilon
				});
				io.stdout.write(`created campaign ${created.slug} (${created.status})\n`);
				return 0;
			} catch (e) {
				return reportError(io, e);
			}
		});
	}
	if (sub === 'add-member') {
		const { values } = parseOptions(rest, {
			slug: { type: 'string' },
			email: { type: 'string' },
			role: { type: 'string' },
			quota: { type: 'string' }
		});
		const input = {
			slug: required(values.slug, '--slug'),
			email: required(values.email, '--email'),
			role: required(values.role, '--role'),
			quota: values.quota
		};
		return withDatabase(async (db) => {
			try {
				const m = await addMember(db.kysely, input);
				io.stdout.write(`${m.email} is ${m.role} in ${m.campaign}${m.quota !== null ? ` (quota ${m.quota})` : ''}\n`);
				return 0;
			} catch (e) {
				return reportError(io, e);
			}
		});
	}
	if (sub === 'status') {
		const { values } = parseOptions(rest, { slug: { type: 'string' }, to: { type: 'string' } });
		const slug = required(values.slug, '--slug');
		const to = required(values.to, '--to');
		return withDatabase(async (db) => {
			try {
				const r = await setCampaignStatus(db.kysely, await requireCampaign(db.kysely, slug), to, null);
				io.stdout.write(`${slug}: ${r.from} → ${r.to}\n`);
				return 0;
			} catch (e) {
				return reportError(io, e);
			}
		});
	}
	if (sub === 'remove-member') {
		const { values } = parseOptions(rest, { slug: { type: 'string' }, email: { type: 'string' } });
		const slug = required(values.slug, '--slug');
		const email = required(values.email, '--email');
		return withDatabase(async (db) => {
			try {
				const user = await requireUserByEmail(db.kysely, email);
				await removeMember(db.kysely, await requireCampaign(db.kysely, slug), user.id, null);
				io.stdout.write(`${user.email} removed from ${slug} (their votes stay)\n`);
				return 0;
			} catch (e) {
				return reportError(io, e);
			}
		});
	}
	if (sub === 'add-criterion') {
		const { values } = parseOptions(rest, {
			slug: { type: 'string' },
			key: { type: 'string' },
			label: { type: 'string' },
			description: { type: 'string' }
		});
		const input = {
			slug: required(values.slug, '--slug'),
			key: required(values.key, '--key'),
			label: required(values.label, '--label'),
			description: values.description
		};
		return withDatabase(async (db) => {
			try {
				const c = await addCriterion(db.kysely, input);
				io.stdout.write(`added criterion ${c.key} (${c.label}) to ${c.campaign}\n`);
				return 0;
			} catch (e) {
				return reportError(io, e);
			}
		});
	}
	throw new UsageError(
		'usage: pickwise campaign create --slug S --name N [--description D] [--guidelines FILE.md] [--draft] [--strategy adaptive|balanced|uniform] [--epsilon E] | campaign status --slug S --to active|paused|closed | campaign remove-member --slug S --email E | campaign add-member --slug S --email E --role lead|researcher|evaluator [--quota N] | campaign add-criterion --slug S --key K --label L [--description D]'
	);
};

export default campaign;
