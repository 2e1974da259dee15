// `pickwise backup --to FILE` while the real server runs and writes: the copy is one consistent,
// committed state holding every vote the server acknowledged before the backup (also those still in
// the WAL), passes SQLite's integrity check, and opens as a pickwise database. It refuses to
// overwrite a file and sends PostgreSQL users to pg_dump.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { openMigratedDatabase, type Db } from '../../src/lib/server/db/index.ts';
import { api, seedCampaign, type SeededCampaign } from '../helpers/campaign.ts';
import { pickwise } from '../helpers/cli.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

let root: string;
let db: Db;
let server: RunningServer;
let seeded: SeededCampaign;

beforeAll(async () => {
	root = mkdtempSync(join(tmpdir(), 'pickwise-backup-'));
	db = await openMigratedDatabase(`sqlite:${join(root, 'pickwise.db')}`);
	seeded = await seedCampaign(db.kysely, root, { slug: 'bk', systems: 3, prompts: 4, evaluators: 2 });
	server = await startServer(root);
});

afterAll(async () => {
	await server?.stop();
	await db?.close();
	rmSync(root, { recursive: true, force: true });
});

async function vote(cookie: string) {
	const next = await api(server.url, cookie, '/api/v1/campaigns/bk/next');
	expect(next.status).toBe(200);
	const cast = await api(server.url, cookie, '/api/v1/campaigns/bk/votes', {
		vote_id: crypto.randomUUID(),
		assignment_id: next.body.assignment.id,
		choice: 'left',
		rationale: 'The left one follows the prompt more closely.'
	});
	expect(cast.status).toBe(201);
}

describe('pickwise backup', () => {
	it('copies the live database with every acknowledged vote, consistent and checked', async () => {
		for (let i = 0; i < 6; i++) await vote(seeded.evaluators[i % 2].cookie);
		const target = join(root, 'copy.db');
		const result = pickwise(root, ['backup', '--to', target]);
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		expect(result.stdout).toContain(`to ${target}`);
		expect(existsSync(`${target}.partial`)).toBe(false);
		const copy = new SQLite(target, { readonly: true });
		try {
			expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
			expect((copy.prepare('select count(*) as n from vote').get() as { n: number }).n).toBe(6);
			expect((copy.prepare('select count(*) as n from image').get() as { n: number }).n).toBe(12);
		} finally {
			copy.close();
		}
		// the server kept answering, and the copy opens as a pickwise database (migrations all applied)
		await vote(seeded.evaluators[0].cookie);
		const reopened = await openMigratedDatabase(`sqlite:${target}`);
		expect((await reopened.kysely.selectFrom('vote').select('id').execute()).length).toBe(6);
		await reopened.close();
	});

	it('refuses to overwrite a file, and sends PostgreSQL to pg_dump', () => {
		const taken = join(root, 'taken.db');
		writeFileSync(taken, 'precious');
		const again = pickwise(root, ['backup', '--to', taken]);
		expect(again.code).toBe(2);
		expect(again.stderr).toContain('exists already');
		const pg = pickwise(root, ['backup', '--to', join(root, 'pg.db')], undefined, { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
		expect(pg.code).toBe(2);
		expect(pg.stderr).toContain('pg_dump');
		expect(pickwise(root, ['backup']).stderr).toContain('--to is required');
	});
});
