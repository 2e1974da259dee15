// Importing a folder of images from a manifest CSV (image_path,prompt,system|model[,prompt_id,category]).
// Every row is validated before anything is written; with skipInvalid the good rows go in and the
// bad ones are listed. Files are stored by content hash and re-encoded without metadata into the
// campaign's one serving format (blind: a source format would name its generator).
import { createHash } from 'node:crypto';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import sharp from 'sharp';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { parseCsv } from '../../csv.ts';
import { AppError } from '../errors.ts';
import { randomId } from '../ids.ts';
import { contentPath, writeFileAtomic } from './storage.ts';
import { campaignSettings, requireCampaign } from '../campaigns/campaigns.ts';
import { ENCODINGS, encodeForServing, type ImageFormat } from './formats.ts';
import { writeAudit } from '../audit-log.ts';

export const DEFAULT_MAX_PIXELS = 40_000_000;
export const MAX_IMAGE_BYTES = 50 * 1024 * 1024;
const FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff', 'avif']);

export interface ImportOptions {
	campaign: string;
	manifestPath: string;
	dataDir: string;
	skipInvalid?: boolean;
	maxPixels?: number;
	actorId?: string | null;
	onProgress?: (done: number, total: number) => void;
}

export interface RejectedRow {
	line: number;
	imagePath: string;
	reason: string;
}

export interface ImportSummary {
	rows: number;
	added: number;
	skipped: number;
	rejected: RejectedRow[];
	systemsAdded: number;
	promptsAdded: number;
	/** false when rows were rejected without skipInvalid: nothing was written. */
	written: boolean;
}

interface ValidRow {
	line: number;
	imagePath: string;
	prompt: string;
	promptExternalId: string;
	category: string | null;
	system: string;
	sha256: string;
	served: Buffer;
	servedExt: string;
	width: number;
	height: number;
	format: string;
	bytes: number;
}

export async function importImages(db: Kysely<Database>, options: ImportOptions): Promise<ImportSummary> {
	const campaign = await requireCampaign(db, options.campaign);
	const servedFormat = campaignSettings(campaign).imageFormat;
	const manifestPath = resolve(options.manifestPath);
	let text: string;
	try {
		text = readFileSync(manifestPath, 'utf8');
	} catch {
		throw new AppError(400, 'invalid', `cannot read manifest ${options.manifestPath}`, 'manifest');
	}
	let records;
	try {
		records = parseCsv(text);
	} catch (e) {
		throw new AppError(400, 'invalid', `manifest is not valid CSV: ${(e as Error).message}`, 'manifest');
	}
	if (records.length === 0) throw new AppError(400, 'invalid', 'manifest is empty', 'manifest');
	const header = records[0].fields.map((h) => h.trim().toLowerCase());
	const col = (name: string) => header.indexOf(name);
	const iPath = col('image_path');
	const iPrompt = col('prompt');
	const iSystem = col('system') >= 0 ? col('system') : col('model');
	const iPromptId = col('prompt_id');
	const iCategory = col('category');
	const missing = [iPath < 0 && 'image_path', iPrompt < 0 && 'prompt', iSystem < 0 && 'system (or model)'].filter(Boolean);
	if (missing.length) throw new AppError(400, 'invalid', `manifest header lacks column(s): ${missing.join(', ')}`, 'manifest');

	const baseDir = realpathSync(dirname(manifestPath));
	const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
	const rows = records.slice(1);
	const valid: ValidRow[] = [];
	const rejected: RejectedRow[] = [];
	const seen = new Map<string, number>();
	const promptTexts = new Map<string, { text: string; line: number }>();

	for (let n = 0; n < rows.length; n++) {
		const { line, fields } = rows[n];
		const get = (i: number) => (i >= 0 ? (fields[i] ?? '').trim() : '');
		const imagePath = get(iPath);
		const reject = (reason: string) => rejected.push({ line, imagePath, reason });
		options.onProgress?.(n, rows.length);
		try {
			if (fields.length !== header.length) {
				reject(`has ${fields.length} fields, the header has ${header.length}`);
				continue;
			}
			const prompt = get(iPrompt);
			const system = get(iSystem);
			if (!imagePath) { reject('image_path is empty'); continue; }
			if (!prompt) { reject('prompt is empty'); continue; }
			if (!system) { reject('system is empty'); continue; }
			if (prompt.length > 4000) { reject('prompt is longer than 4000 characters'); continue; }
			if (system.length > 200) { reject('system is longer than 200 characters'); continue; }
			const promptExternalId = get(iPromptId) || 'sha256:' + createHash('sha256').update(prompt).digest('hex').slice(0, 32);
			const known = promptTexts.get(promptExternalId);
			if (known && known.text !== prompt) {
				reject(`prompt_id ${promptExternalId} has a different prompt on line ${known.line}`);
				continue;
			}
			const file = resolveInside(baseDir, imagePath);
			if (typeof file !== 'string') { reject(file.error); continue; }
			const stat = statSync(file);
			if (!stat.isFile()) { reject('is not a file'); continue; }
			if (stat.size > MAX_IMAGE_BYTES) { reject(`file is larger than ${MAX_IMAGE_BYTES / 1024 / 1024} MiB`); continue; }
			const original = readFileSync(file);
			const sha256 = createHash('sha256').update(original).digest('hex');
			const key = `${promptExternalId}\u0000${system}\u0000${sha256}`;
			const firstLine = seen.get(key);
			if (firstLine !== undefined) { reject(`duplicate of line ${firstLine} (same image, prompt and system)`); continue; }
			const inspected = await inspect(original, maxPixels, servedFormat);
			if ('error' in inspected) {
				reject(inspected.error);
				continue;
			}
			seen.set(key, line);
			promptTexts.set(promptExternalId, { text: prompt, line });
			valid.push({
				line, imagePath, prompt, promptExternalId, system, sha256,
				category: get(iCategory) || null,
				...inspected,
				bytes: inspected.served.length
			});
		} catch (e) {
			reject(`cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
		}
	}
	options.onProgress?.(rows.length, rows.length);

	const summary: ImportSummary = {
		rows: rows.length, added: 0, skipped: 0, rejected, systemsAdded: 0, promptsAdded: 0, written: false
	};
	if (rejected.length > 0 && !options.skipInvalid) return summary;
	if (valid.length === 0) {
		summary.written = true;
		return summary;
	}

	// Files first (content-addressed, idempotent), then every row in one transaction.
	for (const row of valid) writeFileAtomic(options.dataDir, contentPath(row.sha256, row.servedExt), row.served);
	await db.transaction().execute(async (trx) => {
		const systems = new Map(
			(await trx.selectFrom('system').select(['id', 'name']).where('campaign_id', '=', campaign.id).execute()).map((s) => [s.name, s.id])
		);
		const prompts = new Map(
			(await trx.selectFrom('prompt').select(['id', 'external_id']).where('campaign_id', '=', campaign.id).execute()).map((p) => [p.external_id, p.id])
		);
		const existing = new Set(
			(await trx.selectFrom('image').select(['prompt_id', 'system_id', 'sha256']).where('campaign_id', '=', campaign.id).execute()).map(
				(i) => `${i.prompt_id}\u0000${i.system_id}\u0000${i.sha256}`
			)
		);
		const now = Date.now();
		for (const row of valid) {
			let systemId = systems.get(row.system);
			if (!systemId) {
				systemId = randomId();
				await trx.insertInto('system').values({ id: systemId, campaign_id: campaign.id, name: row.system }).execute();
				systems.set(row.system, systemId);
				summary.systemsAdded++;
			}
			let promptId = prompts.get(row.promptExternalId);
			if (!promptId) {
				promptId = randomId();
				await trx
					.insertInto('prompt')
					.values({ id: promptId, campaign_id: campaign.id, external_id: row.promptExternalId, text: row.prompt, category: row.category })
					.execute();
				prompts.set(row.promptExternalId, promptId);
				summary.promptsAdded++;
			}
			const key = `${promptId}\u0000${systemId}\u0000${row.sha256}`;
			if (existing.has(key)) {
				summary.skipped++;
				continue;
			}
			existing.add(key);
			await trx
				.insertInto('image')
				.values({
					id: randomId(), campaign_id: campaign.id, prompt_id: promptId, system_id: systemId, sha256: row.sha256,
					stored_path: contentPath(row.sha256, row.servedExt), width: row.width, height: row.height,
					format: row.format, bytes: row.bytes, created_at: now
				})
				.execute();
			summary.added++;
		}
		await writeAudit(trx, {
			actorId: options.actorId ?? null,
			action: 'images.import',
			subject: campaign.id,
			detail: { added: summary.added, skipped: summary.skipped, rejected: rejected.length }
		});
	});
	summary.written = true;
	return summary;
}

/** The real path of `path` if it stays inside `baseDir` (after symlinks), else why not. */
function resolveInside(baseDir: string, path: string): string | { error: string } {
	if (path.includes('\0')) return { error: 'path contains a NUL character' };
	const candidate = isAbsolute(path) ? path : resolve(baseDir, path);
	let real: string;
	try {
		real = realpathSync(candidate);
	} catch {
		const rel = relative(baseDir, candidate);
		if (rel.startsWith('..') || isAbsolute(rel)) return { error: "path is outside the manifest's folder" };
		return { error: 'file not found' };
	}
	const rel = relative(baseDir, real);
	if (rel === '' || rel.startsWith('..' + sep) || rel === '..' || isAbsolute(rel)) {
		return { error: "path is outside the manifest's folder" };
	}
	return real;
}

/**
 * Decodes the whole image (corrupt files fail here, not when served) and re-encodes it without
 * metadata in the campaign's format, whatever the source format was.
 */
type Inspected = { served: Buffer; servedExt: string; width: number; height: number; format: ImageFormat };

async function inspect(bytes: Buffer, maxPixels: number, format: ImageFormat): Promise<Inspected | { error: string }> {
	let meta;
	try {
		meta = await sharp(bytes, { limitInputPixels: false }).metadata();
	} catch {
		return { error: looksLikeImage(bytes) ? 'image is corrupt or truncated (its header cannot be read)' : 'is not an image (unrecognised format)' };
	}
	if (!meta.format || !FORMATS.has(meta.format)) return { error: `unsupported image format ${meta.format ?? 'unknown'}` };
	if (!meta.width || !meta.height) return { error: 'image has no dimensions' };
	if (meta.width * meta.height > maxPixels) {
		return { error: `image is ${meta.width}×${meta.height} = ${meta.width * meta.height} pixels, over the limit of ${maxPixels}` };
	}
	try {
		const { data, info } = await encodeForServing(sharp(bytes, { limitInputPixels: maxPixels, failOn: 'error' }), format);
		return { served: data, servedExt: ENCODINGS[format].suffix, width: info.width, height: info.height, format };
	} catch (e) {
		return { error: `image is corrupt or truncated (${(e as Error).message.split('\n')[0]})` };
	}
}

/** Magic numbers of the formats we accept: tells a damaged image from a file that never was one. */
function looksLikeImage(b: Buffer): boolean {
	const starts = (...bytes: number[]) => bytes.every((v, i) => b[i] === v);
	return (
		starts(0xff, 0xd8, 0xff) ||
		starts(0x89, 0x50, 0x4e, 0x47) ||
		starts(0x47, 0x49, 0x46, 0x38) ||
		(starts(0x52, 0x49, 0x46, 0x46) && b.subarray(8, 12).toString('latin1') === 'WEBP') ||
		starts(0x49, 0x49, 0x2a, 0x00) ||
		starts(0x4d, 0x4d, 0x00, 0x2a)
	);
}
