// Extracting an uploaded ZIP into a folder, treating every entry as hostile. An entry that could
// escape the folder (`..`, an absolute path), a symbolic link, a nested archive or an encrypted
// entry is not extracted and is listed with its reason; an archive whose declared or actual
// uncompressed size passes the limits (a ZIP bomb), or that is not a ZIP at all, is refused whole.
// Bytes are counted while they are inflated, never trusted from the headers alone.
import { createWriteStream, mkdirSync, openSync, readSync, closeSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { AppError } from '../errors.ts';

export interface ZipLimits {
	/** Largest single entry (uncompressed). */
	maxEntryBytes: number;
	/** All entries together (uncompressed). */
	maxTotalBytes: number;
	maxEntries: number;
}

export interface RefusedEntry {
	entry: string;
	reason: string;
}

const ARCHIVE_EXT = /\.(zip|jar|tar|tgz|gz|bz2|xz|zst|7z|rar|cpio|iso)$/i;
/** Folders and files archivers add that are nobody's images. */
const IGNORED = /(^|\/)(__MACOSX\/|\.DS_Store$|Thumbs\.db$|desktop\.ini$)/;

/**
 * Why an uploaded path (a ZIP entry or a multipart file name) may not be written, or null.
 * Paths are `/`-separated and relative; nothing may climb out or name a device.
 */
export function unsafePathReason(name: string): string | null {
	if (name.includes('\0')) return 'the name contains a NUL character';
	if (name.includes('\\')) return 'the name contains a backslash';
	if (/^[a-zA-Z]:/.test(name) || name.startsWith('/')) return 'absolute path (entries must be relative)';
	const parts = name.split('/');
	if (parts.includes('..')) return 'the path leaves the archive (..)';
	if (parts.some((p) => p === '.')) return 'the path contains a "." segment';
	if (name.length > 1000 || parts.some((p) => Buffer.byteLength(p) > 255)) return 'the name is too long';
	return null;
}

export function isIgnoredPath(name: string): boolean {
	return IGNORED.test(name);
}

/** Magic numbers of archives and compressed streams: a nested archive is refused whatever its name. */
export function looksLikeArchive(head: Buffer): boolean {
	const starts = (...bytes: number[]) => head.length >= bytes.length && bytes.every((v, i) => head[i] === v);
	return (
		starts(0x50, 0x4b, 0x03, 0x04) ||
		starts(0x50, 0x4b, 0x05, 0x06) ||
		starts(0x1f, 0x8b) ||
		starts(0x42, 0x5a, 0x68) ||
		starts(0xfd, 0x37, 0x7a, 0x58, 0x5a) ||
		starts(0x37, 0x7a, 0xbc, 0xaf) ||
		starts(0x52, 0x61, 0x72, 0x21) ||
		starts(0x28, 0xb5, 0x2f, 0xfd) ||
		(head.length >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar')
	);
}

export function fileHead(path: string, bytes = 262): Buffer {
	const fd = openSync(path, 'r');
	try {
		const buffer = Buffer.alloc(bytes);
		const n = readSync(fd, buffer, 0, bytes, 0);
		return buffer.subarray(0, n);
	} finally {
		closeSync(fd);
	}
}

const bomb = (message: string) => new AppError(413, 'zip_bomb', message, 'files');

/**
 * Extracts `zipPath` into `destDir` (entries keep their relative paths). `taken` holds paths already
 * written by earlier files of the same upload; `used` is the running total of bytes written.
 */
export async function extractZip(
	zipPath: string,
	destDir: string,
	limits: ZipLimits,
	taken: Set<string>,
	used = { bytes: 0 }
): Promise<{ files: string[]; refused: RefusedEntry[] }> {
	let zip: yauzl.ZipFile;
	try {
		// decodeStrings off: yauzl would abort the whole archive on one `..` entry; we refuse that entry only
		zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
			yauzl.open(zipPath, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: false }, (err, z) =>
				err ? reject(err) : resolve(z!)
			)
		);
	} catch (e) {
		throw new AppError(400, 'invalid', `the archive is not a readable ZIP file (${(e as Error).message})`, 'files');
	}
	const files: string[] = [];
	const refused: RefusedEntry[] = [];
	// an error between two reads must not go unheard (an 'error' without a listener ends the process)
	zip.on('error', () => {});
	try {
		if (zip.entryCount > limits.maxEntries)
			throw bomb(`the archive has ${zip.entryCount} entries, more than the limit of ${limits.maxEntries}`);
		let declared = 0;
		for (;;) {
			const entry = await nextEntry(zip);
			if (!entry) break;
			const lowLevel = yauzl as unknown as { getFileNameLowLevel(flag: number, raw: Buffer, extra: unknown, strict: boolean): string };
			const name = lowLevel.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileName as unknown as Buffer, entry.extraFields, false);
			if (name.endsWith('/') || isIgnoredPath(name)) continue; // folders are made as files need them
			declared += entry.uncompressedSize;
			if (declared > limits.maxTotalBytes) {
				throw bomb(`the archive declares more than ${formatBytes(limits.maxTotalBytes)} uncompressed, over the limit (a ZIP bomb?)`);
			}
			const refuse = (reason: string) => refused.push({ entry: name, reason });
			const unsafe = unsafePathReason(name);
			if (unsafe) {
				refuse(unsafe);
				continue;
			}
			const mode = (entry.externalFileAttributes >>> 16) & 0o170000;
			if (mode === 0o120000) {
				refuse('is a symbolic link (links are not followed)');
				continue;
			}
			if (mode !== 0 && mode !== 0o100000) {
				refuse('is not a regular file');
				continue;
			}
			if (entry.generalPurposeBitFlag & 0x1) {
				refuse('is encrypted');
				continue;
			}
			if (ARCHIVE_EXT.test(name)) {
				refuse('is an archive inside the archive (nested archives are not accepted)');
				continue;
			}
			if (entry.uncompressedSize > limits.maxEntryBytes) {
				refuse(`is ${formatBytes(entry.uncompressedSize)} uncompressed, over the limit of ${formatBytes(limits.maxEntryBytes)} per file`);
				continue;
			}
			if (taken.has(name.toLowerCase())) {
				refuse('appears twice in the upload');
				continue;
			}
			taken.add(name.toLowerCase());
			const target = join(destDir, name);
			mkdirSync(dirname(target), { recursive: true });
			const stream = await openEntry(zip, entry);
			let written = 0;
			const counter = new Transform({
				transform(chunk: Buffer, _enc, done) {
					written += chunk.length;
					used.bytes += chunk.length;
					// the header may lie: count what actually comes out of the inflater
					if (written > limits.maxEntryBytes || written > entry.uncompressedSize || used.bytes > limits.maxTotalBytes) {
						return done(bomb(`entry ${name} inflates past its declared size or the limits (a ZIP bomb?)`));
					}
					done(null, chunk);
				}
			});
			try {
				// 'wx': never write through something that is already there
				await pipeline(stream, counter, createWriteStream(target, { flags: 'wx' }));
			} catch (e) {
				rmSync(target, { force: true });
				if (e instanceof AppError) throw e;
				const message = (e as Error).message;
				if (/too many bytes/.test(message)) throw bomb(`entry ${name} inflates past its declared size (a ZIP bomb?)`);
				if (/too few bytes/.test(message))
					throw new AppError(400, 'invalid', `the archive is damaged: entry ${name} is shorter than its header says`, 'files');
				refuse(`cannot be extracted (${message})`);
				continue;
			}
			if (looksLikeArchive(fileHead(target))) {
				rmSync(target, { force: true });
				refuse('is an archive inside the archive (nested archives are not accepted)');
				continue;
			}
			files.push(name);
		}
	} finally {
		zip.close();
	}
	return { files, refused };
}

function nextEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | null> {
	return new Promise((resolve, reject) => {
		const cleanup = () => {
			zip.removeListener('entry', onEntry);
			zip.removeListener('end', onEnd);
			zip.removeListener('error', onError);
		};
		const onEntry = (entry: yauzl.Entry) => (cleanup(), resolve(entry));
		const onEnd = () => (cleanup(), resolve(null));
		const onError = (err: Error) => (cleanup(), reject(new AppError(400, 'invalid', `the archive is damaged (${err.message})`, 'files')));
		zip.on('entry', onEntry);
		zip.on('end', onEnd);
		zip.on('error', onError);
		zip.readEntry();
	});
}

function openEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<NodeJS.ReadableStream> {
	return new Promise((resolve, reject) =>
		zip.openReadStream(entry, (err, stream) =>
			err ? reject(new AppError(400, 'invalid', `the archive is damaged (${err.message})`, 'files')) : resolve(stream!)
		)
	);
}

export function formatBytes(n: number): string {
	if (n >= 1024 ** 3) return `${+(n / 1024 ** 3).toFixed(2)} GiB`;
	if (n >= 1024 ** 2) return `${+(n / 1024 ** 2).toFixed(1)} MiB`;
	if (n >= 1024) return `${+(n / 1024).toFixed(1)} KiB`;
	return `${n} bytes`;
}
