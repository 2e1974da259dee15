// A small ZIP writer for tests (and bench/upload.ts): stored or deflated entries, and the hostile
// shapes an upload must survive — `..` and absolute names, symbolic links, headers that lie about
// the uncompressed size. Streams entries to a file so a benchmark can write a gigabyte of them.
import { closeSync, openSync, writeSync } from 'node:fs';
import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipEntry {
	name: string;
	data: Buffer | string;
	/** Deflate (default: store, like archivers do for JPEG/PNG). */
	deflate?: boolean;
	/** Unix mode in the external attributes (e.g. 0o120777 for a symbolic link). */
	mode?: number;
	/** Claim this uncompressed size in the headers instead of the real one (a lying ZIP bomb). */
	declaredSize?: number;
}

/** Writes entries one at a time; `close()` writes the central directory. */
export class ZipWriter {
	#fd: number;
	#offset = 0;
	#central: Buffer[] = [];
	#count = 0;

	constructor(path: string) {
		this.#fd = openSync(path, 'w');
	}

	add(entry: ZipEntry): void {
		const { local, central } = encodeEntry(entry, this.#offset);
		this.#central.push(central);
		this.#write(local);
		this.#count++;
	}

	close(): void {
		const start = this.#offset;
		for (const part of this.#central) this.#write(part);
		const end = Buffer.alloc(22);
		end.writeUInt32LE(0x06054b50, 0);
		end.writeUInt16LE(this.#count, 8);
		end.writeUInt16LE(this.#count, 10);
		end.writeUInt32LE(this.#offset - start, 12);
		end.writeUInt32LE(start, 16);
		this.#write(end);
		closeSync(this.#fd);
	}

	#write(bytes: Buffer): void {
		writeSync(this.#fd, bytes);
		this.#offset += bytes.length;
	}
}

/** A whole ZIP in memory, for small test archives. */
export function zipBuffer(entries: ZipEntry[]): Buffer {
	const parts: Buffer[] = [];
	const central: Buffer[] = [];
	let offset = 0;
	for (const entry of entries) {
		const w = encodeEntry(entry, offset);
		parts.push(w.local);
		central.push(w.central);
		offset += w.local.length;
	}
	const cd = Buffer.concat(central);
	const end = Buffer.alloc(22);
	end.writeUInt32LE(0x06054b50, 0);
	end.writeUInt16LE(entries.length, 8);
	end.writeUInt16LE(entries.length, 10);
	end.writeUInt32LE(cd.length, 12);
	end.writeUInt32LE(offset, 16);
	return Buffer.concat([...parts, cd, end]);
}

function encodeEntry(entry: ZipEntry, offset: number): { local: Buffer; central: Buffer } {
	const data = typeof entry.data === 'string' ? Buffer.from(entry.data) : entry.data;
	const body = entry.deflate ? deflateRawSync(data, { level: 9 }) : data;
	const name = Buffer.from(entry.name, 'utf8');
	const crc = crc32(data);
	const size = entry.declaredSize ?? data.length;
	const method = entry.deflate ? 8 : 0;
	const local = Buffer.alloc(30);
	local.writeUInt32LE(0x04034b50, 0);
	local.writeUInt16LE(20, 4);
	local.writeUInt16LE(0x800, 6);
	local.writeUInt16LE(method, 8);
	local.writeUInt16LE(0x21, 12);
	local.writeUInt32LE(crc, 14);
	local.writeUInt32LE(body.length, 18);
	local.writeUInt32LE(size, 22);
	local.writeUInt16LE(name.length, 26);
	const central = Buffer.alloc(46);
	central.writeUInt32LE(0x02014b50, 0);
	central.writeUInt16LE((3 << 8) | 20, 4);
	central.writeUInt16LE(20, 6);
	central.writeUInt16LE(0x800, 8);
	central.writeUInt16LE(method, 10);
	central.writeUInt16LE(0x21, 14);
	central.writeUInt32LE(crc, 16);
	central.writeUInt32LE(body.length, 20);
	central.writeUInt32LE(size, 24);
	central.writeUInt16LE(name.length, 28);
	central.writeUInt32LE(((entry.mode ?? 0o100644) << 16) >>> 0, 38);
	central.writeUInt32LE(offset, 42);
	return { local: Buffer.concat([local, name, body]), central: Buffer.concat([central, name]) };
}
