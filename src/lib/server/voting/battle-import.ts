// Historical votes from battle files (model_a, model_b, winner[, tstamp, judge]; CSV, JSON or JSONL)
// into a campaign. Every row is validated before anything is written; systems are created as needed;
// each judge becomes a disabled evaluator account; re-importing the same file adds nothing twice.
import { rationaleFacts } from '../../quality/rationale-facts.ts';
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Choice, Database } from '../db/schema.ts';
import { parseCsv, unescapeFormula } from '../../csv.ts';
import { AppError } from '../errors.ts';
import { randomId, sha256Hex } from '../ids.ts';
import { requireCampaign } from '../campaigns/campaigns.ts';
import { addToPairStat } from './pair-stat.ts';
import { writeAudit } from '../audit-log.ts';
import { votesChanged } from '../votes-changed.ts';

/** imported battles carry no rationale */
const EMPTY_RATIONALE_FACTS = rationaleFacts('');

const WINNERS: Record<string, Choice> = { model_a: 'left', model_b: 'right', tie: 'tie', 'tie (bothbad)': 'both_bad' };
/** Imported battles have no real images: one placeholder per system, never scheduled or served. */
export const IMPORTED_FORMAT = 'none';
const IMPORTED_PROMPT = '__imported__';

interface BattleRow {
	line: number;
	modelA: string;
	modelB: string;
	choice: Choice;
	tstamp: number | null;
	judge: string;
	raw: string;
}

export interface VoteImportSummary {
	rows: number;
	added: number;
	skipped: number;
	rejected: { line: number; reason: string }[];
	systemsAdded: number;
	written: boolean;
}

function readRows(text: string, format: 'csv' | 'json' | 'jsonl'): { line: number; record: Record<string, unknown>; raw: string }[] {
	if (format === 'csv') {
		const records = parseCsv(text);
		if (records.length === 0) throw new AppError(400, 'invalid', 'the file is empty', 'file');
		const header = records[0].fields.map((h) => h.trim());
		// a battles export of pickwise defused formulas with a leading ' (csv.ts): undone here
		for (const column of ['model_a', 'model_b', 'winner']) {
			if (!header.includes(column)) throw new AppError(400, 'invalid', `the header lacks column ${column}`, 'file');
		}
		return records.slice(1).map((r) => ({
			line: r.line,
			record: Object.fromEntries(header.map((h, i) => [h, r.fields[i] === undefined ? undefined : unescapeFormula(r.fields[i])])),
			raw: r.fields.join('\u0001')
		}));
	}
	if (format === 'json') {
		let data: unknown;
		try {
			data = JSON.parse(text);
		} catch (e) {
			throw new AppError(400, 'invalid', `the file is not valid JSON: ${(e as Error).message}`, 'file');
		}
		if (!Array.isArray(data)) throw new AppError(400, 'invalid', 'a JSON battle file must be an array of objects', 'file');
		return data.map((record, i) => ({ line: i + 1, record: (record ?? {}) as Record<string, unknown>, raw: JSON.stringify(record) }));
	}
	const out = [];
	const lines = text.split(/\r?\n/);
	for (let i = 0; i < lines.length; i++) {
		if (!lines[i].trim()) continue;
		let record: unknown;
		try {
			record = JSON.parse(lines[i]);
		} catch {
			record = { __invalid: 'not valid JSON' };
		}
		out.push({ line: i + 1, record: (record ?? {}) as Record<string, unknown>, raw: lines[i] });
	}
	return out;
}

function validateRow(line: number, record: Record<string, unknown>, raw: string): BattleRow | string {
	if (typeof record !== 'object' || Array.isArray(record)) return 'is not an object';
	if (record.__invalid) return String(record.__invalid);
	const name = (v: unknown) => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '');
	const modelA = name(record.model_a);
	const modelB = name(record.model_b);
	if (!modelA) return 'model_a is empty';
	if (!modelB) return 'model_b is empty';
	if (modelA.length > 200 || modelB.length > 200) return 'a model name is longer than 200 characters';
	if (modelA === modelB) return `model_a and model_b are both ${modelA}`;
	const winner = name(record.winner);
	const choice = WINNERS[winner];
	if (!choice) return `winner '${winner}' is not one of ${Object.keys(WINNERS).join(', ')}`;
	let tstamp: number | null = null;
	if (record.tstamp !== undefined && record.tstamp !== null && record.tstamp !== '') {
		tstamp = Number(record.tstamp);
		if (!Number.isFinite(tstamp) || tstamp < 0 || tstamp > 1e11) return `tstamp '${String(record.tstamp)}' is not a time in Unix seconds`;
	}
	const judge = name(record.judge) || 'imported';
	if (judge.length > 200) return 'judge is longer than 200 characters';
	return { line, modelA, modelB, choice, tstamp, judge, raw };
}

/** A vote id made from the row, so that the same file imported again adds nothing. */
function rowVoteId(campaignId: string, row: BattleRow): string {
	const h = createHash('sha256').update(`${campaignId}\u0000${row.line}\u0000${row.raw}`).digest('hex');
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export async function importVotes(
	db: Kysely<Database>,
	options: { campaign: string; text: string; format: 'csv' | 'json' | 'jsonl'; skipInvalid?: boolean; actorId?: string | null }
): Promise<VoteImportSummary> {
	const campaign = await requireCampaign(db, options.campaign);
	const valid: BattleRow[] = [];
	const rejected: { line: number; reason: string }[] = [];
	const records = readRows(options.text, options.format);
	for (const { line, record, raw } of records) {
		const row = validateRow(line, record, raw);
		if (typeof row === 'string') rejected.push({ line, reason: row });
		else valid.push(row);
	}
	const summary: VoteImportSummary = { rows: records.length, added: 0, skipped: 0, rejected, systemsAdded: 0, written: false };
	if (rejected.length && !options.skipInvalid) return summary;

	await db.transaction().execute(async (trx) => {
		const systems = new Map(
			(await trx.selectFrom('system').select(['id', 'name']).where('campaign_id', '=', campaign.id).execute()).map((s) => [s.name, s.id])
		);
		let prompt = await trx
			.selectFrom('prompt')
			.select('id')
			.where('campaign_id', '=', campaign.id)
			.where('external_id', '=', IMPORTED_PROMPT)
			.executeTakeFirst();
		if (!prompt) {
			prompt = { id: randomId() };
			await trx
				.insertInto('prompt')
				.values({ id: prompt.id, campaign_id: campaign.id, external_id: IMPORTED_PROMPT, text: '(imported battles)', category: 'imported' })
				.execute();
		}
		const placeholders = new Map(
			(
				await trx
					.selectFrom('image')
					.select(['id', 'system_id'])
					.where('campaign_id', '=', campaign.id)
					.where('format', '=', IMPORTED_FORMAT)
					.execute()
			).map((i) => [i.system_id, i.id])
		);
		const judges = new Map<string, string>();
		const now = Date.now();
		const systemFor = async (name: string) => {
			let id = systems.get(name);
			if (!id) {
				id = randomId();
				await trx.insertInto('system').values({ id, campaign_id: campaign.id, name }).execute();
				systems.set(name, id);
				summary.systemsAdded++;
			}
			let image = placeholders.get(id);
			if (!image) {
				image = randomId();
				await trx
					.insertInto('image')
					.values({
						id: image,
						campaign_id: campaign.id,
						prompt_id: prompt.id,
						system_id: id,
						sha256: `imported:${sha256Hex(name)}`,
						stored_path: '',
						width: 0,
						height: 0,
						format: IMPORTED_FORMAT,
						bytes: 0,
						created_at: now
					})
					.execute();
				placeholders.set(id, image);
			}
			return { systemId: id, imageId: image };
		};
		const judgeFor = async (judge: string) => {
			let id = judges.get(judge);
			if (id) return id;
			const email = `judge-${sha256Hex(`${campaign.id}:${judge}`).slice(0, 16)}@imported.invalid`;
			const existing = await trx.selectFrom('user').select('id').where('email', '=', email).executeTakeFirst();
			id = existing?.id ?? randomId();
			if (!existing) {
				await trx
					.insertInto('user')
					.values({ id, email, display_name: judge, password_hash: null, is_admin: 0, disabled_at: now, created_at: now })
					.execute();
				await trx.insertInto('campaign_member').values({ campaign_id: campaign.id, user_id: id, role: 'evaluator', quota: 0 }).execute();
			}
			judges.set(judge, id);
			return id;
		};
		for (const [i, row] of valid.entries()) {
			const voteId = rowVoteId(campaign.id, row);
			if (await trx.selectFrom('vote').select('id').where('id', '=', voteId).executeTakeFirst()) {
				summary.skipped++;
				continue;
			}
			const left = await systemFor(row.modelA);
			const right = await systemFor(row.modelB);
			const userId = await judgeFor(row.judge);
			// without timestamps, one millisecond apart keeps the file's order (online Elo depends on it)
			const at = row.tstamp !== null ? Math.round(row.tstamp * 1000) : now + i;
			const assignmentId = randomId();
			await trx
				.insertInto('assignment')
				.values({
					id: assignmentId,
					campaign_id: campaign.id,
					user_id: userId,
					left_image_id: left.imageId,
					right_image_id: right.imageId,
					kind: 'normal',
					issued_at: at,
					expires_at: at,
					answered_at: at,
					skipped_at: null,
					skip_reason: null
				})
				.execute();
			const vote = {
				id: voteId,
				assignment_id: assignmentId,
				campaign_id: campaign.id,
				user_id: userId,
				prompt_id: prompt.id,
				left_image_id: left.imageId,
				right_image_id: right.imageId,
				left_system_id: left.systemId,
				right_system_id: right.systemId,
				kind: 'normal' as const,
				choice: row.choice,
				rationale: '',
				rationale_facts: EMPTY_RATIONALE_FACTS,
				flags: '{}',
				guidelines_version: campaign.guidelines_version,
				shown_at: at,
				submitted_at: at,
				active_ms: null,
				status: 'counted' as const,
				simulated: 0
			};
			await trx.insertInto('vote').values(vote).execute();
			await addToPairStat(trx, vote, 'overall', row.choice, 1);
			summary.added++;
		}
		await writeAudit(trx, {
			actorId: options.actorId ?? null,
			action: 'votes.import',
			subject: campaign.id,
			detail: { added: summary.added, skipped: summary.skipped, rejected: rejected.length }
		});
	});
	summary.written = true;
	// imported votes may fall anywhere in time: caches start again (another process, the CLI, is
	// seen by the caches' own check; this is for an import inside the server)
	if (summary.added) votesChanged(campaign.id, 'history');
	return summary;
}
