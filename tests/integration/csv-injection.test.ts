// CSV injection: text a spreadsheet would run as a formula (a rationale, a system name) is written
// with a leading ' in every CSV the server sends, numbers stay numbers, and pickwise's own readers
// (`pickwise rank`, `pickwise import votes`) read its exports back unchanged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMigratedDatabase } from '../../src/lib/server/db/index.ts';
import { createUser } from '../../src/lib/server/auth/users.ts';
import { addMember, createCampaign, requireCampaign } from '../../src/lib/server/campaigns/campaigns.ts';
import { importImages } from '../../src/lib/server/images/import.ts';
import { createSession } from '../../src/lib/server/auth/session.ts';
import { nextAssignment } from '../../src/lib/server/voting/leases.ts';
import { castVote } from '../../src/lib/server/voting/cast-vote.ts';
import { parseCsv, unescapeFormula } from '../../src/lib/csv.ts';
import { parseBattles } from '../../src/lib/ranking/index.ts';
import { solidPng } from '../helpers/images.ts';
import { pickwise } from '../helpers/cli.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

const ATTACK = "-2+3+cmd|' /C calc'!A0";
const SYSTEMS = ['=HYPERLINK("http://evil.example")', '-v2', '@sum', 'plain'];
const FORMULA = /^[=+\-@\t\r]/;
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

let root: string;
let server: RunningServer;
let cookie: string;

beforeAll(async () => {
	root = mkdtempSync(join(tmpdir(), 'pickwise-csv-'));
	const db = await openMigratedDatabase(`sqlite:${join(root, 'pickwise.db')}`);
	await createCampaign(db.kysely, { slug: 'sheet', name: 'Sheet' });
	const set = join(root, 'set');
	mkdirSync(set);
	const lines = ['image_path,prompt,system'];
	for (let s = 0; s < SYSTEMS.length; s++) {
		writeFileSync(join(set, `${s}.png`), await solidPng(8, 8, { r: s * 40, g: 0, b: 0 }));
		lines.push(`${s}.png,=1+1 a prompt,"${SYSTEMS[s].replace(/"/g, '""')}"`);
	}
	writeFileSync(join(set, 'manifest.csv'), lines.join('\n') + '\n');
	await importImages(db.kysely, { campaign: 'sheet', manifestPath: join(set, 'manifest.csv'), dataDir: root });
	const evaluator = await createUser(db.kysely, { email: 'eve@sheet.test', password: 'evaluator-password' });
	await addMember(db.kysely, { slug: 'sheet', email: 'eve@sheet.test', role: 'evaluator' });
	const researcher = await createUser(db.kysely, { email: 'rae@sheet.test', password: 'researcher-password' });
	await addMember(db.kysely, { slug: 'sheet', email: 'rae@sheet.test', role: 'researcher' });
	cookie = `pickwise_session=${(await createSession(db.kysely, researcher.id)).token}`;
	const campaign = await requireCampaign(db.kysely, 'sheet');
	// every vote a tie: whatever sides the scheduler draws, each system meets the others and no system
	// is unbeaten, so the ratings exist (decisive votes on six pairs could leave one never losing)
	for (let i = 0; i < 12; i++) {
		const pair = await nextAssignment(db.kysely, campaign, evaluator.id, null);
		if (!pair) break;
		await castVote(db.kysely, campaign, evaluator.id, {
			voteId: crypto.randomUUID(),
			assignmentId: pair.assignment.id,
			choice: 'tie',
			rationale: ATTACK
		});
	}
	await db.close();
	// CLI runs block this test's event loop (spawnSync): keep idle sockets open longer than that
	server = await startServer(root, { KEEP_ALIVE_TIMEOUT: '600' });
});

afterAll(async () => {
	await server?.stop();
	rmSync(root, { recursive: true, force: true });
});

async function download(path: string) {
	const response = await fetch(server.url + path, { headers: { cookie, origin: server.url } });
	expect(response.status).toBe(200);
	return response.text();
}

/** No cell starts like a formula unless it is a plain number. */
function expectDefused(rows: string[][]) {
	for (const row of rows) for (const cell of row) if (FORMULA.test(cell)) expect(cell).toMatch(NUMBER);
}

describe('CSV downloads', () => {
	it('defuses the rationale and the system names in the votes CSV, and they read back unchanged', async () => {
		const rows = parseCsv(await download('/api/v1/campaigns/sheet/votes?format=csv')).map((r) => r.fields);
		expect(rows.length).toBeGreaterThan(1);
		expectDefused(rows);
		const col = (name: string) => rows[0].indexOf(name);
		for (const row of rows.slice(1)) {
			expect(row[col('rationale')]).toBe(`'${ATTACK}`);
			expect(unescapeFormula(row[col('rationale')])).toBe(ATTACK);
			expect(unescapeFormula(row[col('prompt')])).toBe('=1+1 a prompt');
			expect(SYSTEMS).toContain(unescapeFormula(row[col('left_system')]));
			expect(Number(row[col('active_ms')])).not.toBeNaN();
		}
	});

	it('defuses the system names in the leaderboard CSV and keeps its numbers numbers', async () => {
		const rows = parseCsv(await download('/api/v1/campaigns/sheet/leaderboard?format=csv&bootstrap=0')).map((r) => r.fields);
		expectDefused(rows);
		for (const row of rows.slice(1)) {
			expect(SYSTEMS).toContain(unescapeFormula(row[1]));
			expect(Number(row[2])).not.toBeNaN();
		}
	});

	it('defuses the battles export, which `pickwise rank` and `pickwise import votes` read back with the names unchanged', async () => {
		const text = await download('/api/v1/campaigns/sheet/votes?format=battles');
		const rows = parseCsv(text).map((r) => r.fields);
		expectDefused(rows);
		expect(rows.slice(1).map((r) => unescapeFormula(r[rows[0].indexOf('rationale')]))).toEqual(rows.slice(1).map(() => ATTACK));
		const file = join(root, 'battles.csv');
		writeFileSync(file, text);
		const ranked = pickwise(root, ['rank', file, '--bootstrap', '0']);
		expect(ranked.stderr).toBe('');
		const names = JSON.parse(ranked.stdout).leaderboard.map((r: { system: string }) => r.system);
		const voted = new Set(rows.slice(1).flatMap((r) => [unescapeFormula(r[0]), unescapeFormula(r[1])]));
		expect(new Set(names)).toEqual(voted);
		for (const name of names) expect(SYSTEMS).toContain(name);
		// `rank --format csv` writes its own CSV by the same rule
		const rankCsv = parseCsv(pickwise(root, ['rank', file, '--bootstrap', '0', '--format', 'csv']).stdout).map((r) => r.fields);
		expectDefused(rankCsv);
		expect(new Set(rankCsv.slice(1).map((r) => unescapeFormula(r[0])))).toEqual(voted);
		// and a battles import into another campaign creates the systems under their real names
		expect(pickwise(root, ['campaign', 'create', '--slug', 'copy', '--name', 'Copy']).code).toBe(0);
		const imported = pickwise(root, ['import', 'votes', '--campaign', 'copy', '--file', file]);
		expect(imported.stderr).toBe('');
		// (read back through an export of the copy: a name imported with the ' still on would come out as ''…)
		const copied = pickwise(root, ['export', 'votes', '--campaign', 'copy', '--format', 'battles']);
		const copiedNames = parseBattles(new TextEncoder().encode(copied.stdout), 'csv').names;
		expect(new Set(copiedNames)).toEqual(voted);
	}, 180_000);
});
