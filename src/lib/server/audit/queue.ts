// The audit queue: a campaign's votes with everything a lead needs to judge them (both images,
// systems, choice, criteria, flags, rationale, evaluator, time), filtered, searched and sorted by risk.
import type { Kysely } from 'kysely';
import type { Campaign, Database } from '../db/schema.ts';
import type { Dialect } from '../db/index.ts';
import { rationaleMatches } from '../db/search.ts';
import { invalid } from '../errors.ts';
import { VotesCache } from '../votes-cache.ts';
import { riskOrder, type VoteRisk } from '../../quality/index.ts';
import type { CampaignQuality, RiskPageRequest } from './quality-worker.ts';
import { readOffThread, riskPage, warmQualityReports } from './evaluator-quality.ts';

export const PAGE_SIZE = 50;
export const AUDIT_STATUSES = ['all', 'unreviewed', 'counted', 'rejected'] as const;
const MAX_MATCHES = 20_000;

export interface AuditFilters {
	q: string;
	evaluator: string | null;
	system: string | null;
	choice: string | null;
	flag: string | null;
	/** votes with a region mark of this kind (a flag_kind key), a reason tag, a missed prompt element */
	mark: string | null;
	tag: string | null;
	missed: string | null;
	/** 'unreviewed': no lead has accepted or rejected it yet (a counted vote may be either). */
	status: 'counted' | 'rejected' | 'unreviewed' | 'all';
	/** One vote by id: where a risk reason's "repeats that vote" link leads. */
	vote: string | null;
	version: number | null;
	from: number | null;
	to: number | null;
	riskyOnly: boolean;
	sort: 'risk' | 'newest' | 'oldest';
	page: number;
}

export function parseAuditFilters(params: URLSearchParams): AuditFilters {
	const status = params.get('status') ?? 'all';
	if (!(AUDIT_STATUSES as readonly string[]).includes(status))
		throw invalid('status', 'status must be all, unreviewed, counted or rejected');
	const sort = params.get('sort') ?? 'risk';
	if (!['risk', 'newest', 'oldest'].includes(sort)) throw invalid('sort', 'sort must be risk, newest or oldest');
	const choice = params.get('choice') || null;
	if (choice && !['left', 'right', 'tie', 'both_bad'].includes(choice)) throw invalid('choice', 'unknown choice');
	const date = (name: string, end = false) => {
		const raw = params.get(name);
		if (!raw) return null;
		const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(raw) ? raw + 'T00:00:00Z' : raw);
		if (!Number.isFinite(t)) throw invalid(name, `${name} must be a date`);
		return end && /^\d{4}-\d{2}-\d{2}$/.test(raw) ? t + 86_400_000 : t;
	};
	const version = params.get('version') ? Number(params.get('version')) : null;
	if (version !== null && !Number.isInteger(version)) throw invalid('version', 'version must be a whole number');
	const page = Math.max(1, Math.min(10_000, Number(params.get('page') ?? 1) || 1));
	return {
		q: (params.get('q') ?? '').slice(0, 200),
		evaluator: params.get('evaluator') || null,
		system: params.get('system') || null,
		choice,
		flag: params.get('flag') || null,
		mark: params.get('mark')?.slice(0, 100) || null,
		tag: params.get('tag')?.slice(0, 100) || null,
		missed: params.get('missed')?.slice(0, 200) || null,
		status: status as AuditFilters['status'],
		version,
		from: date('from'),
		to: date('to', true),
		vote: params.get('vote')?.slice(0, 100) || null,
		riskyOnly: params.get('risky') === '1',
		sort: sort as AuditFilters['sort'],
		page
	};
}

/** Per campaign and filters: the matching votes' ids and times, newest (or oldest) first (PostgreSQL). */
const matchCache = new VotesCache<{ id: string; submitted_at: number }[]>(50);
/** Per campaign and filters: the token under which the quality worker keeps the matches (SQLite). */
const matchTokens = new VotesCache<string>(50);
let lastToken = 0;

/**
 * Drops a campaign's cached matches. A review that accepts a counted vote changes no vote (so no
 * votesChanged signal) but does take it out of "unreviewed": reviews.ts calls this after each review.
 */
export function forgetAuditMatches(campaignId: string): void {
	matchCache.forget(campaignId);
	matchTokens.forget(campaignId);
	progressCache.forget(campaignId);
}

const progressCache = new VotesCache<{ reviewed: number; total: number }>(1);

/**
 * How many of the campaign's votes a lead has reviewed (accepted or rejected at least once). Two counts
 * over every vote of the campaign: read off the event loop (the quality worker's connection on SQLite)
 * and kept until the votes change or a review is made (forgetAuditMatches).
 */
export function reviewProgress(db: Kysely<Database>, campaignId: string): Promise<{ reviewed: number; total: number }> {
	return progressCache.get(db, campaignId, 'progress', async () => {
		const [[total], [reviewed]] = await Promise.all([
			readOffThread(
				db,
				db
					.selectFrom('vote')
					.select((eb) => eb.fn.countAll<number>().as('n'))
					.where('campaign_id', '=', campaignId)
			),
			readOffThread(
				db,
				db
					.selectFrom('review')
					.innerJoin('vote', 'vote.id', 'review.vote_id')
					.select((eb) => eb.fn.count<number>('review.vote_id').distinct().as('n'))
					.where('vote.campaign_id', '=', campaignId)
			)
		]);
		return { reviewed: Number(reviewed.n), total: Number(total.n) };
	});
}

/**
 * At server start (hooks.server.ts): the large campaigns' quality reports, and with each its audit
 * queue's first page in the default order and the review counts, so that a lead opening either page
 * after the log line `quality report of … ready` waits for neither.
 */
export function warmAudit(db: Kysely<Database>): Promise<void> {
	return warmQualityReports(db, (campaign, quality) =>
		Promise.all([auditQueue(db, 'sqlite', campaign, parseAuditFilters(new URLSearchParams()), quality), reviewProgress(db, campaign.id)])
	);
}

const pairKey = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);
const FLIP: Record<string, string> = { left: 'right', right: 'left', tie: 'tie', both_bad: 'both_bad' };

const NO_RISK: Pick<VoteRisk, 'score' | 'reasons'> = { score: 0, reasons: [] };

export async function auditQueue(db: Kysely<Database>, dialect: Dialect, campaign: Campaign, f: AuditFilters, quality: CampaignQuality) {
	// 1. the matching votes' ids and times only (no joins unless a filter needs one): at 200,000 votes
	// reading every column of 20,000 joined rows to show 50 of them is most of the page's time
	let matches = db.selectFrom('vote').select(['vote.id', 'vote.submitted_at']).where('vote.campaign_id', '=', campaign.id);
	if (f.q.trim()) matches = matches.where(rationaleMatches(dialect, f.q));
	if (f.evaluator) matches = matches.where('vote.user_id', '=', f.evaluator);
	if (f.system) {
		const system = f.system;
		matches = matches.where((eb) =>
			eb.or([
				eb('vote.left_system_id', 'in', eb.selectFrom('system').select('system.id').where('system.name', '=', system)),
				eb('vote.right_system_id', 'in', eb.selectFrom('system').select('system.id').where('system.name', '=', system))
			])
		);
	}
	if (f.choice) matches = matches.where('vote.choice', '=', f.choice as 'left');
	if (f.flag) matches = matches.where('vote.flags', 'like', `%"${f.flag.replace(/[%_"\\]/g, '')}"%`);
	// marks, tags and missed elements: a semi-join on their (campaign_id, …) indexes
	if (f.mark) {
		const kind = f.mark;
		matches = matches.where('vote.id', 'in', (eb) =>
			eb
				.selectFrom('vote_mark')
				.select('vote_mark.vote_id')
				.where('vote_mark.campaign_id', '=', campaign.id)
				.where('vote_mark.kind', '=', kind)
		);
	}
	if (f.tag) {
		const tag = f.tag;
		matches = matches.where('vote.id', 'in', (eb) =>
			eb.selectFrom('vote_tag').select('vote_tag.vote_id').where('vote_tag.campaign_id', '=', campaign.id).where('vote_tag.tag', '=', tag)
		);
	}
	if (f.missed) {
		const element = f.missed;
		matches = matches.where('vote.id', 'in', (eb) =>
			eb
				.selectFrom('vote_missing')
				.select('vote_missing.vote_id')
				.where('vote_missing.campaign_id', '=', campaign.id)
				.where('vote_missing.element', '=', element)
		);
	}
	if (f.status === 'unreviewed')
		matches = matches.where(({ not, exists, selectFrom }) =>
			not(exists(selectFrom('review').select('review.id').whereRef('review.vote_id', '=', 'vote.id')))
		);
	else if (f.status !== 'all') matches = matches.where('vote.status', '=', f.status);
	if (f.vote) matches = matches.where('vote.id', '=', f.vote);
	if (f.version !== null) matches = matches.where('vote.guidelines_version', '=', f.version);
	if (f.from !== null) matches = matches.where('vote.submitted_at', '>=', f.from);
	if (f.to !== null) matches = matches.where('vote.submitted_at', '<', f.to);
	const query = matches.orderBy('vote.submitted_at', f.sort === 'oldest' ? 'asc' : 'desc').limit(MAX_MATCHES);
	// the same search again (the next page, a re-sort, the lead coming back) is served from memory until
	// the votes change (a review's reject/restore signals too); not with a system filter, which reads
	// system names, and those can change without any vote changing
	const { page: _page, sort: _sort, riskyOnly: _risky, ...key } = f;
	const cacheKey = JSON.stringify({ ...key, oldest: f.sort === 'oldest' });
	const risks = quality.risks;
	let total: number;
	let truncated: boolean;
	let ids: string[];
	// SQLite file: the search, the scores of up to 20,000 matches and their order are the quality
	// worker's (quality-worker.ts riskPageInWorker), so no request holds the event loop for them
	const page = await riskPage(db, campaign.id, risks, async (): Promise<RiskPageRequest> => {
		const compiled = query.compile();
		return {
			sql: compiled.sql,
			parameters: compiled.parameters,
			// the worker keeps the match set under a token that this VotesCache renews when the votes change
			token: f.system ? null : await matchTokens.get(db, campaign.id, cacheKey, async () => `${campaign.id}:${++lastToken}`),
			limit: MAX_MATCHES,
			byRisk: f.sort === 'risk',
			riskyOnly: f.riskyOnly,
			offset: (f.page - 1) * PAGE_SIZE,
			count: PAGE_SIZE
		};
	});
	if (page) {
		({ total, truncated } = page);
		ids = page.ids;
	} else {
		// PostgreSQL or an in-memory database: here, as the report itself
		const run = () => query.execute();
		const rows = f.system ? await run() : await matchCache.get(db, campaign.id, cacheKey, run);
		// the report's packed risks (quality-worker.ts RiskIndex): a score per match, a full VoteRisk only for the page
		const order = riskOrder(
			rows.map((r) => risks.scoreOf(r.id)),
			f.sort === 'risk',
			f.riskyOnly
		);
		total = order.length;
		truncated = rows.length === MAX_MATCHES;
		ids = order.slice((f.page - 1) * PAGE_SIZE, f.page * PAGE_SIZE).map((k) => rows[k].id);
	}
	const pageMatches = ids.map((id) => ({ id, risk: risks.get(id) ?? NO_RISK }));

	// 2. everything the page shows, for its 50 votes
	const details = pageMatches.length
		? await db
				.selectFrom('vote')
				.innerJoin('user', 'user.id', 'vote.user_id')
				.innerJoin('prompt', 'prompt.id', 'vote.prompt_id')
				.innerJoin('system as ls', 'ls.id', 'vote.left_system_id')
				.innerJoin('system as rs', 'rs.id', 'vote.right_system_id')
				.select([
					'vote.id',
					'vote.user_id',
					'vote.left_image_id',
					'vote.right_image_id',
					'vote.choice',
					'vote.rationale',
					'vote.flags',
					'vote.active_ms',
					'vote.submitted_at',
					'vote.status',
					'vote.kind',
					'vote.guidelines_version',
					'vote.simulated',
					'user.display_name',
					'prompt.text as prompt',
					'ls.name as left_system',
					'rs.name as right_system'
				])
				.where(
					'vote.id',
					'in',
					pageMatches.map((r) => r.id)
				)
				.execute()
		: [];
	const byId = new Map(details.map((d) => [d.id, d]));
	const pageRows = pageMatches.flatMap((m) => {
		const d = byId.get(m.id);
		return d ? [{ ...d, risk: m.risk }] : [];
	});
	const criteria = pageRows.length
		? await db
				.selectFrom('vote_criterion')
				.innerJoin('criterion', 'criterion.id', 'vote_criterion.criterion_id')
				.select(['vote_criterion.vote_id', 'criterion.label', 'vote_criterion.choice'])
				.where(
					'vote_criterion.vote_id',
					'in',
					pageRows.map((r) => r.id)
				)
				.execute()
		: [];
	const pageIds = pageRows.map((r) => r.id);
	// the latest review of each vote on the page, so that an accepted vote reads differently from an unreviewed one
	const reviews = pageIds.length
		? await db
				.selectFrom('review')
				.innerJoin('user', 'user.id', 'review.reviewer_id')
				.select(['review.vote_id', 'review.decision', 'review.comment', 'review.created_at', 'user.display_name'])
				.where('review.vote_id', 'in', pageIds)
				.orderBy('review.created_at', 'desc')
				.execute()
		: [];
	const lastReview = new Map<string, (typeof reviews)[number]>();
	for (const r of reviews) if (!lastReview.has(r.vote_id)) lastReview.set(r.vote_id, r);
	// gold pairs are few per campaign (a lead marks them by hand): all of them, matched in either orientation
	const gold = new Map(
		(
			await db
				.selectFrom('gold_pair')
				.select(['id', 'left_image_id', 'right_image_id', 'expected_choice'])
				.where('campaign_id', '=', campaign.id)
				.execute()
		).map((g) => [pairKey(g.left_image_id, g.right_image_id), g])
	);
	// the votes a risk reason cites, by their evaluator's name rather than by raw ids
	const cited = [...new Set(pageRows.flatMap((r) => r.risk.reasons.flatMap((x) => (x.voteId ? [x.voteId] : []))))];
	const citedBy = new Map(
		cited.length
			? (
					await db
						.selectFrom('vote')
						.innerJoin('user', 'user.id', 'vote.user_id')
						.select(['vote.id', 'user.display_name'])
						.where('vote.id', 'in', cited)
						.execute()
				).map((v) => [v.id, v.display_name])
			: []
	);
	const readable = (x: { code: string; message: string; voteId?: string }) =>
		x.voteId === undefined
			? { code: x.code, message: x.message }
			: {
					code: x.code,
					message:
						x.code === 'duplicate_own'
							? 'rationale repeats another vote of this evaluator'
							: `rationale repeats a vote by ${citedBy.get(x.voteId) ?? 'another evaluator'}`,
					voteId: x.voteId
				};
	return {
		total,
		truncated,
		votes: pageRows.map((r) => ({
			id: r.id,
			evaluatorId: r.user_id,
			evaluator: r.display_name,
			prompt: r.prompt,
			left: { imageUrl: `/i/${r.left_image_id}`, imageId: r.left_image_id, system: r.left_system },
			right: { imageUrl: `/i/${r.right_image_id}`, imageId: r.right_image_id, system: r.right_system },
			choice: r.choice,
			rationale: r.rationale,
			flags: JSON.parse(r.flags) as { left?: string[]; right?: string[] },
			criteria: criteria.filter((c) => c.vote_id === r.id).map((c) => ({ label: c.label, choice: c.choice })),
			seconds: r.active_ms === null ? null : r.active_ms / 1000,
			submittedAt: r.submitted_at,
			status: r.status,
			kind: r.kind,
			guidelinesVersion: r.guidelines_version,
			simulated: r.simulated === 1,
			risk: { score: r.risk.score, reasons: r.risk.reasons.map(readable) },
			review: ((x) => (x ? { decision: x.decision, comment: x.comment, by: x.display_name, at: x.created_at } : null))(
				lastReview.get(r.id)
			),
			gold: ((g) => (g ? { id: g.id, expected: g.left_image_id === r.left_image_id ? g.expected_choice : FLIP[g.expected_choice] } : null))(
				gold.get(pairKey(r.left_image_id, r.right_image_id))
			)
		}))
	};
}

/** One vote as the audit page shows it. */
export type AuditVote = Awaited<ReturnType<typeof auditQueue>>['votes'][number];
