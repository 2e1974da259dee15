// Image files under DATA_DIR, stored by content hash (never by a user's file name), written atomically.
import { mkdirSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { randomId } from '../ids.ts';

export function dataDirFromEnv(env: NodeJS.ProcessEnv = process.env): string {
	return resolve(env.DATA_DIR ?? './data');
}

/** Relative path of a served (re-encoded, metadata-free) copy: images/ab/<sha256>.<ext>. */
export function contentPath(sha256: string, ext: string): string {
	return join('images', sha256.slice(0, 2), `${sha256}.${ext}`);
}

export function writeFileAtomic(dataDir: string, relativePath: string, bytes: Uint8Array): void {
	const target = join(dataDir, relativePath);
	if (existsSync(target)) return;
	mkdirSync(dirname(target), { recursive: true });
	const tmp = `${target}.${randomId()}.tmp`;
	writeFileSync(tmp, bytes);
	renameSync(tmp, target);
}
