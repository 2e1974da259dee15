// bench/pg-round-trips: how many statements (each one round trip to PostgreSQL) an evaluator's `next`
// and vote cost, counted by wrapping the pg driver's Client.query. Runs the fast lane's sequence
// (session, campaign access, next or vote) in this process against a throwaway PostgreSQL.
// Run: node bench/pg-round-trips.ts [--loops 20] [--evaluators 1] [--show]
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openMigratedDatabase } from '../src/lib/server/db/index.ts';
import { validateSessionToken } from '../src/lib/server/auth/session.ts';
import { requireCampaignAccess } from '../src/lib/server/auth/access.ts';
import { nextAssignment } from '../src/lib/server/voting/leases.ts';
import { castVoteFromJson } from '../src/lib/server/voting/cast-vote.ts';
import { startPostgres } from '../tests/helpers/postgres.ts';
import { seedBenchCampaign, seedEvaluators } from './seed.ts';

const { values } = parseArgs({
	options: {
		loops: { type: 'string', default: '20' },
		evaluators: { type: 'string', default: '1' },
		show: { type: 'boolean', default: false }
	}
});
const loops = Number(values.loops);
const evaluators = Number(values.evaluators);

// every statement the driver sends, counted (and its SQL kept) while `tally` is set
let tally: Map<string, number> | null = null;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
	if (tally) {
		const text = typeof args[0] === 'string' ? args[0] : ((args[0] as { text?: string })?.text ?? '?');
		const key = text.replace(/\s+/g, ' ').slice(0, 110);
		tally.set(key, (tally.get(key) ?? 0) + 1);
	}
	return (query as (...a: unknown[]) => unknown).apply(this, args);
} as typeof query;

const server = await startPostgres();
const db = await openMigratedDatabase(server.url);
const k = db.kysely;
const campaignId = await seedBenchCampaign(k, { slug: 'bench', systems: 10, prompts: 100 });
const tokens = await seedEvaluators(k, campaignId, evaluators);

async function request(token: string, route: 'next' | 'vote', assignmentId?: string) {
	const found = (await validateSessionToken(k, token))!;
	const { campaign, quota } = await requireCampaignAccess(k, found.user, 'bench', 'vote');
	if (route === 'next') return nextAssignment(k, campaign, found.user.id, quota);
	return castVoteFromJson(k, campaign, found.user.id, {
		vote_id: crypto.randomUUID(),
		assignment_id: assignmentId,
		choice: 'left',
		rationale: 'The left image is sharper.'
	});
}

// one warm-up loop (scheduler built, images described), then counted ones
for (const token of tokens) {
	const pair = await request(token, 'next');
	await request(token, 'vote', (pair as { assignment: { id: string } }).assignment.id);
}
const nexts = new Map<string, number>();
const votes = new Map<string, number>();
for (let i = 0; i < loops; i++) {
	const pairs = await Promise.all(
		tokens.map(async (token) => {
			tally = nexts;
			return request(token, 'next');
		})
	);
	await Promise.all(
		tokens.map(async (token, t) => {
			tally = votes;
			return request(token, 'vote', (pairs[t] as { assignment: { id: string } }).assignment.id);
		})
	);
}
tally = null;
const per = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0) / (loops * evaluators);
console.log(
	`statements per next: ${per(nexts).toFixed(2)}   per vote: ${per(votes).toFixed(2)}   (${evaluators} evaluator(s) × ${loops} loops)`
);
if (values.show)
	for (const [name, m] of [
		['next', nexts],
		['vote', votes]
	] as const) {
		console.log(`-- ${name}`);
		for (const [sql, n] of [...m].sort((a, b) => b[1] - a[1])) console.log(`${(n / (loops * evaluators)).toFixed(2).padStart(6)}  ${sql}`);
	}
await db.close();
await server.stop();
