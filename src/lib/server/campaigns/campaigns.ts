// Campaigns: creation, members, settings, guidelines and criteria. Who may do what in them: auth/access.ts.
import type { Kysely } from 'kysely';
import type { Campaign, Database, Role } from '../db/schema.ts';
import { AppError, notFound } from '../errors.ts';
import { randomId } from '../ids.ts';
import { requireEmail, requireEnum, requireSlug, requireString } from '../validation.ts';
import { writeAudit } from '../audit-log.ts';
import type { SessionUser } from '../auth/session.ts';
import { GUIDELINES_MAX_CHARS, renderGuidelines, renderStoredGuidelines } from './guidelines-markdown.ts';

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
}

export async function createCampaign(db: Kysely<Database>, input: NewCampaignInput, actorId: string | null = null) {
	const slug = requireSlug(input.slug);
	const name = requireString(input.name, 'name', { max: 200 });
	const description = input.description === undefined ? '' : requireString(input.description, 'description', { min: 0, max: 2000 });
	const guidelinesMd =
		input.guidelinesMd === undefined ? '' : requireString(input.guidelinesMd, 'guidelines', { min: 0, max: GUIDELINES_MAX_CHARS });
	const guidelinesHtml = renderGuidelines(guidelinesMd);
	const existing = await db.selectFrom('campaign').select('id').where('slug', '=', slug).executeTakeFirst();
	if (existing) throw new AppError(409, 'exists', `a campaign with slug ${slug} already exists`, 'slug');
	const id = randomId();
	await db.transaction().execute(async (trx) => {
		await trx
			.insertInto('campaign')
			.values({ id, slug, name, description, guidelines_md: guidelinesMd, guidelines_html: guidelinesHtml, created_at: Date.now() })
			.execute();
		await trx
			.insertInto('flag_kind')
			.values(DEFAULT_FLAG_KINDS.map(([key, label], position) => ({ campaign_id: id, key, label, position })))
			.execute();
		await writeAudit(trx, { actorId, action: 'campaign.create', subject: id, detail: { slug, name } });
	});
	return { id, slug, name };
}

export async function findCampaignBySlug(db: Kysely<Database>, slug: string): Promise<Campaign | undefined> {
	return db.selectFrom('campaign').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export async function requireCampaign(db: Kysely<Database>, slug: string): Promise<Campaign> {
	const campaign = await findCampaignBySlug(db, slug);
	if (!campaign) throw notFound(`campaign ${slug}`);
	return campaign;
}

export async function addMember(
	db: Kysely<Database>,
	input: { slug: unknown; email: unknown; role: unknown; quota?: unknown },
	actorId: string | null = null
) {
	const slug = requireSlug(input.slug);
	const email = requireEmail(input.email);
	const role = requireEnum(input.role, 'role', ROLES);
	let quota: number | null = null;
	if (input.quota !== undefined && input.quota !== null && input.quota !== '') {
		quota = Number(input.quota);
		if (!Number.isInteger(quota) || quota < 0) throw new AppError(400, 'invalid', 'quota must be a whole number ≥ 0', 'quota');
	}
	const campaign = await requireCampaign(db, slug);
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

/** Campaigns a user sees on the home page, with their role (admins see every campaign). */
export async function listCampaignsForUser(db: Kysely<Database>, user: SessionUser) {
	const rows = await db
		.selectFrom('campaign')
		.leftJoin('campaign_member', (join) =>
			join.onRef('campaign_member.campaign_id', '=', 'campaign.id').on('campaign_member.user_id', '=', user.id)
		)
		.select(['campaign.slug', 'campaign.name', 'campaign.description', 'campaign.status', 'campaign_member.role'])
		.$if(!user.isAdmin, (q) => q.where('campaign_member.user_id', '=', user.id))
		.orderBy('campaign.name')
		.execute();
	return rows.map((r) => ({ ...r, role: (r.role ?? (user.isAdmin ? 'admin' : null)) as Role | 'admin' }));
}

const CRITERION_KEY = /^[a-z][a-z0-9_]{0,39}$/;

/** An extra judgment beside the overall choice (e.g. prompt adherence); votes may answer it per pair. */
export async function addCriterion(
	db: Kysely<Database>,
	input: { slug: unknown; key: unknown; label: unknown; description?: unknown },
	actorId: string | null = null
) {
	const campaign = await requireCampaign(db, requireSlug(input.slug));
	const key = requireString(input.key, 'key', { max: 40 });
	if (!CRITERION_KEY.test(key) || key === 'overall') {
		throw new AppError(400, 'invalid', 'key must be lower-case letters, digits and _ (not "overall")', 'key');
	}
	const label = requireString(input.label, 'label', { max: 100 });
	const description = input.description === undefined ? '' : requireString(input.description, 'description', { min: 0, max: 1000 });
	const taken = await db.selectFrom('criterion').select('id').where('campaign_id', '=', campaign.id).where('key', '=', key).executeTakeFirst();
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
		await trx.updateTable('campaign').set({ guidelines_md: text, guidelines_version: version, guidelines_html: html }).where('id', '=', campaign.id).execute();
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
}

/** Voting rules and sampling rates; one audit entry with the before and after. */
export async function updateCampaignSettings(db: Kysely<Database>, campaign: Campaign, input: CampaignSettingsInput, actorId: string | null) {
	const status = requireEnum(input.status, 'status', STATUSES);
	const min = Number(input.rationaleMinChars);
	if (!Number.isInteger(min) || min < 0 || min > 2000) throw new AppError(400, 'invalid', 'minimum rationale length must be a whole number from 0 to 2000', 'rationale_min_chars');
	const rate = (value: unknown, field: string) => {
		const r = Number(value);
		if (!Number.isFinite(r) || r < 0 || r > 0.5) throw new AppError(400, 'invalid', `${field} must be a share from 0 to 0.5`, field);
		return r;
	};
	const settings = { ...campaignSettings(campaign), goldRate: rate(input.goldRate, 'gold_rate'), repeatRate: rate(input.repeatRate, 'repeat_rate'), goldFeedback: input.goldFeedback === true };
	const values = {
		status,
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
		goldFeedback: raw.goldFeedback === true
	};
}

/** New label or description of a criterion; its key (and so the votes that answered it) stays. */
export async function updateCriterion(db: Kysely<Database>, campaign: Campaign, input: { key: unknown; label: unknown; description?: unknown }, actorId: string | null) {
	const key = requireString(input.key, 'key', { max: 40 });
	const label = requireString(input.label, 'label', { max: 100 });
	const description = input.description === undefined || input.description === null ? '' : requireString(input.description, 'description', { min: 0, max: 1000 });
	const result = await db.transaction().execute(async (trx) => {
		const updated = await trx.updateTable('criterion').set({ label, description }).where('campaign_id', '=', campaign.id).where('key', '=', key).executeTakeFirst();
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
