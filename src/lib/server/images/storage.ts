// Where image files live: a local folder (default: DATA_DIR; also a shared mount) or an S3-compatible
// bucket (IMAGE_STORE=s3://bucket/prefix). Files are stored by content hash under keys such as
// images/ab/<sha256>.<ext> (the image row's stored_path), never under a user's file name, and a key
// always holds the same bytes: a put is whole or absent (rename / a single PUT), and puts of a key that
// exists already are skipped. Every instance of the app reads the same store, so several instances can
// serve the same images.
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { access, mkdir, readFile, rename, rm, stat, writeFile, constants } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { randomId } from '../ids.ts';
import { AppError } from '../errors.ts';

export function dataDirFromEnv(env: NodeJS.ProcessEnv = process.env): string {
	return resolve(env.DATA_DIR ?? './data');
}

/** Relative path (store key) of a served (re-encoded, metadata-free) copy: images/ab/<sha256>.<ext>. */
export function contentPath(sha256: string, ext: string): string {
	return ['images', sha256.slice(0, 2), `${sha256}.${ext}`].join('/');
}

export interface ImageStore {
	/** For logs and health answers: the folder, or s3://bucket/prefix (never credentials). */
	readonly description: string;
	/** Stores bytes under a key unless the key exists (keys are content-addressed): whole or not at all. */
	put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
	/** The stored bytes; throws StoreError (missing: true) when there is no such key. */
	get(key: string): Promise<Buffer>;
	has(key: string): Promise<boolean>;
	delete(key: string): Promise<void>;
	/** Deletes every key under `prefix/` (an upload's staged copies, staging/<id>); nothing there is fine. */
	deletePrefix(prefix: string): Promise<void>;
	/** Throws a StoreError when the store cannot be reached or written (readiness checks). */
	check(): Promise<void>;
}

/** The store failed: unreachable, refused, timed out, or the key is missing. Its message names the store, not its secrets. */
export class StoreError extends Error {
	constructor(
		message: string,
		readonly missing = false,
		/** A short cause safe to show anyone (an errno or S3 error code), for health answers. */
		readonly reason = 'error'
	) {
		super(message);
		this.name = 'StoreError';
	}
}

/**
 * What a request that needed the store gets: 503 naming the cause, never a hang or a raw 500. The
 * details (key, bucket, folder) go to the log only: an image's key is its content hash, which an
 * evaluator must not learn from an error page.
 */
export function storeUnavailable(error: unknown, doing: string): AppError {
	console.error(`image store: ${error instanceof Error ? error.message : String(error)}`);
	const reason = error instanceof StoreError ? error.reason : 'error';
	return new AppError(503, 'store_unavailable', `the image store cannot ${doing} (${reason})`);
}

/** One object for `putAll`: its bytes are read only when its turn comes. */
export interface PutItem {
	key: string;
	contentType: string;
	bytes: () => Promise<Uint8Array> | Uint8Array;
}

/**
 * Puts objects into the store a few at a time (an object store answers each in a round trip); the first
 * failure stops the rest and is thrown, a store failure as the 503 of `storeUnavailable(…, doing)`.
 */
export async function putAll(store: ImageStore, items: readonly PutItem[], doing: string): Promise<void> {
	let next = 0;
	let failed: unknown = null;
	const worker = async () => {
		while (failed === null && next < items.length) {
			const item = items[next++];
			try {
				await store.put(item.key, await item.bytes(), item.contentType);
			} catch (e) {
				failed ??= e;
			}
		}
	};
	await Promise.all(Array.from({ length: Math.min(8, items.length) }, worker));
	if (failed !== null) {
		if (failed instanceof StoreError) throw storeUnavailable(failed, doing);
		throw failed;
	}
}

/** A folder: DATA_DIR by default, or IMAGE_STORE=/absolute/path (e.g. a mount shared by several instances). */
export class LocalImageStore implements ImageStore {
	readonly description: string;
	constructor(readonly root: string) {
		this.description = root;
	}

	private path(key: string): string {
		const target = resolve(this.root, key);
		const rel = relative(this.root, target);
		if (!rel || rel.startsWith('..' + sep) || rel === '..' || isAbsolute(rel)) throw new StoreError(`invalid image key ${key}`);
		return target;
	}

	async put(key: string, bytes: Uint8Array): Promise<void> {
		const target = this.path(key);
		if (existsSync(target)) return;
		const tmp = `${target}.${randomId()}.tmp`;
		try {
			await mkdir(dirname(target), { recursive: true });
			await writeFile(tmp, bytes);
			await rename(tmp, target);
		} catch (e) {
			// a full disk must not leave half a file behind
			await rm(tmp, { force: true });
			const code = (e as NodeJS.ErrnoException).code;
			throw new StoreError(`cannot write ${key} under ${this.root} (${code ?? (e as Error).message})`, false, code ?? 'error');
		}
	}

	async get(key: string): Promise<Buffer> {
		try {
			return await readFile(this.path(key));
		} catch (e) {
			const code = (e as NodeJS.ErrnoException).code;
			throw new StoreError(`cannot read ${key} under ${this.root} (${code ?? (e as Error).message})`, code === 'ENOENT', code ?? 'error');
		}
	}

	async has(key: string): Promise<boolean> {
		try {
			return (await stat(this.path(key))).isFile();
		} catch {
			return false;
		}
	}

	async delete(key: string): Promise<void> {
		await rm(this.path(key), { force: true });
	}

	async deletePrefix(prefix: string): Promise<void> {
		await rm(this.path(prefix), { recursive: true, force: true });
	}

	async check(): Promise<void> {
		try {
			await mkdir(this.root, { recursive: true });
			await access(this.root, constants.R_OK | constants.W_OK);
		} catch (e) {
			const code = (e as NodeJS.ErrnoException).code;
			throw new StoreError(`${this.root} is not a writable folder (${code ?? (e as Error).message})`, false, code ?? 'not writable');
		}
	}
}

/** Synchronous atomic write under a folder (tests and tools that build a data folder by hand). */
export function writeFileAtomic(dataDir: string, relativePath: string, bytes: Uint8Array): void {
	const target = join(dataDir, relativePath);
	if (existsSync(target)) return;
	mkdirSync(dirname(target), { recursive: true });
	const tmp = `${target}.${randomId()}.tmp`;
	try {
		writeFileSync(tmp, bytes);
		renameSync(tmp, target);
	} catch (e) {
		rmSync(tmp, { force: true });
		throw e;
	}
}

export interface S3Location {
	bucket: string;
	/** '' or a prefix without leading or trailing slash. */
	prefix: string;
}

/** Parses IMAGE_STORE=s3://bucket[/prefix]; a bad value throws naming the variable. */
export function parseS3Url(value: string): S3Location {
	const match = /^s3:\/\/([^/]*)(?:\/(.*))?$/.exec(value);
	const bucket = match?.[1] ?? '';
	// S3's own bucket rules (also what MinIO and the other compatible servers accept)
	if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) || bucket.includes('..')) {
		throw new Error(
			`IMAGE_STORE must be s3://<bucket>[/<prefix>] with a bucket name of 3–63 lower-case letters, digits, dots and hyphens (got '${value}')`
		);
	}
	const prefix = (match?.[2] ?? '').replace(/^\/+|\/+$/g, '');
	if (prefix.split('/').some((part) => part === '..' || part === '.'))
		throw new Error(`IMAGE_STORE's prefix may not contain . or .. (got '${value}')`);
	return { bucket, prefix };
}

/** The S3 client settings from the usual AWS variables, checked so that a mistake names its variable at start. */
export function s3SettingsFromEnv(env: NodeJS.ProcessEnv) {
	const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
	if (endpoint) {
		let url: URL | null = null;
		try {
			url = new URL(endpoint);
		} catch {
			/* reported below */
		}
		if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
			throw new Error(`AWS_ENDPOINT_URL must be an http:// or https:// URL (got '${endpoint}')`);
	}
	const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || (endpoint ? 'us-east-1' : undefined);
	if (!region) throw new Error('AWS_REGION must be set for IMAGE_STORE=s3://… (or AWS_ENDPOINT_URL for an S3-compatible server)');
	const keyId = env.AWS_ACCESS_KEY_ID;
	const secret = env.AWS_SECRET_ACCESS_KEY;
	if (!!keyId !== !!secret)
		throw new Error(
			keyId ? 'AWS_SECRET_ACCESS_KEY must be set with AWS_ACCESS_KEY_ID' : 'AWS_ACCESS_KEY_ID must be set with AWS_SECRET_ACCESS_KEY'
		);
	return {
		region,
		endpoint,
		// an S3-compatible server (MinIO, Ceph, s3rver…) is addressed by path, not by a bucket host name
		forcePathStyle: !!endpoint,
		// without keys the SDK's own chain applies (instance role, web identity, ~/.aws)
		credentials:
			keyId && secret ? { accessKeyId: keyId, secretAccessKey: secret, sessionToken: env.AWS_SESSION_TOKEN || undefined } : undefined
	};
}

/**
 * The store the environment names, for a data folder: IMAGE_STORE=s3://bucket/prefix, or an absolute
 * folder; unset, the data folder itself (images/ under DATA_DIR, as always). Throws naming the variable.
 */
export async function imageStoreFor(dataDir: string, env: NodeJS.ProcessEnv = process.env): Promise<ImageStore> {
	const value = env.IMAGE_STORE?.trim();
	if (!value) return new LocalImageStore(resolve(dataDir));
	if (value.startsWith('s3://')) {
		const location = parseS3Url(value);
		const settings = s3SettingsFromEnv(env);
		// loaded only when configured: a local deployment never pays for the SDK
		const { S3ImageStore } = await import('./storage-s3.ts');
		return new S3ImageStore(location, settings);
	}
	if (value.startsWith('file://')) return new LocalImageStore(resolve(new URL(value).pathname));
	if (isAbsolute(value)) return new LocalImageStore(resolve(value));
	throw new Error(`IMAGE_STORE must be s3://<bucket>[/<prefix>] or an absolute folder path (got '${value}')`);
}

let shared: Promise<ImageStore> | null = null;

/** The server's (or CLI's) one store, from IMAGE_STORE and DATA_DIR. */
export function imageStore(): Promise<ImageStore> {
	shared ??= imageStoreFor(dataDirFromEnv());
	// a failed configuration is reported again on the next call, not cached as a rejected promise forever
	shared.catch(() => (shared = null));
	return shared;
}

/**
 * The stored bytes of an image, whatever the store (the served copy: re-encoded, metadata-free, in the
 * format its row says). For features computed from pixels (e.g. luminance and contrast in results).
 * Throws for a placeholder row of an imported battle, which has no file.
 */
export async function readImageBytes(image: { stored_path: string }): Promise<Buffer> {
	if (!image.stored_path) throw new StoreError('this image has no stored file (a placeholder of imported battles)', true);
	return (await imageStore()).get(image.stored_path);
}
