// Campaigns: creation, members, settings, guidelines and criteria. Who may do what in them: auth/access.ts.
import type { Kysely } from 'kysely';
import type { Campaign, CampaignStatus, Database, Role } from '../db/schema.ts';
import { AppError, invalid, notFound } from '../errors.ts';
import { randomId } from '../ids.ts';
import { requireEmail, requireEnum, requireSlug, requireString } from '../validation.ts';
import { writeAudit } from '../audit-log.ts';
import type { SessionUser } from '../auth/session.ts';
import { DEFAULT_IMAGE_FORMAT, IMAGE_FORMATS, isImageFormat, type ImageFormat } from '../../image-formats.ts';
import { parseQuota, requireRole } from './members.ts';
import { campaignSummaries } from './progress.ts';
import { GUIDELINES_MAX_CHARS, renderGuidelines, renderStoredGuidelines } from './guidelines-markdown.ts';
import { DEFAULT_EPSILON, DEFAULT_STRATEGY, strategyNames } from '../../scheduling/index.ts';
import { normaliseText, type ReasonTag } from '../../marks.ts';

export const ROLES = ['lead', 'researcher', 'evaluator'] as const;

export const DEFAULT_FLAG_KINDS: [string, string][] = [
	['artifacts', 'Artifacts'],
	['distorted_anatomy', 'Distorted anatomy'],
	['text_rendering', 'Text rendering'],
	['off_prompt', 'Off-prompt'],
	['watermark', 'Watermark'],
	['low_resolution', 'Low resolution'],
	['unsafe', 'Unsafe']
];

export interface NewCampaignInput {
	slug: unknown;
	name: unknown;
	description?: unknown;
	guidelinesMd?: unknown;
	/** 'draft' from the browser; scripts (CLI) may start it 'active' (the default, as before drafts existed) */
	status?: unknown;
	/** voting rules as on the manage page; each missing one keeps its default */
	allowTie?: boolean;
	allowBothBad?: boolean;
	blind?: boolean;
	rationaleMinChars?: unknown;
	goldRate?: unknown;
	repeatRate?: unknown;
	goldFeedback?: boolean;
	/** The one format every image of the campaign is served in (default JPEG, high quality). */
	imageFormat?: unknown;
	/** how pairs are chosen (lib/scheduling registry; default DEFAULT_STRATEGY) and the adaptive floor ε */
	strategy?: unknown;
	adaptiveEpsilon?: unknown;
	targetBattles?: unknown;
	/** made a lead of the new campaign (the person who created it in the browser) */
	leadUserId?: string | null;
}

const present = (v: unknown) => v !== undefined && v !== null && v !== '';

/** Battles per system pair the progress estimate aims for. */
export const DEFAULT_TARGET_BATTLES = 30;

export function requireTargetBattles(value: unknown): number {
	const n = Number(value);
	if (!present(value) || !Number.isInteger(n) || n < 1 || n > 100_000) {
		throw new AppError(400, 'invalid', 'battles per pair must be a whole number from 1 to 100000', 'target_battles');
	}
	return n;
}

export async function createCampaign(db: Kysely<Database>, input: NewCampaignInput, actorId: string | null = null) {
	const slug = requireSlug(input.slug);
	const name = requireString(input.name, 'name', { max: 200 });
	const description = !present(input.description) ? '' : requireString(input.description, 'description', { min: 0, max: 2000 });
	const guidelinesMd = !present(input.guidelinesMd)
		? ''
		: requireString(input.guidelinesMd, 'guidelines', { min: 0, max: GUIDELINES_MAX_CHARS, trim: false }).replace(/\r\n/g, '\n');
	// rendered here, once, within the bounds the renderer checks (an AppError naming the field otherwise)
	const guidelinesHtml = renderGuidelines(guidelinesMd);
	const status = present(input.status) ? requireEnum(input.status, 'status', ['draft', 'active'] as const) : 'active';
	const min = present(input.rationaleMinChars) ? Number(input.rationaleMinChars) : 20;
	if (!Number.isInteger(min) || min < 0 || min > 2000) {
		throw new AppError(400, 'invalid', 'minimum rationale length must be a whole number from 0 to 2000', 'rationale_min_chars');
	}
	const rate = (value: unknown, field: string, fallback: number) => {
		if (!present(value)) return fallback;
		const r = Number(value);
		if (!Number.isFinite(r) || r < 0 || r > 0.5) throw new AppError(400, 'invalid', `${field} must be a share from 0 to 0.5`, field);
		return r;
	};
	const settings: CampaignSettings = {
		goldRate: rate(input.goldRate, 'gold_rate', 0.05),
		repeatRate: rate(input.repeatRate, 'repeat_rate', 0.03),
		goldFeedback: input.goldFeedback === true,
		imageFormat: present(input.imageFormat) ? requireEnum(input.imageFormat, 'image_format', IMAGE_FORMATS) : DEFAULT_IMAGE_FORMAT,
		adaptiveEpsilon: present(input.adaptiveEpsilon) ? requireEpsilon(input.adaptiveEpsilon) : DEFAULT_EPSILON,
		reasonTags: [],
		promptPhrases: [],
		tagsCountTowardRationale: false
	};
	const strategy = present(input.strategy) ? requireEnum(input.strategy, 'strategy', strategyNames()) : DEFAULT_STRATEGY;
	const targetBattles = present(input.targetBattles) ? requireTargetBattles(input.targetBattles) : DEFAULT_TARGET_BATTLES;
	const existing = await db.selectFrom('campaign').select('id').where('slug', '=', slug).executeTakeFirst();
	if (existing) throw new AppError(409, 'exists', `A campaign with slug ${slug} already exists.`, 'slug');
	const id = randomId();
	await db.transaction().execute(async (trx) => {
		await trx
			.insertInto('campaign')
			.values({
				id,
				slug,
				name,
				description,
				guidelines_md: guidelinesMd,
				guidelines_html: guidelinesHtml,
				status,
				allow_tie: input.allowTie === false ? 0 : 1,
				allow_both_bad: input.allowBothBad === false ? 0 : 1,
				blind: input.blind === false ? 0 : 1,
				rationale_min_chars: min,
				strategy,
				settings: JSON.stringify(settings),
				target_battles: targetBattles,
				created_at: Date.now()
			})
			.execute();
		await trx
			.insertInto('flag_kind')
			.values(DEFAULT_FLAG_KINDS.map(([key, label], position) => ({ campaign_id: id, key, label, position })))
			.execute();
		if (input.leadUserId)
			await trx.insertInto('campaign_member').values({ campaign_id: id, user_id: input.leadUserId, role: 'lead', quota: null }).execute();
		await writeAudit(trx, { actorId, action: 'campaign.create', subject: id, detail: { slug, name, status } });
	});
	return { id, slug, name, status };
}

/**
 * The status a campaign may move to from each status. Evaluators get pairs and vote only while it
 * is active; closed is final (read-only, still in results and exports).
 */
export const STATUS_TRANSITIONS: Record<CampaignStatus, CampaignStatus[]> = {
	draft: ['active', 'closed'],
	active: ['paused', 'closed'],
	paused: ['active', 'closed'],
	closed: []
};

/** A closed campaign changes no more: members, settings and targets are refused with a 409. */
export function requireOpen(campaign: Pick<Campaign, 'status' | 'slug'>): void {
	if (campaign.status === 'closed') throw new AppError(409, 'campaign_closed', `${campaign.slug} is closed: it can be read, not changed.`);
}

export async function setCampaignStatus(db: Kysely<Database>, campaign: Campaign, to: unknown, actorId: string | null) {
	const next = requireEnum(to, 'status', STATUSES);
	await checkStatusMove(db, campaign, next);
	await db.transaction().execute(async (trx) => {
		const moved = await trx
			.updateTable('campaign')
			.set({ status: next })
			.where('id', '=', campaign.id)
			.where('status', '=', campaign.status)
			.executeTakeFirst();
		if (Number(moved.numUpdatedRows) !== 1)
			throw new AppError(409, 'conflict', 'The status changed meanwhile: reload and try again.', 'status');
		await writeAudit(trx, { actorId, action: 'campaign.status', subject: campaign.id, detail: { from: campaign.status, to: next } });
	});
	return { from: campaign.status, to: next };
}

/** The one rule for status moves (the progress page's buttons and the manage page's settings both use it). */
async function checkStatusMove(db: Kysely<Database>, campaign: Campaign, next: CampaignStatus): Promise<void> {
	if (!STATUS_TRANSITIONS[campaign.status].includes(next)) {
		const allowed = STATUS_TRANSITIONS[campaign.status];
		throw new AppError(
			409,
			'invalid_transition',
			`A ${campaign.status} campaign cannot become ${next}${allowed.length ? ` (it can become ${allowed.join(' or ')})` : ': closed is final'}.`,
			'status'
		);
	}
	if (next === 'active') {
		const systems = await db
			.selectFrom('image')
			.select((eb) => eb.fn.count<number>('system_id').distinct().as('n'))
			.where('campaign_id', '=', campaign.id)
			.executeTakeFirstOrThrow();
		if (Number(systems.n) < 2)
			throw new AppError(
				409,
				'no_pairs',
				'Add images from at least two systems before activating: there are no pairs to judge yet.',
				'status'
			);
	}
}

/** The coverage target behind the progress estimate. */
export async function setTargetBattles(db: Kysely<Database>, campaign: Campaign, value: unknown, actorId: string | null) {
	requireOpen(campaign);
	const target = requireTargetBattles(value);
	await db.transaction().execute(async (trx) => {
		await trx.updateTable('campaign').set({ target_battles: target }).where('id', '=', campaign.id).execute();
		await writeAudit(trx, { actorId, action: 'campaign.target', subject: campaign.id, detail: { target } });
	});
	return target;
}

export async function findCampaignBySlug(db: Kysely<Database>, slug: string): Promise<Campaign | undefined> {
	return db.selectFrom('campaign').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export async function requireCampaign(db: Kysely<Database>, slug: string): Promise<Campaign> {
	const campaign = await findCampaignBySlug(db, slug);
	if (!campaign) throw notFound(`campaign ${slug}`);
	return campaign;
}

/** Adds an existing account or changes its role and quota (the CLI's `campaign add-member`). */
export async function addMember(
	db: Kysely<Database>,
	input: { slug: unknown; email: unknown; role: unknown; quota?: unknown },
	actorId: string | null = null
) {
	const slug = requireSlug(input.slug);
	const email = requireEmail(input.email);
	const role = requireRole(input.role);
	const quota = parseQuota(input.quota);
	const campaign = await requireCampaign(db, slug);
	requireOpen(campaign);
	const user = await db.selectFrom('user').select('id').where('email', '=', email).executeTakeFirst();
	if (!user) throw new AppError(404, 'not_found', `no user with email ${email}`, 'email');
	await db.transaction().execute(async (trx) => {
		await trx
			.insertInto('campaign_member')
			.values({ campaign_id: campaign.id, user_id: user.id, role, quota })
			.onConflict((oc) => oc.columns(['campaign_id', 'user_id']).doUpdateSet({ role, quota }))
			.execute();
		await writeAudit(trx, { actorId, action: 'member.set', subject: campaign.id, detail: { userId: user.id, role, quota } });
	});
	return { campaign: slug, email, role, quota };
}

/**
 * Campaigns a user sees on the home page, with their role (admins see every campaign) and the
 * numbers for that role: an evaluator their own votes and quota, everyone else the campaign's size
 * and coverage.
 */
export async function listCampaignsForUser(db: Kysely<Database>, user: SessionUser) {
	const rows = await db
		.selectFrom('campaign')
		.leftJoin('campaign_member', (join) =>
			join.onRef('campaign_member.campaign_id', '=', 'campaign.id').on('campaign_member.user_id', '=', user.id)
		)
		.select([
			'campaign.id',
			'campaign.slug',
			'campaign.name',
			'campaign.description',
			'campaign.status',
			'campaign.target_battles',
			'campaign.blind',
			'campaign_member.role',
			'campaign_member.quota'
		])
		.$if(!user.isAdmin, (q) => q.where('campaign_member.user_id', '=', user.id))
		.orderBy('campaign.name')
		.execute();
	const summaries = await campaignSummaries(db, rows, user.id);
	return rows.map(({ id, target_battles, blind, ...r }) => {
		const role = (r.role ?? (user.isAdmin ? 'admin' : null)) as Role | 'admin';
		const s = summaries.get(id)!;
		// an evaluator sees no campaign-wide numbers while the campaign is blind
		const seesTotals = role !== 'evaluator' || blind === 0;
		return {
			...r,
			role,
			myVotes: role === 'evaluator' ? s.myVotes : null,
			totals: seesTotals ? { images: s.images, systems: s.systems, votes: s.votes, coverage: s.coverage } : null,
			target: target_battles
		};
	});
}

const CRITERION_KEY = /^[a-z][a-z0-9_]{0,39}$/;

/** An extra judgment beside the overall choice (e.g. prompt adherence); votes may answer it per pair. */
export async function addCriterion(
	db: Kysely<Database>,
	input: { slug: unknown; key: unknown; label: unknown; description?: unknown },
	actorId: string | null = null
) {
	const campaign = await requireCampaign(db, requireSlug(input.slug));
	requireOpen(campaign);
	const key = requireString(input.key, 'key', { max: 40 });
	if (!CRITERION_KEY.test(key) || key === 'overall') {
		throw new AppError(400, 'invalid', 'key must be lower-case letters, digits and _ (not "overall")', 'key');
	}
	const label = requireString(input.label, 'label', { max: 100 });
	const description = input.description === undefined ? '' : requireString(input.description, 'description', { min: 0, max: 1000 });
	const taken = await db
		.selectFrom('criterion')
		.select('id')
		.where('campaign_id', '=', campaign.id)
		.where('key', '=', key)
		.executeTakeFirst();
	if (taken) throw new AppError(409, 'exists', `criterion ${key} already exists in ${campaign.slug}`, 'key');
	const position = (await db.selectFrom('criterion').select('id').where('campaign_id', '=', campaign.id).execute()).length;
	await db.transaction().execute(async (trx) => {
		await trx.insertInto('criterion').values({ id: randomId(), campaign_id: campaign.id, key, label, description, position }).execute();
		await writeAudit(trx, { actorId, action: 'criterion.add', subject: campaign.id, detail: { key, label } });
	});
	return { campaign: campaign.slug, key, label };
}

/** New guidelines text: the version goes up when the text changes, so votes record which they followed. */
export async function updateGuidelines(db: Kysely<Database>, campaign: Campaign, markdown: unknown, actorId: string | null) {
	requireOpen(campaign);
	const text = requireString(markdown, 'guidelines', { min: 0, max: GUIDELINES_MAX_CHARS, trim: false }).replace(/\r\n/g, '\n');
	if (text === campaign.guidelines_md && campaign.guidelines_html !== null) return { version: campaign.guidelines_version, changed: false };
	// rendered here, once, within the bounds the renderer checks (an AppError naming the field otherwise)
	const html = renderGuidelines(text);
	if (text === campaign.guidelines_md) {
		await storeGuidelinesHtml(db, campaign, html);
		return { version: campaign.guidelines_version, changed: false };
	}
	const version = campaign.guidelines_version + 1;
	await db.transaction().execute(async (trx) => {
		await trx
			.updateTable('campaign')
			.set({ guidelines_md: text, guidelines_version: version, guidelines_html: html })
			.where('id', '=', campaign.id)
			.execute();
		await writeAudit(trx, { actorId, action: 'guidelines.update', subject: campaign.id, detail: { version, chars: text.length } });
	});
	return { version, changed: true };
}

/**
 * The campaign's guidelines as stored HTML, for pages: never rendered on a view. Campaigns saved
 * before the HTML was stored get it rendered once here (bounded: out-of-bounds text is shown as
 * plain text) and stored, unless the guidelines changed in the meantime.
 */
export async function guidelinesHtml(db: Kysely<Database>, campaign: Campaign): Promise<string> {
	if (campaign.guidelines_html !== null) return campaign.guidelines_html;
	const html = renderStoredGuidelines(campaign.guidelines_md);
	await storeGuidelinesHtml(db, campaign, html);
	return html;
}

async function storeGuidelinesHtml(db: Kysely<Database>, campaign: Campaign, html: string) {
	await db
		.updateTable('campaign')
		.set({ guidelines_html: html })
		.where('id', '=', campaign.id)
		.where('guidelines_version', '=', campaign.guidelines_version)
		.where('guidelines_md', '=', campaign.guidelines_md)
		.execute();
	campaign.guidelines_html = html;
}

export const STATUSES = ['draft', 'active', 'paused', 'closed'] as const;

export interface CampaignSettingsInput {
	status: unknown;
	allowTie: unknown;
	allowBothBad: unknown;
	blind: unknown;
	rationaleMinChars: unknown;
	goldRate: unknown;
	repeatRate: unknown;
	goldFeedback: unknown;
	/** one of IMAGE_FORMATS; absent (null or undefined) keeps the current one */
	imageFormat?: unknown;
	/** a registered scheduling strategy and the adaptive floor ε; absent (null or undefined) keeps the current one */
	strategy?: unknown;
	adaptiveEpsilon?: unknown;
}

/** The adaptive scheduler's floor ε: every system pair is drawn with probability at least ε/#pairs. */
export function requireEpsilon(value: unknown): number {
	const e = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof e !== 'number' || !Number.isFinite(e) || e < 0.01 || e > 1)
		throw new AppError(400, 'invalid', 'the exploration share ε must be a number from 0.01 to 1', 'adaptive_epsilon');
	return e;
}

/** Voting rules and sampling rates; one audit entry with the before and after. */
export async function updateCampaignSettings(
	db: Kysely<Database>,
	campaign: Campaign,
	input: CampaignSettingsInput,
	actorId: string | null
) {
	requireOpen(campaign);
	const status = requireEnum(input.status, 'status', STATUSES);
	if (status !== campaign.status) await checkStatusMove(db, campaign, status);
	const min = Number(input.rationaleMinChars);
	if (!Number.isInteger(min) || min < 0 || min > 2000)
		throw new AppError(400, 'invalid', 'minimum rationale length must be a whole number from 0 to 2000', 'rationale_min_chars');
	const rate = (value: unknown, field: string) => {
		const r = Number(value);
		if (!Number.isFinite(r) || r < 0 || r > 0.5) throw new AppError(400, 'invalid', `${field} must be a share from 0 to 0.5`, field);
		return r;
	};
	const current = campaignSettings(campaign);
	const imageFormat =
		input.imageFormat === undefined || input.imageFormat === null
			? current.imageFormat
			: requireEnum(input.imageFormat, 'image_format', IMAGE_FORMATS);
	const settings = {
		// keys this form does not edit (e.g. the lead's enoughTarget) stay as they are
		...storedSettings(campaign),
		...current,
		goldRate: rate(input.goldRate, 'gold_rate'),
		repeatRate: rate(input.repeatRate, 'repeat_rate'),
		goldFeedback: input.goldFeedback === true,
		imageFormat,
		adaptiveEpsilon:
			input.adaptiveEpsilon === undefined || input.adaptiveEpsilon === null
				? current.adaptiveEpsilon
				: requireEpsilon(input.adaptiveEpsilon)
	};
	const strategy =
		input.strategy === undefined || input.strategy === null ? campaign.strategy : requireEnum(input.strategy, 'strategy', strategyNames());
	const values = {
		status,
		strategy,
		allow_tie: input.allowTie === true ? 1 : 0,
		allow_both_bad: input.allowBothBad === true ? 1 : 0,
		blind: input.blind === true ? 1 : 0,
		rationale_min_chars: min,
		settings: JSON.stringify(settings)
	};
	await db.transaction().execute(async (trx) => {
		await trx.updateTable('campaign').set(values).where('id', '=', campaign.id).execute();
		await writeAudit(trx, { actorId, action: 'campaign.settings', subject: campaign.id, detail: { values } });
	});
	return values;
}

export interface CampaignSettings {
	/** share of an evaluator's pairs that are gold pairs (default 5%) */
	goldRate: number;
	/** share of hidden repeats of the evaluator's earlier pairs, sides swapped (default 3%) */
	repeatRate: number;
	/** tell the evaluator the expected answer after a gold miss */
	goldFeedback: boolean;
	/** the one format every image of the campaign is served in (images/formats.ts) */
	imageFormat: ImageFormat;
	/** adaptive scheduling: every system pair keeps at least this share ε of the draws, spread evenly (default 0.2) */
	adaptiveEpsilon: number;
	/** short reasons an evaluator can pick with a vote (chips on the voting page); none by default */
	reasonTags: ReasonTag[];
	/** multi-word prompt elements shown as one chip when a prompt contains them (src/lib/marks.ts promptElements) */
	promptPhrases: string[];
	/** chosen tags count toward the minimum rationale length, each as its label's length (default: they do not) */
	tagsCountTowardRationale: boolean;
}

/** The settings JSON as stored, every key (an unreadable value reads as {}). */
export function storedSettings(campaign: Pick<Campaign, 'settings'>): Record<string, unknown> {
	try {
		const raw = JSON.parse(campaign.settings);
		return raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : {};
	} catch {
		return {};
	}
}

export function campaignSettings(campaign: Pick<Campaign, 'settings'>): CampaignSettings {
	let raw: Partial<CampaignSettings> = {};
	try {
		raw = JSON.parse(campaign.settings);
	} catch {
		/* defaults */
	}
	return {
		goldRate: typeof raw.goldRate === 'number' ? raw.goldRate : 0.05,
		repeatRate: typeof raw.repeatRate === 'number' ? raw.repeatRate : 0.03,
		goldFeedback: raw.goldFeedback === true,
		imageFormat: isImageFormat(raw.imageFormat) ? raw.imageFormat : DEFAULT_IMAGE_FORMAT,
		adaptiveEpsilon:
			typeof raw.adaptiveEpsilon === 'number' && raw.adaptiveEpsilon >= 0 && raw.adaptiveEpsilon <= 1
				? raw.adaptiveEpsilon
				: DEFAULT_EPSILON,
		reasonTags: Array.isArray(raw.reasonTags)
			? raw.reasonTags.filter((t): t is ReasonTag => typeof t?.key === 'string' && typeof t?.label === 'string')
			: [],
		promptPhrases: Array.isArray(raw.promptPhrases) ? raw.promptPhrases.filter((p): p is string => typeof p === 'string') : [],
		tagsCountTowardRationale: raw.tagsCountTowardRationale === true
	};
}

export const REASON_TAGS_MAX = 20;
export const REASON_TAG_LABEL_MAX = 40;
export const PROMPT_PHRASES_MAX = 50;
export const PROMPT_PHRASE_MAX = 80;
const TAG_KEY = /^[a-z0-9_-]{1,32}$/;

/**
 * The reason tags as the manage page sends them: one per line, `key: label`, or just a label (its
 * key is then the label lower-cased with the other characters made dashes). A list of {key, label}
 * is taken too.
 */
export function parseReasonTags(raw: unknown): ReasonTag[] {
	const field = 'reason_tags';
	const items: unknown[] = typeof raw === 'string' ? raw.split(/\r?\n/).filter((l) => l.trim() !== '') : Array.isArray(raw) ? raw : [];
	if (typeof raw !== 'string' && !Array.isArray(raw)) throw invalid(field, 'reason tags must be lines of "key: label"');
	if (items.length > REASON_TAGS_MAX) throw invalid(field, `at most ${REASON_TAGS_MAX} reason tags (${items.length} given)`);
	const tags: ReasonTag[] = [];
	for (const [i, item] of items.entries()) {
		let key: unknown;
		let label: unknown;
		if (typeof item === 'string') {
			const colon = item.indexOf(':');
			label = (colon >= 0 ? item.slice(colon + 1) : item).trim();
			key =
				colon >= 0
					? item.slice(0, colon).trim()
					: String(label)
							.toLowerCase()
							.replace(/[^a-z0-9_-]+/g, '-')
							.replace(/^-+|-+$/g, '');
		} else if (typeof item === 'object' && item !== null) ({ key, label } = item as Record<string, unknown>);
		const at = `reason tag ${i + 1}`;
		if (typeof key !== 'string' || !TAG_KEY.test(key))
			throw invalid(field, `${at}: the key must be 1–32 lower-case letters, digits, _ or - (got '${String(key)}')`);
		if (typeof label !== 'string' || label.trim().length === 0 || label.trim().length > REASON_TAG_LABEL_MAX)
			throw invalid(field, `${at}: the label must be 1–${REASON_TAG_LABEL_MAX} characters`);
		if (tags.some((t) => t.key === key)) throw invalid(field, `${at}: the key '${key}' is used twice`);
		tags.push({ key, label: label.trim() });
	}
	return tags;
}

/** The prompt phrases, one per line (or a list): each 1–80 characters with at least one letter or digit. */
export function parsePromptPhrases(raw: unknown): string[] {
	const field = 'prompt_phrases';
	const items: unknown[] = typeof raw === 'string' ? raw.split(/\r?\n/).filter((l) => l.trim() !== '') : Array.isArray(raw) ? raw : [];
	if (typeof raw !== 'string' && !Array.isArray(raw)) throw invalid(field, 'prompt phrases must be one per line');
	if (items.length > PROMPT_PHRASES_MAX) throw invalid(field, `at most ${PROMPT_PHRASES_MAX} prompt phrases (${items.length} given)`);
	const phrases: string[] = [];
	for (const [i, item] of items.entries()) {
		const phrase = typeof item === 'string' ? item.trim() : '';
		if (!phrase || phrase.length > PROMPT_PHRASE_MAX || !normaliseText(phrase))
			throw invalid(field, `prompt phrase ${i + 1}: 1–${PROMPT_PHRASE_MAX} characters with at least one letter or digit`);
		if (!phrases.includes(phrase)) phrases.push(phrase);
	}
	return phrases;
}

/** Reason tags, prompt phrases and whether tags count toward the rationale; one audit entry. */
export async function updateMarkSettings(
	db: Kysely<Database>,
	campaign: Campaign,
	input: { reasonTags: unknown; promptPhrases: unknown; tagsCountTowardRationale: unknown },
	actorId: string | null
) {
	requireOpen(campaign);
	const values = {
		reasonTags: parseReasonTags(input.reasonTags ?? ''),
		promptPhrases: parsePromptPhrases(input.promptPhrases ?? ''),
		tagsCountTowardRationale: input.tagsCountTowardRationale === true
	};
	const settings = JSON.stringify({ ...campaignSettings(campaign), ...values });
	await db.transaction().execute(async (trx) => {
		await trx.updateTable('campaign').set({ settings }).where('id', '=', campaign.id).execute();
		await writeAudit(trx, { actorId, action: 'campaign.reason_tags', subject: campaign.id, detail: values });
	});
	campaign.settings = settings;
	return values;
}

/** New label or description of a criterion; its key (and so the votes that answered it) stays. */
export async function updateCriterion(
	db: Kysely<Database>,
	campaign: Campaign,
	input: { key: unknown; label: unknown; description?: unknown },
	actorId: string | null
) {
	requireOpen(campaign);
	const key = requireString(input.key, 'key', { max: 40 });
	const label = requireString(input.label, 'label', { max: 100 });
	const description =
		input.description === undefined || input.description === null
			? ''
			: requireString(input.description, 'description', { min: 0, max: 1000 });
	const result = await db.transaction().execute(async (trx) => {
		const updated = await trx
			.updateTable('criterion')
			.set({ label, description })
			.where('campaign_id', '=', campaign.id)
			.where('key', '=', key)
			.executeTakeFirst();
		if (Number(updated.numUpdatedRows) === 0) throw new AppError(404, 'not_found', `no criterion ${key}`, 'key');
		await writeAudit(trx, { actorId, action: 'criterion.update', subject: campaign.id, detail: { key, label, description } });
		return { key, label };
	});
	return result;
}

/** The campaign's evaluators (id and display name), for filters. */
export function listEvaluators(db: Kysely<Database>, campaignId: string) {
	return db
		.selectFrom('campaign_member')
		.innerJoin('user', 'user.id', 'campaign_member.user_id')
		.select(['user.id', 'user.display_name'])
		.where('campaign_member.campaign_id', '=', campaignId)
		.where('campaign_member.role', '=', 'evaluator')
		.orderBy('user.display_name')
		.execute();
}
