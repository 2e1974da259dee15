// Every route × role against the access rules (src/lib/server/auth/access.ts), over real HTTP. The route list is read from
// src/routes: a route or action without a row here fails the test, so no new route can skip its guard.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMigratedDatabase } from '../../src/lib/server/db/index.ts';
import { createUser } from '../../src/lib/server/auth/users.ts';
import { addMember, createCampaign } from '../../src/lib/server/campaigns/campaigns.ts';
import { importImages } from '../../src/lib/server/images/import.ts';
import { requireCampaign } from '../../src/lib/server/campaigns/campaigns.ts';
import { nextAssignment } from '../../src/lib/server/voting/leases.ts';
import { castVote } from '../../src/lib/server/voting/cast-vote.ts';
import { solidPng } from '../helpers/images.ts';
import { discoverRoutes } from '../helpers/routes.ts';
import { Browserless, startServer, type RunningServer } from '../helpers/server.ts';

const WHO = ['anon', 'admin', 'lead', 'researcher', 'evaluator', 'outsider'] as const;
type Who = (typeof WHO)[number];
type Expect = Record<Who, number>;

interface Check {
	method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
	path: string;
	form?: Record<string, string>;
	json?: unknown;
	expect: Expect;
	/** Runs after every other check (it ends the session). */
	last?: boolean;
}

const all = (status: number): Expect => ({
	anon: status,
	admin: status,
	lead: status,
	researcher: status,
	evaluator: status,
	outsider: status
});
const page = (signedIn: Partial<Expect>, rest = 200): Expect => ({ ...all(rest), anon: 303, ...signedIn });

const SLUG = 'authz';
/** Who may do what, route by route (keys: route id + operation, as discoverRoutes names them). */
const CHECKS: Record<string, Check[]> = {
	'/ GET': [{ method: 'GET', path: '/', expect: page({}) }],
	'/(auth)/login GET': [{ method: 'GET', path: '/login', expect: { ...all(303), anon: 200 } }],
	// health probes for load balancers: public, no session needed, the same answer for everyone
	'/healthz GET': [{ method: 'GET', path: '/healthz', expect: all(200) }],
	'/readyz GET': [{ method: 'GET', path: '/readyz', expect: all(200) }],
	'/(auth)/login POST ?/default': [
		// a signed-in user is sent home by the page's load after the action
		{ method: 'POST', path: '/login', form: { email: 'nobody@authz.test', password: 'wrong password' }, expect: { ...all(303), anon: 400 } }
	],
	'/admin GET': [{ method: 'GET', path: '/admin', expect: page({ admin: 200 }, 403) }],
	'/c/[slug] GET': [{ method: 'GET', path: `/c/${SLUG}`, expect: page({ outsider: 404 }) }],
	'/c/[slug]/vote GET': [{ method: 'GET', path: `/c/${SLUG}/vote`, expect: page({ evaluator: 200, outsider: 404 }, 403) }],
	'/c/[slug]/vote POST ?/vote': [
		{ method: 'POST', path: `/c/${SLUG}/vote?/vote`, form: { vote_id: 'x' }, expect: page({ evaluator: 400, outsider: 404 }, 403) }
	],
	'/c/[slug]/vote POST ?/skip': [
		{
			method: 'POST',
			path: `/c/${SLUG}/vote?/skip`,
			form: { assignment_id: 'nope', reason: 'x' },
			expect: page({ evaluator: 404, outsider: 404 }, 403)
		}
	],
	'/c/[slug]/vote POST ?/undo': [
		{ method: 'POST', path: `/c/${SLUG}/vote?/undo`, form: { vote_id: 'nope' }, expect: page({ evaluator: 404, outsider: 404 }, 403) }
	],
	'/api/v1/campaigns/[slug]/next GET': [
		{ method: 'GET', path: `/api/v1/campaigns/${SLUG}/next`, expect: { ...all(403), anon: 401, evaluator: 200, outsider: 404 } }
	],
	// a HEAD must not issue a lease (SvelteKit would answer it with the GET handler)
	'/api/v1/campaigns/[slug]/next HEAD': [{ method: 'HEAD', path: `/api/v1/campaigns/${SLUG}/next`, expect: all(405) }],
	'/api/v1/campaigns/[slug]/votes POST': [
		{ method: 'POST', path: `/api/v1/campaigns/${SLUG}/votes`, json: {}, expect: { ...all(403), anon: 401, evaluator: 400, outsider: 404 } }
	],
	'/api/v1/campaigns/[slug]/votes/[id]/undo POST': [
		{
			method: 'POST',
			path: `/api/v1/campaigns/${SLUG}/votes/nope/undo`,
			json: {},
			expect: { ...all(403), anon: 401, evaluator: 404, outsider: 404 }
		}
	],
	'/api/v1/campaigns/[slug]/assignments/[id]/skip POST': [
		{
			method: 'POST',
			path: `/api/v1/campaigns/${SLUG}/assignments/nope/skip`,
			json: { reason: 'x' },
			expect: { ...all(403), anon: 401, evaluator: 404, outsider: 404 }
		}
	],
	'/api/v1/campaigns/[slug]/votes GET': [
		{ method: 'GET', path: `/api/v1/campaigns/${SLUG}/votes?format=csv`, expect: { ...all(200), anon: 401, evaluator: 403, outsider: 404 } }
	],
	'/settings GET': [{ method: 'GET', path: '/settings', expect: page({}) }],
	'/settings POST ?/create': [{ method: 'POST', path: '/settings?/create', form: { name: 'authz' }, expect: page({}) }],
	// only one's own tokens: a token id that is not yours is not found
	'/settings POST ?/revoke': [{ method: 'POST', path: '/settings?/revoke', form: { id: 'someone-elses' }, expect: page({}, 404) }],
	// no votes yet: researchers and up get the honest 422 "no votes", evaluators of a blind campaign nothing
	'/api/v1/campaigns/[slug]/leaderboard GET': [
		{ method: 'GET', path: `/api/v1/campaigns/${SLUG}/leaderboard`, expect: { ...all(422), anon: 401, evaluator: 403, outsider: 404 } }
	],
	// "enough votes?" reads the same leaderboard: the same rows (422 while there are no votes)
	'/api/v1/campaigns/[slug]/enough GET': [
		{ method: 'GET', path: `/api/v1/campaigns/${SLUG}/enough`, expect: { ...all(422), anon: 401, evaluator: 403, outsider: 404 } }
	],
	// by image id: members of the image's campaign but evaluators (they could link pairs), and admins
	'/i/[id] GET': [{ method: 'GET', path: '/i/{image}', expect: page({ evaluator: 404, outsider: 404 }) }],
	// one side of an assignment: the evaluator holding it, the campaign's leads, admins
	'/i/a/[assignment]/[side] GET': [
		{ method: 'GET', path: '/i/a/{assignment}/left', expect: page({ researcher: 404, outsider: 404 }) },
		{
			method: 'GET',
			path: '/i/a/{assignment}/middle',
			expect: page({ admin: 404, lead: 404, researcher: 404, evaluator: 404, outsider: 404 })
		}
	],
	// results are for researchers and up; evaluators only once the campaign is not blind (it is here)
	'/c/[slug]/results GET': [{ method: 'GET', path: `/c/${SLUG}/results`, expect: page({ evaluator: 403, outsider: 404 }) }],
	'/c/[slug]/results/marks GET': [{ method: 'GET', path: `/c/${SLUG}/results/marks`, expect: page({ evaluator: 403, outsider: 404 }) }],
	// mark rates: the leaderboard's rule (no votes is an empty answer here, not a 422)
	'/api/v1/campaigns/[slug]/marks GET': [
		{ method: 'GET', path: `/api/v1/campaigns/${SLUG}/marks`, expect: { ...all(200), anon: 401, evaluator: 403, outsider: 404 } }
	],
	// the boards beside the overall one follow the same rule; personal boards (every evaluator's) are a lead's
	'/c/[slug]/results/controlled GET': [
		{ method: 'GET', path: `/c/${SLUG}/results/controlled?control=left&bootstrap=0`, expect: page({ evaluator: 403, outsider: 404 }) }
	],
	'/c/[slug]/results/categories GET': [
		{ method: 'GET', path: `/c/${SLUG}/results/categories?bootstrap=0`, expect: page({ evaluator: 403, outsider: 404 }) }
	],
	'/c/[slug]/results/head-to-head GET': [
		{ method: 'GET', path: `/c/${SLUG}/results/head-to-head`, expect: page({ evaluator: 403, outsider: 404 }) }
	],
	'/c/[slug]/results/personal GET': [
		{ method: 'GET', path: `/c/${SLUG}/results/personal`, expect: page({ researcher: 403, evaluator: 403, outsider: 404 }) }
	],
	'/c/[slug]/manage GET': [{ method: 'GET', path: `/c/${SLUG}/manage`, expect: page({ admin: 200, lead: 200, outsider: 404 }, 403) }],
	'/c/[slug]/manage POST ?/settings': [
		{
			method: 'POST',
			path: `/c/${SLUG}/manage?/settings`,
			form: { status: 'nonsense' },
			expect: page({ admin: 400, lead: 400, outsider: 404 }, 403)
		}
	],
	'/c/[slug]/manage POST ?/target': [
		{
			method: 'POST',
			path: `/c/${SLUG}/manage?/target`,
			form: { target_kind: 'nonsense' },
			expect: page({ admin: 400, lead: 400, outsider: 404 }, 403)
		}
	],
	'/c/[slug]/manage POST ?/guidelines': [
		{ method: 'POST', path: `/c/${SLUG}/manage?/guidelines`, form: {}, expect: page({ admin: 400, lead: 400, outsider: 404 }, 403) }
	],
	// the live preview writes nothing, but shows nothing to anyone who may not edit the guidelines either
	'/c/[slug]/manage POST ?/previewGuidelines': [
		{
			method: 'POST',
			path: `/c/${SLUG}/manage?/previewGuidelines`,
			form: { guidelines: '# Preview' },
			expect: page({ admin: 200, lead: 200, outsider: 404 }, 403)
		}
	],
	'/c/[slug]/manage POST ?/editCriterion': [
		{
			method: 'POST',
			path: `/c/${SLUG}/manage?/editCriterion`,
			form: { key: 'nope', label: 'x' },
			expect: page({ admin: 404, lead: 404, outsider: 404 }, 403)
		}
	],
	'/c/[slug]/manage POST ?/criterion': [
		{
			method: 'POST',
			path: `/c/${SLUG}/manage?/criterion`,
			form: { key: 'Bad Key', label: 'x' },
			expect: page({ admin: 400, lead: 400, outsider: 404 }, 403)
		}
	],
	// a bad tag key: refused (400) for those who may manage, so nothing is changed by this check
	'/c/[slug]/manage POST ?/reasonTags': [
		{
			method: 'POST',
			path: `/c/${SLUG}/manage?/reasonTags`,
			form: { reason_tags: 'Bad Key!: x' },
			expect: page({ admin: 400, lead: 400, outsider: 404 }, 403)
		}
	],
	'/c/[slug]/images GET': [{ method: 'GET', path: `/c/${SLUG}/images`, expect: page({ admin: 200, lead: 200, outsider: 404 }, 403) }],
	'/c/[slug]/images POST ?/confirm': [
		{
			method: 'POST',
			path: `/c/${SLUG}/images?/confirm`,
			form: { upload: 'nope' },
			expect: page({ admin: 404, lead: 404, outsider: 404 }, 403)
		}
	],
	'/c/[slug]/images POST ?/cancel': [
		{
			method: 'POST',
			path: `/c/${SLUG}/images?/cancel`,
			form: { upload: 'nope' },
			expect: page({ admin: 404, lead: 404, outsider: 404 }, 403)
		}
	],
	'/c/[slug]/images POST ?/retire': [
		{
			method: 'POST',
			path: `/c/${SLUG}/images?/retire`,
			form: { system_id: 'nope' },
			expect: page({ admin: 404, lead: 404, outsider: 404 }, 403)
		}
	],
	'/c/[slug]/images POST ?/restore': [
		{
			method: 'POST',
			path: `/c/${SLUG}/images?/restore`,
			form: { system_id: 'nope' },
			expect: page({ admin: 404, lead: 404, outsider: 404 }, 403)
		}
	],
	// leads and admins get the upload lane; a plain form post that is not multipart is sent back to
	// the images page with its reason (303), everyone else is refused before the body is read
	'/c/[slug]/images/upload POST': [
		{ method: 'POST', path: `/c/${SLUG}/images/upload`, form: { files: 'x' }, expect: page({ admin: 303, lead: 303, outsider: 404 }, 403) }
	],
	'/c/[slug]/audit GET': [{ method: 'GET', path: `/c/${SLUG}/audit`, expect: page({ admin: 200, lead: 200, outsider: 404 }, 403) }],
	'/c/[slug]/audit POST ?/review': [
		{
			method: 'POST',
			path: `/c/${SLUG}/audit?/review`,
			form: { decision: 'maybe', vote_id: 'x' },
			expect: page({ admin: 400, lead: 400, outsider: 404 }, 403)
		}
	],
	'/c/[slug]/audit POST ?/gold': [
		{
			method: 'POST',
			path: `/c/${SLUG}/audit?/gold`,
			form: { expected: 'sideways' },
			expect: page({ admin: 400, lead: 400, outsider: 404 }, 403)
		}
	],
	// gold pairs score evaluators: managed by leads and admins, like marking them in the audit queue
	'/c/[slug]/gold GET': [{ method: 'GET', path: `/c/${SLUG}/gold`, expect: page({ admin: 200, lead: 200, outsider: 404 }, 403) }],
	'/c/[slug]/gold POST ?/edit': [
		{
			method: 'POST',
			path: `/c/${SLUG}/gold?/edit`,
			form: { id: 'nope', expected: 'tie' },
			expect: page({ admin: 404, lead: 404, outsider: 404 }, 403)
		}
	],
	'/c/[slug]/gold POST ?/remove': [
		{ method: 'POST', path: `/c/${SLUG}/gold?/remove`, form: { id: 'nope' }, expect: page({ admin: 404, lead: 404, outsider: 404 }, 403) }
	],
	'/c/[slug]/evaluators GET': [
		{ method: 'GET', path: `/c/${SLUG}/evaluators`, expect: page({ admin: 200, lead: 200, outsider: 404 }, 403) }
	],
	// an evaluator's own page (their numbers, rejected votes, notes): evaluators only, their own
	'/c/[slug]/me GET': [{ method: 'GET', path: `/c/${SLUG}/me`, expect: page({ evaluator: 200, outsider: 404 }, 403) }],
	// the notes sent to one evaluator: the campaign's leads and admins; not an evaluator's id → 404
	'/c/[slug]/evaluators/[user]/notes GET': [
		{ method: 'GET', path: `/c/${SLUG}/evaluators/{evaluator}/notes`, expect: page({ admin: 200, lead: 200, outsider: 404 }, 403) },
		{ method: 'GET', path: `/c/${SLUG}/evaluators/nope/notes`, expect: page({ admin: 404, lead: 404, outsider: 404 }, 403) }
	],
	'/c/[slug]/evaluators/[user]/notes POST ?/send': [
		{
			method: 'POST',
			path: `/c/${SLUG}/evaluators/{evaluator}/notes?/send`,
			form: { note: '' },
			expect: page({ admin: 400, lead: 400, outsider: 404 }, 403)
		}
	],
	'/api/v1/campaigns/[slug]/evaluators GET': [
		{
			method: 'GET',
			path: `/api/v1/campaigns/${SLUG}/evaluators?wait=30`,
			expect: { ...all(403), anon: 401, admin: 200, lead: 200, outsider: 404 }
		}
	],
	// votes are addressed without a campaign: a vote that is not yours to review is not found
	'/api/v1/votes/[id]/review POST': [
		{
			method: 'POST',
			path: '/api/v1/votes/{vote}/review',
			json: { decision: 'maybe' },
			expect: { ...all(403), anon: 401, admin: 400, lead: 400, outsider: 404 }
		}
	],
	// accounts: admins only; an unknown user id is not found, a bad email refused at its field
	'/admin POST ?/invite': [{ method: 'POST', path: '/admin?/invite', form: { email: 'not-an-email' }, expect: page({ admin: 400 }, 403) }],
	'/admin POST ?/disable': [{ method: 'POST', path: '/admin?/disable', form: { user_id: 'nope' }, expect: page({ admin: 404 }, 403) }],
	'/admin POST ?/enable': [{ method: 'POST', path: '/admin?/enable', form: { user_id: 'nope' }, expect: page({ admin: 404 }, 403) }],
	'/admin POST ?/reset': [{ method: 'POST', path: '/admin?/reset', form: { user_id: 'nope' }, expect: page({ admin: 404 }, 403) }],
	'/admin POST ?/creators': [{ method: 'POST', path: '/admin?/creators', form: { user_id: 'nope' }, expect: page({ admin: 404 }, 403) }],
	// the link is the credential: anyone may open one, a wrong one is not found for everybody
	'/invite/[token] GET': [{ method: 'GET', path: '/invite/nope.nope', expect: all(404) }],
	'/invite/[token] POST ?/default': [
		{ method: 'POST', path: '/invite/nope.nope', form: { password: 'long enough password' }, expect: all(404) }
	],
	// one's own password and sessions only
	'/settings POST ?/password': [{ method: 'POST', path: '/settings?/password', form: { current_password: '' }, expect: page({}, 400) }],
	'/settings POST ?/endSession': [
		{ method: 'POST', path: '/settings?/endSession', form: { session_id: 'someone-elses' }, expect: page({}, 404) }
	],
	// each identity holds one session here: nothing else to end, and the current one stays
	'/settings POST ?/endOtherSessions': [{ method: 'POST', path: '/settings?/endOtherSessions', form: {}, expect: page({}) }],
	// admins, and members an admin allowed (none here)
	'/campaigns/new GET': [{ method: 'GET', path: '/campaigns/new', expect: page({ admin: 200 }, 403) }],
	'/campaigns/new POST ?/default': [
		{ method: 'POST', path: '/campaigns/new', form: { slug: 'Not A Slug', name: 'x' }, expect: page({ admin: 400 }, 403) }
	],
	'/c/[slug]/members GET': [{ method: 'GET', path: `/c/${SLUG}/members`, expect: page({ admin: 200, lead: 200, outsider: 404 }, 403) }],
	'/c/[slug]/members POST ?/add': [
		{
			method: 'POST',
			path: `/c/${SLUG}/members?/add`,
			form: { email: 'not-an-email', role: 'evaluator' },
			expect: page({ admin: 400, lead: 400, outsider: 404 }, 403)
		}
	],
	'/c/[slug]/members POST ?/change': [
		{
			method: 'POST',
			path: `/c/${SLUG}/members?/change`,
			form: { user_id: 'nope', role: 'lead' },
			expect: page({ admin: 404, lead: 404, outsider: 404 }, 403)
		}
	],
	'/c/[slug]/members POST ?/remove': [
		{
			method: 'POST',
			path: `/c/${SLUG}/members?/remove`,
			form: { user_id: 'nope' },
			expect: page({ admin: 404, lead: 404, outsider: 404 }, 403)
		}
	],
	'/c/[slug]/members POST ?/relink': [
		{
			method: 'POST',
			path: `/c/${SLUG}/members?/relink`,
			form: { user_id: 'nope' },
			expect: page({ admin: 404, lead: 404, outsider: 404 }, 403)
		}
	],
	// researchers and up; never evaluators
	'/c/[slug]/progress GET': [{ method: 'GET', path: `/c/${SLUG}/progress`, expect: page({ evaluator: 403, outsider: 404 }) }],
	'/c/[slug]/progress POST ?/status': [
		{
			method: 'POST',
			path: `/c/${SLUG}/progress?/status`,
			form: { status: 'nonsense' },
			expect: page({ admin: 400, lead: 400, outsider: 404 }, 403)
		}
	],
	'/c/[slug]/progress POST ?/target': [
		{
			method: 'POST',
			path: `/c/${SLUG}/progress?/target`,
			form: { target_battles: '0' },
			expect: page({ admin: 400, lead: 400, outsider: 404 }, 403)
		}
	],
	'/logout GET': [{ method: 'GET', path: '/logout', expect: all(303) }],
	'/logout POST ?/default': [{ method: 'POST', path: '/logout', form: {}, expect: all(303), last: true }]
};

let root: string;
let imageId: string;
let voteId: string;
let assignmentId: string;
let evaluatorId: string;
let server: RunningServer;
const clients = {} as Record<Who, Browserless>;

beforeAll(async () => {
	root = mkdtempSync(join(tmpdir(), 'pickwise-authz-'));
	const db = await openMigratedDatabase(`sqlite:${join(root, 'pickwise.db')}`);
	const password = 'authz-password';
	await createUser(db.kysely, { email: 'admin@authz.test', password, isAdmin: true });
	await createCampaign(db.kysely, { slug: SLUG, name: 'Authorization' });
	for (const role of ['lead', 'researcher', 'evaluator'] as const) {
		await createUser(db.kysely, { email: `${role}@authz.test`, password });
		await addMember(db.kysely, { slug: SLUG, email: `${role}@authz.test`, role });
	}
	await createUser(db.kysely, { email: 'outsider@authz.test', password });
	const set = join(root, 'set');
	mkdirSync(set);
	writeFileSync(join(set, 'a.png'), await solidPng(16, 16, { r: 1, g: 1, b: 1 }));
	writeFileSync(join(set, 'b.png'), await solidPng(16, 16, { r: 2, g: 2, b: 2 }));
	writeFileSync(join(set, 'c.png'), await solidPng(16, 16, { r: 3, g: 3, b: 3 }));
	writeFileSync(join(set, 'manifest.csv'), 'image_path,prompt,system\na.png,a cat,one\nb.png,a cat,two\nc.png,a cat,three\n');
	await importImages(db.kysely, { campaign: SLUG, manifestPath: join(set, 'manifest.csv'), dataDir: root });
	imageId = (await db.kysely.selectFrom('image').select('id').executeTakeFirstOrThrow()).id;
	// one vote to review, through the real services
	const campaign = await requireCampaign(db.kysely, SLUG);
	const evaluator = await db.kysely.selectFrom('user').select('id').where('email', '=', 'evaluator@authz.test').executeTakeFirstOrThrow();
	const pair = (await nextAssignment(db.kysely, campaign, evaluator.id, null))!;
	voteId = crypto.randomUUID();
	assignmentId = pair.assignment.id;
	evaluatorId = evaluator.id;
	await castVote(db.kysely, campaign, evaluator.id, {
		voteId,
		assignmentId: pair.assignment.id,
		choice: 'left',
		rationale: 'A reason that is long enough.'
	});
	await db.close();
	server = await startServer(root);
	for (const who of WHO) {
		clients[who] = new Browserless(server.url);
		if (who !== 'anon') expect((await clients[who].login(`${who}@authz.test`, password)).status).toBe(303);
	}
});

afterAll(async () => {
	await server?.stop();
	rmSync(root, { recursive: true, force: true });
});

async function run(check: Check, who: Who): Promise<number> {
	const headers: Record<string, string> = { accept: check.path.startsWith('/api/') ? 'application/json' : 'text/html' };
	let body: string | undefined;
	if (check.form) {
		headers['content-type'] = 'application/x-www-form-urlencoded';
		body = new URLSearchParams(check.form).toString();
	} else if (check.json !== undefined) {
		headers['content-type'] = 'application/json';
		body = JSON.stringify(check.json);
	}
	const response = await clients[who].fetch(
		check.path
			.replace('{image}', imageId)
			.replace('{vote}', voteId)
			.replace('{assignment}', assignmentId)
			.replace('{evaluator}', evaluatorId),
		{ method: check.method, headers, body }
	);
	await response.arrayBuffer();
	return response.status;
}

describe('authorization', () => {
	it('has a row for every route, action and API method the app serves', () => {
		const missing = discoverRoutes()
			.map((r) => `${r.route} ${r.operation}`)
			.filter((key) => !CHECKS[key]);
		expect(missing, 'routes without an authorization row in tests/integration/authorization.test.ts').toEqual([]);
	});

	const ordered = Object.entries(CHECKS).flatMap(([key, checks]) => checks.map((check) => ({ key, check })));
	ordered.sort((a, b) => Number(!!a.check.last) - Number(!!b.check.last));
	for (const { key, check } of ordered) {
		it(`${key}: ${check.method} ${check.path}`, async () => {
			const got: Partial<Expect> = {};
			for (const who of WHO) got[who] = await run(check, who);
			expect(got).toEqual(check.expect);
		});
	}
});
