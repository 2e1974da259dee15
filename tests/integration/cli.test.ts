// The `pickwise` command as users run it, on a real data folder.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pickwise } from '../helpers/cli.ts';
import { openMigratedDatabase } from '../../src/lib/server/db/index.ts';
import { authenticate } from '../../src/lib/server/auth/users.ts';

let dataDir: string;
beforeAll(() => {
	dataDir = mkdtempSync(join(tmpdir(), 'pickwise-cli-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('pickwise CLI', () => {
	it('adds users (password from stdin or generated once) and lists them', async () => {
		const a = pickwise(
			dataDir,
			['user', 'add', '--email', 'Root@Example.org', '--role', 'admin', '--password-stdin'],
			'a strong password\n'
		);
		expect(a.code).toBe(0);
		expect(a.stdout).toContain('added root@example.org (admin)');
		const b = pickwise(dataDir, ['user', 'add', '--email', 'eve@example.org', '--name', 'Eve']);
		expect(b.stdout).toMatch(/password: [a-z2-7]{24}/);
		const list = pickwise(dataDir, ['user', 'list']);
		expect(list.stdout).toContain('root@example.org\troot\tadmin');
		expect(list.stdout).toContain('eve@example.org\tEve\tmember');
		const db = await openMigratedDatabase(`sqlite:${join(dataDir, 'pickwise.db')}`);
		expect((await authenticate(db.kysely, 'root@example.org', 'a strong password', '10.1.1.1')).is_admin).toBe(1);
		await db.close();
	});

	it('says what is wrong with bad input, with a non-zero exit', () => {
		expect(pickwise(dataDir, ['user', 'add', '--email', 'eve@example.org']).stderr).toContain(
			'email: a user with email eve@example.org already exists'
		);
		expect(pickwise(dataDir, ['user', 'add', '--email', 'not-an-email']).stderr).toContain('email is not an email address');
		expect(pickwise(dataDir, ['user', 'add', '--email', 'x@example.org', '--role', 'boss']).code).toBe(2);
		expect(pickwise(dataDir, ['campaign', 'create', '--slug', 'Bad Slug', '--name', 'x']).stderr).toContain('slug must be lower-case');
		expect(pickwise(dataDir, ['nonsense']).stderr).toContain("unknown command 'nonsense'");
		expect(pickwise(dataDir, ['user', 'add', '--bogus']).stderr).toContain("Unknown option '--bogus'");
	});

	it('creates campaigns with guidelines, members and criteria', () => {
		writeFileSync(join(dataDir, 'guidelines.md'), '# Judge carefully\n');
		expect(
			pickwise(dataDir, ['campaign', 'create', '--slug', 'c1', '--name', 'First', '--guidelines', join(dataDir, 'guidelines.md')]).code
		).toBe(0);
		expect(pickwise(dataDir, ['campaign', 'create', '--slug', 'c1', '--name', 'Again']).stderr).toContain('already exists');
		expect(
			pickwise(dataDir, ['campaign', 'add-member', '--slug', 'c1', '--email', 'eve@example.org', '--role', 'evaluator', '--quota', '50'])
				.stdout
		).toContain('eve@example.org is evaluator in c1 (quota 50)');
		expect(
			pickwise(dataDir, ['campaign', 'add-member', '--slug', 'c1', '--email', 'nobody@example.org', '--role', 'lead']).stderr
		).toContain('no user with email');
		expect(pickwise(dataDir, ['campaign', 'add-member', '--slug', 'c1', '--email', 'eve@example.org', '--role', 'owner']).stderr).toContain(
			'role must be one of lead, researcher, evaluator'
		);
		expect(pickwise(dataDir, ['campaign', 'add-criterion', '--slug', 'c1', '--key', 'adherence', '--label', 'Prompt adherence']).code).toBe(
			0
		);
		expect(pickwise(dataDir, ['campaign', 'add-criterion', '--slug', 'c1', '--key', 'overall', '--label', 'x']).stderr).toContain(
			'not "overall"'
		);
	});
});
