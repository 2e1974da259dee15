// pickwise gold add --campaign S (--vote V | --left IMAGE --right IMAGE) [--expected CHOICE] [--explanation T]
import type { Command } from './command.ts';
import { parseOptions, reportError, required, UsageError, withDatabase } from './command.ts';
import { requireCampaign } from '../server/campaigns/campaigns.ts';
import { addGoldPair } from '../server/voting/gold-and-repeats.ts';

const USAGE =
	'usage: pickwise gold add --campaign S (--vote VOTE_ID | --left IMAGE_ID --right IMAGE_ID) [--expected left|right|tie|both_bad] [--explanation TEXT]';

const gold: Command = async (args, io) => {
	const [sub, ...rest] = args;
	if (sub !== 'add') throw new UsageError(USAGE);
	const { values } = parseOptions(rest, {
		campaign: { type: 'string' },
		vote: { type: 'string' },
		left: { type: 'string' },
		right: { type: 'string' },
		expected: { type: 'string' },
		explanation: { type: 'string' }
	});
	const slug = required(values.campaign, '--campaign');
	if (!values.vote && !(values.left && values.right)) throw new UsageError(USAGE);
	return withDatabase(async (db) => {
		try {
			const campaign = await requireCampaign(db.kysely, slug);
			let left = values.left;
			let right = values.right;
			let expected = values.expected;
			if (values.vote) {
				// the pair as that vote saw it; by default its choice is the expected answer
				const vote = await db.kysely
					.selectFrom('vote')
					.selectAll()
					.where('id', '=', values.vote)
					.where('campaign_id', '=', campaign.id)
					.executeTakeFirst();
				if (!vote) {
					io.stderr.write(`error: vote: no vote ${values.vote} in ${slug}\n`);
					return 1;
				}
				left = vote.left_image_id;
				right = vote.right_image_id;
				expected ??= vote.choice;
			}
			const created = await addGoldPair(
				db.kysely,
				campaign,
				{ leftImageId: left, rightImageId: right, expected, explanation: values.explanation },
				null
			);
			io.stdout.write(`gold pair ${created.id}: expected ${expected}\n`);
			return 0;
		} catch (e) {
			return reportError(io, e);
		}
	});
};

export default gold;
