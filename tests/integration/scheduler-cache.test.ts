// The scheduler cache (voting/leases.ts) listens to the one "votes of this campaign changed" signal:
// appended votes it learns itself; votes removed or restored make it rebuild from the database.
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { createCampaign } from '../../src/lib/server/campaigns/campaigns.ts';
import { schedulerFor } from '../../src/lib/server/voting/leases.ts';
import { votesChanged } from '../../src/lib/server/votes-changed.ts';

let db: TestDatabase | null = null;
afterEach(async () => {
	await db?.cleanup();
	db = null;
});

describe('scheduler cache', () => {
	it("keeps the campaign's scheduler on appended votes and rebuilds it when the vote history changes", async () => {
		db = await createTestDatabase();
		const k = db.kysely;
		await createCampaign(k, { slug: 'cache', name: 'Cache' });
		const campaign = await k.selectFrom('campaign').selectAll().where('slug', '=', 'cache').executeTakeFirstOrThrow();
		const first = await schedulerFor(k, campaign);
		expect(await schedulerFor(k, campaign)).toBe(first);
		votesChanged(campaign.id, 'added');
		expect(await schedulerFor(k, campaign)).toBe(first);
		votesChanged(campaign.id, 'history');
		const rebuilt = await schedulerFor(k, campaign);
		expect(rebuilt).not.toBe(first);
		// another campaign's change leaves it alone
		votesChanged('another-campaign', 'history');
		expect(await schedulerFor(k, campaign)).toBe(rebuilt);
	});
});
