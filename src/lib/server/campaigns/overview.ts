// What the campaign page shows each role: an evaluator only their own progress; researchers and
// leads the campaign's size; leads its members too.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { countAnswered } from '../voting/leases.ts';

export async function campaignOverview(
	db: Kysely<Database>,
	campaignId: string,
	userId: string,
	withTotals: boolean,
	withMembers: boolean
) {
	const mine = await countAnswered(db, campaignId, userId);
	const membership = await db
		.selectFrom('campaign_member')
		.select('quota')
		.where('campaign_id', '=', campaignId)
		.where('user_id', '=', userId)
		.executeTakeFirst();
	const count = async (table: 'system' | 'prompt' | 'image' | 'vote') =>
		Number(
			(
				await db
					.selectFrom(table)
					.select((eb) => eb.fn.countAll<number>().as('n'))
					.where('campaign_id', '=', campaignId)
					.executeTakeFirstOrThrow()
			).n
		);
	const totals = withTotals
		? { systems: await count('system'), prompts: await count('prompt'), images: await count('image'), votes: await count('vote') }
		: null;
	const members = withMembers
		? await db
				.selectFrom('campaign_member')
				.innerJoin('user', 'user.id', 'campaign_member.user_id')
				.select(['user.email', 'user.display_name', 'campaign_member.role', 'campaign_member.quota'])
				.where('campaign_member.campaign_id', '=', campaignId)
				.orderBy('campaign_member.role')
				.orderBy('user.email')
				.execute()
		: null;
	return { myVotes: mine, myQuota: membership?.quota ?? null, totals, members };
}
