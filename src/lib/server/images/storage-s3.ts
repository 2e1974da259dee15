// The S3-compatible backend of the image store (storage.ts): AWS S3, MinIO, Ceph, R2, s3rver… Objects
// are whole or absent (a single PUT), keys are content-addressed, so a put of a key that exists is
// skipped and any instance may cache what it read. Requests have timeouts: a store that stopped
// answering fails the request with a clear error instead of holding it.
import {
	DeleteObjectCommand,
	GetObjectCommand,
	HeadBucketCommand,
	HeadObjectCommand,
	ListObjectsV2Command,
	PutObjectCommand,
	S3Client,
	type S3ClientConfig
} from '@aws-sdk/client-s3';
import { StoreError, type ImageStore, type S3Location } from './storage.ts';

// The SDK warns on Node 20 at its first client; the README states the Node versions this app supports
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Read objects kept in memory, by key (immutable content), so a hot pair is not fetched again per request. */
const CACHE_BYTES = 64 * 1024 * 1024;
const CACHE_ITEM_BYTES = 4 * 1024 * 1024;

export class S3ImageStore implements ImageStore {
	readonly description: string;
	private readonly client: S3Client;
	private readonly bucket: string;
	private readonly prefix: string;
	private readonly cache = new Map<string, Buffer>();
	private cached = 0;

	constructor(location: S3Location, settings: Pick<S3ClientConfig, 'region' | 'endpoint' | 'forcePathStyle' | 'credentials'>) {
		this.bucket = location.bucket;
		this.prefix = location.prefix;
		this.description = `s3://${location.bucket}${location.prefix ? '/' + location.prefix : ''}`;
		this.client = new S3Client({
			...settings,
			// two retries on top of the first attempt; each attempt bounded (a dead endpoint is refused
			// at once, a hung one times out)
			maxAttempts: 3,
			requestHandler: { connectionTimeout: 3_000, requestTimeout: 15_000 }
		});
	}

	private key(key: string): string {
		if (!key || key.startsWith('/') || key.split('/').some((p) => p === '..' || p === '.'))
			throw new StoreError(`invalid image key ${key}`);
		return this.prefix ? `${this.prefix}/${key}` : key;
	}

	private fail(error: unknown, doing: string, key?: string): StoreError {
		const e = error as { name?: string; $metadata?: { httpStatusCode?: number }; code?: string; message?: string };
		const status = e.$metadata?.httpStatusCode;
		const missing = status === 404 || e.name === 'NoSuchKey' || e.name === 'NotFound';
		const why = e.code ?? (e.name && e.name !== 'Error' ? e.name : undefined) ?? e.message ?? 'unknown error';
		const reason = `${why}${status ? `, HTTP ${status}` : ''}`;
		return new StoreError(`${doing}${key ? ' ' + key : ''} in ${this.description} failed (${reason})`, missing, reason);
	}

	async put(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
		if (await this.has(key)) return;
		try {
			await this.client.send(
				new PutObjectCommand({
					Bucket: this.bucket,
					Key: this.key(key),
					Body: bytes,
					ContentType: contentType,
					ContentLength: bytes.length,
					CacheControl: 'private, max-age=31536000, immutable'
				})
			);
		} catch (e) {
			throw this.fail(e, 'writing', key);
		}
	}

	async get(key: string): Promise<Buffer> {
		const hit = this.cache.get(key);
		if (hit) {
			// least recently used goes first: re-insert at the end
			this.cache.delete(key);
			this.cache.set(key, hit);
			return hit;
		}
		let bytes: Buffer;
		try {
			const answer = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(key) }));
			bytes = Buffer.from(await answer.Body!.transformToByteArray());
		} catch (e) {
			throw this.fail(e, 'reading', key);
		}
		this.remember(key, bytes);
		return bytes;
	}

	private remember(key: string, bytes: Buffer) {
		if (bytes.length > CACHE_ITEM_BYTES) return;
		this.cache.set(key, bytes);
		this.cached += bytes.length;
		for (const [k, v] of this.cache) {
			if (this.cached <= CACHE_BYTES) break;
			this.cache.delete(k);
			this.cached -= v.length;
		}
	}

	async has(key: string): Promise<boolean> {
		if (this.cache.has(key)) return true;
		try {
			await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.key(key) }));
			return true;
		} catch (e) {
			const error = this.fail(e, 'looking up', key);
			if (error.missing) return false;
			throw error;
		}
	}

	async delete(key: string): Promise<void> {
		const bytes = this.cache.get(key);
		if (bytes) {
			this.cache.delete(key);
			this.cached -= bytes.length;
		}
		try {
			await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.key(key) }));
		} catch (e) {
			throw this.fail(e, 'deleting', key);
		}
	}

	async deletePrefix(prefix: string): Promise<void> {
		const base = this.key(prefix) + '/';
		let token: string | undefined;
		do {
			let listed;
			try {
				listed = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: base, ContinuationToken: token }));
			} catch (e) {
				throw this.fail(e, 'listing', prefix);
			}
			// one DELETE per object: every S3-compatible server has it (multi-object delete is not everywhere)
			for (const object of listed.Contents ?? []) {
				if (!object.Key) continue;
				try {
					await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: object.Key }));
				} catch (e) {
					throw this.fail(e, 'deleting', object.Key);
				}
			}
			token = listed.IsTruncated ? listed.NextContinuationToken : undefined;
		} while (token);
	}

	async check(): Promise<void> {
		try {
			await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }), { abortSignal: AbortSignal.timeout(5_000) });
		} catch (e) {
			throw this.fail(e, 'checking the bucket');
		}
	}
}
