// Importing images from a manifest CSV (image_path,prompt,system|model[,prompt_id,category]), for the
// CLI and for uploads from the browser alike: one validation-and-planning step (planImport: every row
// checked, nothing written but staged re-encoded copies) and one apply step (applyImport: files into
// the image store, local or S3 (storage.ts), then every row in one transaction). With skipInvalid the good rows go in and the
// bad ones are listed. Files are stored by content hash and re-encoded without metadata into the
// campaign's one serving format (blind: a source format would name its generator).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import sharp from 'sharp';
import type { Kysely } from 'kysely';
import type { Campaign, Database } from '../db/schema.ts';
import { parseCsv } from '../../csv.ts';
import { AppError } from '../errors.ts';
import { randomId } from '../ids.ts';
import { contentPath, imageStoreFor, putAll, type ImageStore } from './storage.ts';
import { campaignSettings, requireCampaign } from '../campaigns/campaigns.ts';
import { contentTypeOf, ENCODINGS, encodeForServing, type ImageFormat } from './formats.ts';
import { writeAudit } from '../audit-log.ts';

export const DEFAULT_MAX_PIXELS = 40_000_000;
export const MAX_IMAGE_BYTES = 50 * 1024 * 1024;
const FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff', 'avif']);

export interface ImportOptions {
	campaign: string;
	manifestPath: string;
	/** Staging folder parent; also the image store when IMAGE_STORE is unset. */
	dataDir: string;
	/** Where the files go; by default the store IMAGE_STORE names (or dataDir). */
	store?: ImageStore;
	skipInvalid?: boolean;
	maxPixels?: number;
	actorId?: string | null;
	onProgress?: (done: number, total: number) => void;
}

export interface RejectedRow {
	/** The manifest line (or prompts.csv line of a folder-convention file); null when there is none. */
	line: number | null;
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

/** One row to import, from a manifest line or (uploads) a file of the folder convention. */
export interface ManifestRow {
	line: number | null;
	imagePath: string;
	prompt: string;
	system: string;
	/** The prompt_id column ('' when absent: the prompt's hash is used). */
	promptId: string;
	category: string;
	/** Why the row is refused before its file is looked at (e.g. a wrong number of fields). */
	problem?: string;
}

/** A valid row: its re-encoded copy waits in the staging folder until the import is applied. */
export interface PlannedRow {
	line: number | null;
	imagePath: string;
	prompt: string;
	promptExternalId: string;
	category: string | null;
	system: string;
	sha256: string;
	/** File name of the re-encoded copy inside the staging folder. */
	staged: string;
	servedExt: string;
	width: number;
	height: number;
	format: string;
	bytes: number;
	/** Already in the campaign (same prompt, system and image): applying skips it. */
	existing: boolean;
}

export interface RowResult {
	line: number | null;
	imagePath: string;
	ok: boolean;
	/** Why the row is refused, or for an ok row 'already imported' when it would add nothing. */
	reason: string | null;
	system: string;
}

export interface ImportPlan {
	campaignId: string;
	rows: number;
	/** Every row, in order: ok or the reason it is refused. */
	results: RowResult[];
	valid: PlannedRow[];
	rejected: RejectedRow[];
	/** What applying would add to the campaign. */
	adds: { systems: string[]; prompts: number; images: number; existing: number; pairs: number };
}

export interface PlanOptions {
	/** Folder the rows' image paths are relative to; nothing outside it (also through symlinks) is read. */
	baseDir: string;
	/** Folder for the re-encoded copies (created if needed). */
	stagingDir: string;
	maxPixels?: number;
	onProgress?: (done: number, total: number) => void;
}

/** Reads a manifest's rows; an unreadable or headless manifest is an AppError on `field`. */
export function parseManifest(text: string, field = 'manifest'): ManifestRow[] {
	let records;
	try {
		records = parseCsv(text.replace(/^\uFEFF/, ''));
	} catch (e) {
		throw new AppError(400, 'invalid', `manifest is not valid CSV: ${(e as Error).message}`, field);
	}
	if (records.length === 0) throw new AppError(400, 'invalid', 'manifest is empty', field);
	const header = records[0].fields.map((h) => h.trim().toLowerCase());
	const col = (name: string) => header.indexOf(name);
	const iPath = col('image_path');
	const iPrompt = col('prompt');
	const iSystem = col('system') >= 0 ? col('system') : col('model');
	const iPromptId = col('prompt_id');
	const iCategory = col('category');
	const missing = [iPath < 0 && 'image_path', iPrompt < 0 && 'prompt', iSystem < 0 && 'system (or model)'].filter(Boolean);
	if (missing.length) throw new AppError(400, 'invalid', `manifest header lacks column(s): ${missing.join(', ')}`, field);
	return records.slice(1).map(({ line, fields }) => {
		const get = (i: number) => (i >= 0 ? (fields[i] ?? '').trim() : '');
		const row: ManifestRow = {
			line,
			imagePath: get(iPath),
			prompt: get(iPrompt),
			system: get(iSystem),
			promptId: get(iPromptId),
			category: get(iCategory)
		};
		if (fields.length !== header.length) row.problem = `has ${fields.length} fields, the header has ${header.length}`;
		return row;
	});
}

/** The rules every row obeys, whatever its source; null when the row's text is fine. */
function rowProblem(row: ManifestRow): string | null {
	if (row.problem) return row.problem;
	if (!row.imagePath) return 'image_path is empty';
	if (!row.prompt) return 'prompt is empty';
	if (!row.system) return 'system is empty';
	if (row.prompt.length > 4000) return 'prompt is longer than 4000 characters';
	if (row.system.length > 200) return 'system is longer than 200 characters';
	if (row.promptId.length > 200) return 'prompt_id is longer than 200 characters';
	if (row.category.length > 200) return 'category is longer than 200 characters';
	return null;
}

/**
 * Checks every row (text, path, file, image) and stages a re-encoded copy of each valid one; reads
 * the campaign to tell what applying would add. Writes nothing but the staging folder, and keeps
 * one image in memory at a time.
 */
export async function planImport(db: Kysely<Database>, campaign: Campaign, rows: ManifestRow[], options: PlanOptions): Promise<ImportPlan> {
	const baseDir = realpathSync(options.baseDir);
	const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
	const servedFormat = campaignSettings(campaign).imageFormat;
	mkdirSync(options.stagingDir, { recursive: true });
	const valid: PlannedRow[] = [];
	const rejected: RejectedRow[] = [];
	const results: RowResult[] = [];
	const seen = new Map<string, number | null>();
	const promptTexts = new Map<string, { text: string; line: number | null }>();

	for (let n = 0; n < rows.length; n++) {
		const row = rows[n];
		const { line, imagePath } = row;
		const reject = (reason: string) => {
			rejected.push({ line, imagePath, reason });
			results.push({ line, imagePath, ok: false, reason, system: row.system });
		};
		options.onProgress?.(n, rows.length);
		try {
			const problem = rowProblem(row);
			if (problem) {
				reject(problem);
				continue;
			}
			const { prompt, system } = row;
			const promptExternalId = row.promptId || 'sha256:' + createHash('sha256').update(prompt).digest('hex').slice(0, 32);
			const known = promptTexts.get(promptExternalId);
			if (known && known.text !== prompt) {
				reject(`prompt_id ${promptExternalId} has a different prompt${known.line === null ? '' : ` on line ${known.line}`}`);
				continue;
			}
			const file = resolveInside(baseDir, imagePath);
			if (typeof file !== 'string') {
				reject(file.error);
				continue;
			}
			const stat = statSync(file);
			if (!stat.isFile()) {
				reject('is not a file');
				continue;
			}
			if (stat.size > MAX_IMAGE_BYTES) {
				reject(`file is larger than ${MAX_IMAGE_BYTES / 1024 / 1024} MiB`);
				continue;
			}
			const original = readFileSync(file);
			const sha256 = createHash('sha256').update(original).digest('hex');
			const key = `${promptExternalId}\u0000${system}\u0000${sha256}`;
			if (seen.has(key)) {
				const first = seen.get(key);
				reject(`duplicate of ${first === null ? 'another file' : `line ${first}`} (same image, prompt and system)`);
				continue;
			}
			const inspected = await inspect(original, maxPixels, servedFormat);
			if ('error' in inspected) {
				reject(inspected.error);
				continue;
			}
			const staged = `${sha256}.${inspected.servedExt}`;
			const stagedPath = join(options.stagingDir, staged);
			if (!existsSync(stagedPath)) writeFileSync(stagedPath, inspected.served);
			seen.set(key, line);
			promptTexts.set(promptExternalId, { text: prompt, line });
			valid.push({
				line,
				imagePath,
				prompt,
				promptExternalId,
				system,
				sha256,
				staged,
				category: row.category || null,
				servedExt: inspected.servedExt,
				width: inspected.width,
				height: inspected.height,
				format: inspected.format,
				bytes: inspected.served.length,
				existing: false
			});
			results.push({ line, imagePath, ok: true, reason: null, system });
		} catch (e) {
			reject(`cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
		}
	}
	options.onProgress?.(rows.length, rows.length);
	const adds = await whatWouldBeAdded(db, campaign.id, valid);
	const byKey = new Map(valid.map((v) => [v.imagePath + '\u0000' + v.line, v]));
	for (const r of results) if (r.ok && byKey.get(r.imagePath + '\u0000' + r.line)?.existing) r.reason = 'already imported';
	return { campaignId: campaign.id, rows: rows.length, results, valid, rejected, adds };
}

/** Systems, prompts, images and comparable pairs (two systems' images of one prompt) the plan adds. */
async function whatWouldBeAdded(db: Kysely<Database>, campaignId: string, valid: PlannedRow[]): Promise<ImportPlan['adds']> {
	const systemRows = await db.selectFrom('system').select(['id', 'name', 'retired_at']).where('campaign_id', '=', campaignId).execute();
	const systems = new Map(systemRows.map((s) => [s.name, s.id]));
	// a retired system's images are stored but never paired
	const retired = new Set(systemRows.filter((s) => s.retired_at !== null).map((s) => s.id));
	const prompts = new Map(
		(await db.selectFrom('prompt').select(['id', 'external_id']).where('campaign_id', '=', campaignId).execute()).map((p) => [
			p.external_id,
			p.id
		])
	);
	const images = await db
		.selectFrom('image')
		.select(['prompt_id', 'system_id', 'sha256'])
		.where('campaign_id', '=', campaignId)
		.where('format', '!=', 'none')
		.execute();
	const existing = new Set(images.map((i) => `${i.prompt_id}\u0000${i.system_id}\u0000${i.sha256}`));
	// images per prompt and system, before and after, to count the pairs an evaluator could be shown
	const perPrompt = new Map<string, Map<string, number>>();
	const bump = (prompt: string, system: string) => {
		if (retired.has(system)) return;
		let m = perPrompt.get(prompt);
		if (!m) perPrompt.set(prompt, (m = new Map()));
		m.set(system, (m.get(system) ?? 0) + 1);
	};
	for (const i of images) bump(i.prompt_id, i.system_id);
	const crossPairs = (m: Map<string, number>) => {
		let total = 0;
		let sumSquares = 0;
		for (const n of m.values()) {
			total += n;
			sumSquares += n * n;
		}
		return (total * total - sumSquares) / 2;
	};
	const before = new Map([...perPrompt].map(([p, m]) => [p, crossPairs(m)]));
	const newSystems = new Set<string>();
	const newPrompts = new Set<string>();
	let added = 0;
	let already = 0;
	for (const row of valid) {
		const systemId = systems.get(row.system) ?? 'new:' + row.system;
		if (!systems.has(row.system)) newSystems.add(row.system);
		const promptId = prompts.get(row.promptExternalId) ?? 'new:' + row.promptExternalId;
		if (!prompts.has(row.promptExternalId)) newPrompts.add(row.promptExternalId);
		const key = `${promptId}\u0000${systemId}\u0000${row.sha256}`;
		if (existing.has(key)) {
			row.existing = true;
			already++;
			continue;
		}
		existing.add(key);
		bump(promptId, systemId);
		added++;
	}
	let pairs = 0;
	for (const [p, m] of perPrompt) pairs += crossPairs(m) - (before.get(p) ?? 0);
	return { systems: [...newSystems], prompts: newPrompts.size, images: added, existing: already, pairs };
}

/**
 * Writes a plan: staged copies into the image store (idempotent by hash), then every row in one
 * transaction that re-reads the campaign, so a plan applied twice, or after another import, adds
 * nothing twice. Rejected rows stop it unless skipInvalid. When the store fails, the import stops
 * with a 503 before any row is written (files stored so far stay: content-addressed, referenced by
 * nothing yet, and reused when the import is retried — deleting them could remove a file another
 * campaign's rows use).
 */
export async function applyImport(
	db: Kysely<Database>,
	campaign: Campaign,
	plan: ImportPlan,
	options: {
		store: ImageStore;
		/** Where the staged copies are: a local folder, or `readStaged` (e.g. from the store's staging/ keys). */
		stagingDir?: string;
		readStaged?: (row: PlannedRow) => Promise<Uint8Array>;
		skipInvalid?: boolean;
		actorId?: string | null;
		/** Runs inside the rows' transaction (also when no row is added): what must commit with them or not at all. */
		inTransaction?: (trx: Kysely<Database>) => Promise<void>;
	}
): Promise<ImportSummary> {
	const { valid, rejected } = plan;
	const summary: ImportSummary = {
		rows: plan.rows,
		added: 0,
		skipped: 0,
		rejected,
		systemsAdded: 0,
		promptsAdded: 0,
		written: false
	};
	if (plan.campaignId !== campaign.id) throw new AppError(409, 'conflict', 'this import was planned for another campaign');
	if (rejected.length > 0 && !options.skipInvalid) return summary;
	const { inTransaction } = options;
	if (valid.length === 0) {
		if (inTransaction) await db.transaction().execute(inTransaction);
		summary.written = true;
		return summary;
	}

	// Files first (content-addressed, idempotent), then every row in one transaction.
	const stagingDir = options.stagingDir;
	const read = options.readStaged ?? ((row: PlannedRow) => readFile(join(stagingDir!, row.staged)));
	await storeStaged(options.store, read, valid);
	await db.transaction().execute(async (trx) => {
		const systems = new Map(
			(await trx.selectFrom('system').select(['id', 'name']).where('campaign_id', '=', campaign.id).execute()).map((s) => [s.name, s.id])
		);
		const prompts = new Map(
			(await trx.selectFrom('prompt').select(['id', 'external_id']).where('campaign_id', '=', campaign.id).execute()).map((p) => [
				p.external_id,
				p.id
			])
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
					id: randomId(),
					campaign_id: campaign.id,
					prompt_id: promptId,
					system_id: systemId,
					sha256: row.sha256,
					stored_path: contentPath(row.sha256, row.servedExt),
					width: row.width,
					height: row.height,
					format: row.format,
					bytes: row.bytes,
					created_at: now
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
		if (inTransaction) await inTransaction(trx);
	});
	summary.written = true;
	return summary;
}

/** The CLI's import: a manifest on disk, planned and applied at once (staged copies under DATA_DIR). */
export async function importImages(db: Kysely<Database>, options: ImportOptions): Promise<ImportSummary> {
	const campaign = await requireCampaign(db, options.campaign);
	// a misconfigured store is reported before any image is read
	const store = options.store ?? (await imageStoreFor(options.dataDir));
	const manifestPath = resolve(options.manifestPath);
	let text: string;
	try {
		text = readFileSync(manifestPath, 'utf8');
	} catch {
		throw new AppError(400, 'invalid', `cannot read manifest ${options.manifestPath}`, 'manifest');
	}
	const rows = parseManifest(text);
	mkdirSync(join(options.dataDir, 'uploads'), { recursive: true });
	const stagingDir = mkdtempSync(join(options.dataDir, 'uploads', 'cli-'));
	try {
		const plan = await planImport(db, campaign, rows, {
			baseDir: dirname(manifestPath),
			stagingDir,
			maxPixels: options.maxPixels,
			onProgress: options.onProgress
		});
		return await applyImport(db, campaign, plan, {
			store,
			stagingDir,
			skipInvalid: options.skipInvalid,
			actorId: options.actorId
		});
	} finally {
		rmSync(stagingDir, { recursive: true, force: true });
	}
}

/** Puts the staged copies under their content keys (each distinct copy once). */
function storeStaged(store: ImageStore, read: (row: PlannedRow) => Promise<Uint8Array>, rows: PlannedRow[]): Promise<void> {
	const unique = new Map(rows.map((r) => [contentPath(r.sha256, r.servedExt), r]));
	const items = [...unique].map(([key, row]) => ({ key, contentType: contentTypeOf(row.format), bytes: () => read(row) }));
	return putAll(store, items, 'be written, so nothing was imported');
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
		return {
			error: looksLikeImage(bytes) ? 'image is corrupt or truncated (its header cannot be read)' : 'is not an image (unrecognised format)'
		};
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
