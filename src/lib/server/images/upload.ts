// Images uploaded from the browser: a multipart body streamed to disk (never held in memory), ZIPs
// extracted with every entry checked, then the CLI's own planImport for a dry run. The upload is
// received under DATA_DIR/uploads/<id>/ and removed from there once planned: what is kept until the
// lead confirms or cancels is the plan, in the database (upload_staging), and the re-encoded copies,
// in the image store under staging/<id>/ — so any instance may show, confirm or cancel it. Confirming
// (applyImport, as the CLI) copies them to their content keys, then writes every row and marks the dry
// run confirmed in one transaction; one confirm at a time (a second gets 409). Anything refused leaves
// no file behind. A confirm the store refuses writes no row and keeps the upload, so it can be retried.
//
// Layouts: a `manifest.csv` (the CLI's columns) beside the images, or the folder convention
// `<system>/<prompt_id>.<ext>` with a `prompts.csv` (prompt_id,prompt[,category]); either at the top
// or inside one top folder (as zipping a folder makes it).
import {
	existsSync,
	mkdirSync,
	readdirSync,
	readFileSync,
	rmSync,
	statSync,
	createWriteStream,
	lstatSync,
	type WriteStream
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import type { IncomingHttpHeaders } from 'node:http';
import busboy from 'busboy';
import type { ExpressionBuilder, Kysely } from 'kysely';
import type { Campaign, Database } from '../db/schema.ts';
import { parseCsv } from '../../csv.ts';
import { AppError } from '../errors.ts';
import { randomId } from '../ids.ts';
import { forgetScheduler } from '../voting/leases.ts';
import { imageStoreFor, putAll, type ImageStore } from './storage.ts';
import { contentTypeOf } from './formats.ts';
import {
	applyImport,
	MAX_IMAGE_BYTES,
	parseManifest,
	planImport,
	type ImportPlan,
	type ImportSummary,
	type ManifestRow
} from './import.ts';
import { extractZip, fileHead, formatBytes, isIgnoredPath, looksLikeArchive, unsafePathReason, type RefusedEntry } from './upload-zip.ts';

export interface UploadLimits {
	/** The whole request body. */
	maxUploadBytes: number;
	/** Everything extracted from the upload's archives together. */
	maxUnzippedBytes: number;
	maxEntries: number;
}

const GiB = 1024 ** 3;

export function uploadLimits(env: NodeJS.ProcessEnv = process.env): UploadLimits {
	const bytes = (name: string, fallback: number) => {
		const value = env[name];
		if (value === undefined || value === '') return fallback;
		const n = Number(value);
		if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${name} must be a positive number of bytes (got '${value}')`);
		return n;
	};
	const maxUploadBytes = bytes('MAX_UPLOAD_BYTES', 2 * GiB);
	return { maxUploadBytes, maxUnzippedBytes: bytes('MAX_UNZIPPED_BYTES', 2 * maxUploadBytes), maxEntries: 100_000 };
}

/** An upload waiting for its lead: the dry run, and where its staged copies are. */
export interface StoredUpload {
	id: string;
	campaignId: string;
	createdBy: string;
	createdAt: number;
	layout: 'manifest' | 'folders';
	/** Upload entries that were never read (unsafe path, link, nested archive, …). */
	entries: RefusedEntry[];
	plan: ImportPlan;
}

const ID = /^[a-z0-9]{24}$/;
/** An upload nobody confirmed is swept after this long. */
const STALE_MS = 24 * 3600 * 1000;
/**
 * A confirm holds its dry run this long at most: if its instance died meanwhile, another confirm may
 * take it over (applying a plan twice adds nothing twice, and only one of them can mark it confirmed).
 */
const CLAIM_MS = 15 * 60 * 1000;

/** Where an upload's re-encoded copies wait in the image store. */
function stagingPrefix(id: string): string {
	return `staging/${id}`;
}

/** No confirm holds the dry run: never claimed, or claimed by one that died (longer ago than CLAIM_MS). */
const unclaimed = (now: number) => (eb: ExpressionBuilder<Database, 'upload_staging'>) =>
	eb.or([eb('claimed_at', 'is', null), eb('claimed_at', '<', now - CLAIM_MS)]);

/** Removes a dry run's staged copies; what fails stays for the bucket's lifecycle rule (logged). */
function dropStaged(store: ImageStore, id: string): Promise<void> {
	return store.deletePrefix(stagingPrefix(id)).catch((e) => console.error(`upload ${id}: staged copies not removed (${e})`));
}

export function uploadsRoot(dataDir: string): string {
	return join(dataDir, 'uploads');
}

const notFound = () => new AppError(404, 'not_found', 'upload not found (it was confirmed, cancelled or expired)', 'upload');

/**
 * Dry runs nobody confirmed within a day (a tab closed during the dry run), on any instance: the row
 * first (so no confirm can start on it), then its staged copies. Failures are left for the next sweep.
 */
export async function sweepStaleStaging(db: Kysely<Database>, store: ImageStore, now = Date.now()): Promise<number> {
	const stale = await db
		.selectFrom('upload_staging')
		.select(['id', 'created_at'])
		.where('created_at', '<', now - STALE_MS)
		.where(unclaimed(now))
		.limit(100)
		.execute();
	let swept = 0;
	for (const row of stale) {
		const gone = await db.deleteFrom('upload_staging').where('id', '=', row.id).where(unclaimed(now)).executeTakeFirst();
		if (Number(gone.numDeletedRows) === 0) continue;
		swept++;
		await dropStaged(store, row.id);
	}
	return swept;
}

/** Folders of uploads older than a day (a receive that died on its way) are removed. */
export function sweepStaleUploads(dataDir: string, now = Date.now()): void {
	const root = uploadsRoot(dataDir);
	if (!existsSync(root)) return;
	for (const name of readdirSync(root)) {
		const path = join(root, name);
		try {
			if (now - statSync(path).mtimeMs > STALE_MS) rmSync(path, { recursive: true, force: true });
		} catch {
			/* gone already */
		}
	}
}

export interface UploadRequest {
	headers: IncomingHttpHeaders;
	body: Readable;
}

/**
 * Receives a multipart upload (files in any field; ZIPs are extracted), finds its layout and plans
 * the import. Returns the stored dry run; on refusal throws an AppError and leaves nothing behind.
 */
export async function receiveUpload(
	db: Kysely<Database>,
	campaign: Campaign,
	userId: string,
	request: UploadRequest,
	dataDir: string,
	limits: UploadLimits = uploadLimits()
): Promise<StoredUpload> {
	const declared = Number(request.headers['content-length'] ?? 0);
	if (declared > limits.maxUploadBytes) throw tooLarge(limits);
	if (!/^multipart\/form-data\b/i.test(request.headers['content-type'] ?? '')) {
		throw new AppError(400, 'invalid', 'send the files as multipart/form-data', 'files');
	}
	sweepStaleUploads(dataDir);
	const store = await imageStoreFor(dataDir);
	await sweepStaleStaging(db, store).catch((e) => console.error(`sweeping old uploads: ${e}`));
	const id = randomId();
	const dir = join(uploadsRoot(dataDir), id);
	const filesDir = join(dir, 'files');
	const rawDir = join(dir, 'raw');
	mkdirSync(filesDir, { recursive: true });
	mkdirSync(rawDir, { recursive: true });
	let staged = false;
	try {
		const { archives, loose, refused } = await receiveParts(request, filesDir, rawDir, limits);
		const taken = new Set(loose.map((f) => f.toLowerCase()));
		const used = { bytes: 0 };
		for (const archive of archives) {
			const extracted = await extractZip(
				archive,
				filesDir,
				{ maxEntryBytes: MAX_IMAGE_BYTES, maxTotalBytes: limits.maxUnzippedBytes, maxEntries: limits.maxEntries },
				taken,
				used
			);
			refused.push(...extracted.refused);
			rmSync(archive, { force: true }); // its contents are out: free the disk
		}
		const { layout, baseDir, rows } = findLayout(filesDir, refused);
		const stagingDir = join(dir, 'staged');
		const plan = await planImport(db, campaign, rows, { baseDir, stagingDir });
		const stored: StoredUpload = { id, campaignId: campaign.id, createdBy: userId, createdAt: Date.now(), layout, entries: refused, plan };
		// the originals are no longer needed: confirming writes the staged copies
		rmSync(filesDir, { recursive: true, force: true });
		rmSync(rawDir, { recursive: true, force: true });
		// the copies where every instance finds them, then the plan that names them
		staged = true;
		await stageCopies(store, id, stagingDir, plan);
		await db
			.insertInto('upload_staging')
			.values({
				id,
				campaign_id: campaign.id,
				created_by: userId,
				created_at: stored.createdAt,
				dry_run: JSON.stringify({ layout, entries: refused, plan }),
				claimed_at: null,
				confirmed_at: null
			})
			.execute();
		return stored;
	} catch (e) {
		if (staged) await dropStaged(store, id);
		throw e;
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

/** Puts a plan's staged copies under staging/<id>/ in the store, a few at a time; the first failure stops it (503). */
function stageCopies(store: ImageStore, id: string, stagingDir: string, plan: ImportPlan): Promise<void> {
	const files = [...new Map(plan.valid.map((row) => [row.staged, row])).values()];
	const items = files.map((row) => ({
		key: `${stagingPrefix(id)}/${row.staged}`,
		contentType: contentTypeOf(row.format),
		bytes: () => readFile(join(stagingDir, row.staged))
	}));
	return putAll(store, items, 'keep the dry run, so nothing was kept');
}

const tooLarge = (limits: UploadLimits) =>
	new AppError(413, 'too_large', `the upload is larger than ${formatBytes(limits.maxUploadBytes)} (MAX_UPLOAD_BYTES)`, 'files');

/** Streams every file part to disk, counting bytes; ZIPs go to raw/ for extraction, other files to files/. */
async function receiveParts(request: UploadRequest, filesDir: string, rawDir: string, limits: UploadLimits) {
	const archives: string[] = [];
	const loose: string[] = [];
	const refused: RefusedEntry[] = [];
	let total = 0;
	let parser: busboy.Busboy;
	try {
		parser = busboy({
			headers: request.headers as busboy.BusboyConfig['headers'],
			limits: {
				fileSize: limits.maxUploadBytes,
				files: limits.maxEntries,
				fields: 100,
				fieldSize: 64 * 1024,
				parts: limits.maxEntries + 100
			},
			preservePath: true
		});
	} catch (e) {
		throw new AppError(400, 'invalid', `not a multipart upload (${(e as Error).message})`, 'files');
	}
	const writes: Promise<void>[] = [];
	const open = new Set<WriteStream>();
	let failure: AppError | null = null;
	let onFailure = () => {};
	const fail = (e: AppError) => {
		failure ??= e;
		onFailure();
	};
	parser.on('file', (_field, stream, info) => {
		const name = (info.filename ?? '').replace(/^\/+/, '');
		const skip = (reason: string | null) => {
			if (reason) refused.push({ entry: name || '(no name)', reason });
			stream.resume();
		};
		if (failure || !name) return skip(null);
		if (isIgnoredPath(name)) return skip(null);
		const unsafe = unsafePathReason(name);
		if (unsafe) return skip(unsafe);
		const isZip = /\.zip$/i.test(name) || /^application\/(x-)?zip/i.test(info.mimeType);
		if (!isZip && /\.(jar|tar|tgz|gz|bz2|xz|zst|7z|rar)$/i.test(name))
			return skip('is an archive that is not a ZIP (only ZIP files are extracted)');
		if (!isZip && loose.some((f) => f.toLowerCase() === name.toLowerCase())) return skip('appears twice in the upload');
		const target = isZip ? join(rawDir, `${archives.length}.zip`) : join(filesDir, name);
		if (isZip) archives.push(target);
		else loose.push(name);
		mkdirSync(dirname(target), { recursive: true });
		writes.push(saveFile(stream, target));
	});
	// Copies one file part to disk with backpressure, counting the whole body's bytes. No
	// stream.pipeline here: destroying busboy's file stream would stall the parser.
	const saveFile = (stream: Readable, target: string) =>
		new Promise<void>((resolve) => {
			const out = createWriteStream(target, { flags: 'wx' });
			open.add(out);
			out.on('close', () => open.delete(out));
			let dead = false;
			const stop = (e: AppError) => {
				if (!dead) {
					dead = true;
					fail(e);
					out.destroy();
				}
				stream.resume();
				resolve();
			};
			out.on('error', (e) => stop(new AppError(400, 'invalid', `the file cannot be stored (${e.message})`, 'files')));
			stream.on('data', (chunk: Buffer) => {
				if (dead) return;
				total += chunk.length;
				if (total > limits.maxUploadBytes) return stop(tooLarge(limits));
				if (!out.write(chunk)) {
					stream.pause();
					out.once('drain', () => stream.resume());
				}
			});
			stream.on('error', (e) => stop(new AppError(400, 'invalid', `the upload was interrupted (${e.message})`, 'files')));
			stream.on('end', () => (dead ? resolve() : out.end(() => resolve())));
		});
	await new Promise<void>((resolve) => {
		const giveUp = () => {
			// stop parsing; what is still coming is read and dropped so the answer can go back
			request.body.unpipe(parser);
			request.body.resume();
			resolve();
		};
		onFailure = giveUp;
		parser.on('close', resolve);
		parser.on('error', (e) => {
			fail(new AppError(400, 'invalid', `the upload is not valid multipart data (${(e as Error).message})`, 'files'));
			giveUp();
		});
		request.body.once('error', (e) => {
			fail(new AppError(400, 'invalid', `the upload was interrupted (${e.message})`, 'files'));
			resolve();
		});
		request.body.pipe(parser);
	});
	// after a failure the part being received never ends: do not wait for it (its file goes with the folder)
	if (!failure) await Promise.all(writes);
	if (failure) {
		for (const out of open) out.destroy();
		throw failure;
	}
	if (archives.length === 0 && loose.length === 0)
		throw new AppError(400, 'invalid', 'choose a ZIP file or image files with a manifest', 'files');
	// a nested archive under an image's name is refused like one inside a ZIP
	for (const name of [...loose]) {
		if (looksLikeArchive(fileHead(join(filesDir, name)))) {
			rmSync(join(filesDir, name), { force: true });
			loose.splice(loose.indexOf(name), 1);
			refused.push({ entry: name, reason: 'is an archive (only .zip files are extracted, and not inside another archive)' });
		}
	}
	return { archives, loose, refused };
}

/** Where the manifest or prompts.csv is, and the rows to plan. */
function findLayout(filesDir: string, refused: RefusedEntry[]): { layout: StoredUpload['layout']; baseDir: string; rows: ManifestRow[] } {
	let baseDir = filesDir;
	const visible = (dir: string) => readdirSync(dir).filter((n) => !isIgnoredPath(n));
	// a zipped folder: everything inside one top folder
	const top = visible(filesDir);
	if (
		!top.includes('manifest.csv') &&
		!top.includes('prompts.csv') &&
		top.length === 1 &&
		lstatSync(join(filesDir, top[0])).isDirectory()
	) {
		baseDir = join(filesDir, top[0]);
	}
	const manifest = join(baseDir, 'manifest.csv');
	if (existsSync(manifest)) {
		return { layout: 'manifest', baseDir, rows: parseManifest(readText(manifest, 'manifest.csv'), 'files') };
	}
	const promptsFile = join(baseDir, 'prompts.csv');
	if (existsSync(promptsFile))
		return { layout: 'folders', baseDir, rows: folderRows(baseDir, readText(promptsFile, 'prompts.csv'), refused) };
	throw new AppError(
		400,
		'invalid',
		'no manifest.csv (image_path,prompt,system) and no prompts.csv (for <system>/<prompt_id>.<ext> folders) in the upload',
		'files'
	);
}

function readText(path: string, name: string): string {
	const bytes = readFileSync(path);
	const text = bytes.toString('utf8');
	if (text.includes('\uFFFD') || bytes.includes(0)) throw new AppError(400, 'invalid', `${name} is not UTF-8 text`, 'files');
	return text;
}

/** The folder convention: each file `<system>/<prompt_id>.<ext>` is one row, its prompt from prompts.csv. */
function folderRows(baseDir: string, promptsText: string, refused: RefusedEntry[]): ManifestRow[] {
	let records;
	try {
		records = parseCsv(promptsText.replace(/^\uFEFF/, ''));
	} catch (e) {
		throw new AppError(400, 'invalid', `prompts.csv is not valid CSV: ${(e as Error).message}`, 'files');
	}
	const header = (records[0]?.fields ?? []).map((h) => h.trim().toLowerCase());
	const iId = header.indexOf('prompt_id');
	const iPrompt = header.indexOf('prompt');
	const iCategory = header.indexOf('category');
	if (iId < 0 || iPrompt < 0) throw new AppError(400, 'invalid', 'prompts.csv needs the columns prompt_id and prompt', 'files');
	const prompts = new Map<string, { line: number; text: string; category: string }>();
	for (const { line, fields } of records.slice(1)) {
		const id = (fields[iId] ?? '').trim();
		const prior = prompts.get(id);
		// a repeated id keeps its first line; the rows that use it say so through their prompt
		if (!id || prior) {
			refused.push({
				entry: `prompts.csv line ${line}`,
				reason: id ? `prompt_id ${id} repeats line ${prior!.line}` : 'prompt_id is empty'
			});
			continue;
		}
		prompts.set(id, { line, text: (fields[iPrompt] ?? '').trim(), category: iCategory >= 0 ? (fields[iCategory] ?? '').trim() : '' });
	}
	const rows: ManifestRow[] = [];
	const walk = (dir: string) => {
		for (const name of readdirSync(dir).sort()) {
			const path = join(dir, name);
			const rel = relative(baseDir, path).split(sep).join('/');
			if (isIgnoredPath(rel)) continue;
			if (lstatSync(path).isDirectory()) {
				walk(path);
				continue;
			}
			const parts = rel.split('/');
			if (parts.length === 1) {
				if (rel !== 'prompts.csv') refused.push({ entry: rel, reason: 'is not inside a <system>/ folder' });
				continue;
			}
			if (parts.length !== 2) {
				refused.push({ entry: rel, reason: 'is not at <system>/<prompt_id>.<ext>' });
				continue;
			}
			const system = parts[0];
			const promptId = parts[1].replace(/\.[^.]*$/, '');
			const prompt = prompts.get(promptId);
			rows.push({
				line: prompt?.line ?? null,
				imagePath: rel,
				prompt: prompt?.text ?? '',
				system,
				promptId,
				category: prompt?.category ?? '',
				...(prompt ? {} : { problem: `prompt_id ${promptId} is not in prompts.csv` })
			});
		}
	};
	walk(baseDir);
	if (rows.length === 0) throw new AppError(400, 'invalid', 'prompts.csv is there but no <system>/<prompt_id>.<ext> images are', 'files');
	return rows;
}

/** A stored dry run of this campaign (not confirmed, not expired), or a 404. */
export async function readUpload(db: Kysely<Database>, campaign: Campaign, id: string): Promise<StoredUpload> {
	if (!ID.test(id)) throw notFound();
	const row = await db.selectFrom('upload_staging').selectAll().where('id', '=', id).executeTakeFirst();
	if (!row || row.campaign_id !== campaign.id || row.confirmed_at !== null || row.created_at < Date.now() - STALE_MS) throw notFound();
	const { layout, entries, plan } = JSON.parse(row.dry_run) as Pick<StoredUpload, 'layout' | 'entries' | 'plan'>;
	return { id, campaignId: row.campaign_id, createdBy: row.created_by, createdAt: row.created_at, layout, entries, plan };
}

/**
 * Writes an upload's valid rows (the refused ones were shown in the dry run), on whichever instance
 * the lead's request lands. One confirm at a time: it claims the dry run first (a second confirm gets
 * 409), copies the staged files to their content keys, then writes every row and marks the dry run
 * confirmed in one transaction (only while it still holds the claim), so a confirm that fails midway
 * leaves no row and the dry run can be confirmed again; one that succeeds cannot be repeated (409).
 */
export async function confirmUpload(
	db: Kysely<Database>,
	campaign: Campaign,
	id: string,
	actorId: string,
	dataDir: string
): Promise<ImportSummary> {
	if (!ID.test(id)) throw notFound();
	const row = await db.selectFrom('upload_staging').select(['campaign_id', 'confirmed_at']).where('id', '=', id).executeTakeFirst();
	if (!row || row.campaign_id !== campaign.id) throw notFound();
	if (row.confirmed_at !== null) throw new AppError(409, 'conflict', 'this upload was confirmed already', 'upload');
	const stored = await readUpload(db, campaign, id);
	const claimedAt = Date.now();
	const claim = await db
		.updateTable('upload_staging')
		.set({ claimed_at: claimedAt })
		.where('id', '=', id)
		.where('confirmed_at', 'is', null)
		.where(unclaimed(claimedAt))
		.executeTakeFirst();
	if (Number(claim.numUpdatedRows) === 0) throw new AppError(409, 'conflict', 'this upload is being confirmed already', 'upload');
	const store = await imageStoreFor(dataDir);
	let summary: ImportSummary;
	try {
		summary = await applyImport(db, campaign, stored.plan, {
			store,
			readStaged: (r) => store.get(`${stagingPrefix(id)}/${r.staged}`),
			skipInvalid: true,
			actorId,
			inTransaction: async (trx) => {
				const done = await trx
					.updateTable('upload_staging')
					.set({ confirmed_at: Date.now(), dry_run: '' })
					.where('id', '=', id)
					.where('claimed_at', '=', claimedAt)
					.where('confirmed_at', 'is', null)
					.executeTakeFirst();
				// another confirm took it over (this one outlived its claim): its rows, not these
				if (Number(done.numUpdatedRows) === 0) throw new AppError(409, 'conflict', 'this upload was confirmed meanwhile', 'upload');
			}
		});
	} catch (e) {
		// nothing of it was written: the dry run may be confirmed again
		await db
			.updateTable('upload_staging')
			.set({ claimed_at: null })
			.where('id', '=', id)
			.where('claimed_at', '=', claimedAt)
			.where('confirmed_at', 'is', null)
			.execute()
			.catch(() => undefined);
		throw e;
	}
	await dropStaged(store, id);
	// new prompts or systems join the schedule at once in this process (the others: their image count check)
	forgetScheduler(campaign.id);
	return summary;
}

/** Discards a dry run (not while it is being confirmed); its staged copies go with it. */
export async function cancelUpload(db: Kysely<Database>, dataDir: string, campaign: Campaign, id: string): Promise<void> {
	await readUpload(db, campaign, id);
	const now = Date.now();
	const gone = await db
		.deleteFrom('upload_staging')
		.where('id', '=', id)
		.where('confirmed_at', 'is', null)
		.where(unclaimed(now))
		.executeTakeFirst();
	if (Number(gone.numDeletedRows) === 0) throw new AppError(409, 'conflict', 'this upload is being confirmed', 'upload');
	const store = await imageStoreFor(dataDir);
	await dropStaged(store, id);
}

/** What the browser gets back from an upload: the dry run in a form a page renders. */
export function uploadJson(stored: StoredUpload) {
	const { plan } = stored;
	return {
		id: stored.id,
		layout: stored.layout,
		rows: plan.rows,
		ok: plan.valid.length,
		refused: plan.rejected.length + stored.entries.length,
		adds: plan.adds,
		results: plan.results,
		entries: stored.entries
	};
}
export type UploadView = ReturnType<typeof uploadJson>;

/** Messages for the page a post redirects to: why a plain (no-JavaScript) upload was refused, what a confirm added. */
const refusals = new Map<string, { message: string; at: number }>();

export function rememberMessage(message: string): string {
	const key = randomId();
	refusals.set(key, { message, at: Date.now() });
	for (const [k, v] of refusals) if (refusals.size > 200 || Date.now() - v.at > 600_000) refusals.delete(k);
	return key;
}

export function recallMessage(key: string | null): string | null {
	return key ? (refusals.get(key)?.message ?? null) : null;
}
