// pickwise export votes --campaign S --format csv|jsonl|battles [--out FILE] [--from D] [--to D] [--include-rejected]
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Command } from './command.ts';
import { parseOptions, reportError, required, UsageError, withDatabase } from './command.ts';
import { EXPORT_FORMATS, exportVotes, type ExportFormat } from '../server/results/exports.ts';
import { requireCampaign } from '../server/campaigns/campaigns.ts';
import { parseLeaderboardQuery } from '../server/results/leaderboard.ts';

const exportCommand: Command = async (args, io) => {
	const [sub, ...rest] = args;
	if (sub !== 'votes')
		throw new UsageError(
			'usage: pickwise export votes --campaign S --format csv|jsonl|battles [--out FILE] [--from D] [--to D] [--include-rejected]'
		);
	const { values } = parseOptions(rest, {
		campaign: { type: 'string' },
		format: { type: 'string', default: 'csv' },
		out: { type: 'string' },
		from: { type: 'string' },
		to: { type: 'string' },
		'include-rejected': { type: 'boolean', default: false }
	});
	const slug = required(values.campaign, '--campaign');
	if (!(EXPORT_FORMATS as readonly string[]).includes(values.format))
		throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}`);
	return withDatabase(async (db) => {
		try {
			const params = new URLSearchParams();
			if (values.from) params.set('from', values.from);
			if (values.to) params.set('to', values.to);
			if (values['include-rejected']) params.set('include_rejected', '1');
			const filters = parseLeaderboardQuery(params);
			const campaign = await requireCampaign(db.kysely, slug);
			const out = values.out ? createWriteStream(values.out) : io.stdout;
			for await (const chunk of exportVotes(db.kysely, campaign, values.format as ExportFormat, filters)) {
				if (!out.write(chunk)) await once(out, 'drain');
			}
			if (values.out) {
				out.end();
				await once(out, 'finish');
				io.stderr.write(`wrote ${values.out}\n`);
			}
			return 0;
		} catch (e) {
			return reportError(io, e);
		}
	});
};

export default exportCommand;
