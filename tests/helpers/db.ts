// A real SQLite file in a temp folder with every migration applied: what every server test uses.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMigratedDatabase, type Db } from '../../src/lib/server/db/index.ts';

export interface TestDatabase extends Db {
	dir: string;
	file: string;
	cleanup(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
	const dir = mkdtempSync(join(tmpdir(), 'pickwise-test-'));
	const file = join(dir, 'pickwise.db');
	const db = await openMigratedDatabase(`sqlite:${file}`);
	return {
		...db,
		dir,
		file,
		async cleanup() {
			await db.close();
			rmSync(dir, { recursive: true, force: true });
		}
	};
}
