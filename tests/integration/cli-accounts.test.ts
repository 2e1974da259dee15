// The CLI's account and campaign commands use the same services as the browser: an invitation
// printed by `user invite` opens the same page; `campaign status` follows the same moves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pickwise } from '../helpers/cli.ts';
import { openMigratedDatabase } from '../../src/lib/server/db/index.ts';
import { acceptLink } from '../../src/lib/server/auth/invitations.ts';
import { authenticate } from '../../src/lib/server/auth/users.ts';

let dataDir: string;
beforeAll(() => {
	dataDir = mkdtempSync(join(tmpdir(), 'pickwise-cli-accounts-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const token = (stdout: string) => stdout.match(/\/invite\/([a-z2-7]+\.[a-z2-7]+)/)![1];

describe('pickwise user and campaign commands', () => {
	it('invites, resets, disables and enables through the account services', async () => {
		const invited = pickwise(dataDir, ['user', 'invite', '--email', 'Ann@cli.test', '--name', 'Ann']);
		expect(invited.code, invited.stderr).toBe(0);
		expect(invited.stdout).toMatch(/invited ann@cli.test \(member\)\n\/invite\//);
		const dup = pickwise(dataDir, ['user', 'invite', '--email', 'ann@cli.test']);
		expect(dup.code).toBe(1);
		expect(dup.stderr).toMatch(/email: a user with email ann@cli.test already exists/);
		let db = await openMigratedDatabase(`sqlite:${join(dataDir, 'pickwise.db')}`);
		await acceptLink(db.kysely, token(invited.stdout), 'ann password 1', 'ann password 1');
		await db.close();
		expect(pickwise(dataDir, ['user', 'list']).stdout).toMatch(/ann@cli.test\tAnn\tmember\t\d{4}-/);

		const reset = pickwise(dataDir, ['user', 'reset', '--email', 'ann@cli.test']);
		expect(reset.stdout).toMatch(/password-reset link for ann@cli.test/);
		expect(pickwise(dataDir, ['user', 'disable', '--email', 'ann@cli.test']).code).toBe(0);
		db = await openMigratedDatabase(`sqlite:${join(dataDir, 'pickwise.db')}`);
		// disabling also voids the open reset link
		await expect(acceptLink(db.kysely, token(reset.stdout), 'ann password 2', 'ann password 2')).rejects.toMatchObject({ status: 404 });
		await expect(authenticate(db.kysely, 'ann@cli.test', 'ann password 1', '10.9.0.1')).rejects.toMatchObject({ status: 400 });
		await db.close();
		expect(pickwise(dataDir, ['user', 'enable', '--email', 'ann@cli.test']).code).toBe(0);
		db = await openMigratedDatabase(`sqlite:${join(dataDir, 'pickwise.db')}`);
		expect((await authenticate(db.kysely, 'ann@cli.test', 'ann password 1', '10.9.0.2')).email).toBe('ann@cli.test');
		await db.close();
	});

	it('creates a draft, refuses activating it without images, and closes it for good', () => {
		expect(pickwise(dataDir, ['campaign', 'create', '--slug', 'cli-draft', '--name', 'Draft', '--draft']).stdout).toBe(
			'created campaign cli-draft (draft)\n'
		);
		const activate = pickwise(dataDir, ['campaign', 'status', '--slug', 'cli-draft', '--to', 'active']);
		expect(activate.code).toBe(1);
		expect(activate.stderr).toMatch(/status: Add images from at least two systems/);
		expect(pickwise(dataDir, ['campaign', 'status', '--slug', 'cli-draft', '--to', 'closed']).stdout).toBe('cli-draft: draft → closed\n');
		const reopen = pickwise(dataDir, ['campaign', 'status', '--slug', 'cli-draft', '--to', 'active']);
		expect(reopen.stderr).toMatch(/closed is final/);
		// scripts that create and import at once: active by default, as before
		expect(pickwise(dataDir, ['campaign', 'create', '--slug', 'cli-live', '--name', 'Live']).stdout).toBe(
			'created campaign cli-live (active)\n'
		);
		expect(pickwise(dataDir, ['campaign', 'add-member', '--slug', 'cli-live', '--email', 'ann@cli.test', '--role', 'evaluator']).code).toBe(
			0
		);
		expect(pickwise(dataDir, ['campaign', 'remove-member', '--slug', 'cli-live', '--email', 'ann@cli.test']).stdout).toMatch(
			/removed from cli-live/
		);
		expect(pickwise(dataDir, ['campaign', 'remove-member', '--slug', 'cli-live', '--email', 'ann@cli.test']).code).toBe(1);
	});
});
