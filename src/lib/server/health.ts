// Health answers for load balancers and process managers. Liveness (/healthz) says the process
// answers; readiness (/readyz) says this instance can serve: the database answers a trivial query,
// every migration this code knows is applied (an instance started before a rolling upgrade's
// migration ran stays ready: migrations only add), and the image store is reachable. Answers carry
// short causes (an error code), never addresses, bucket names or credentials; details go to the log.
import { sql } from 'kysely';
import { getDb } from './db/instance.ts';
import { migrations } from '../../../migrations/index.ts';
import { imageStore, StoreError } from './images/storage.ts';

export type CheckName = 'database' | 'migrations' | 'imageStore';

export interface Readiness {
	ready: boolean;
	checks: Record<CheckName, string>;
	/** The first failing check and why, e.g. "database: unreachable (ECONNREFUSED)". */
	reason?: string;
}

/** Each check gets this long: a probe that hangs must not hang the load balancer's request. */
const CHECK_MS = 3_000;

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
	let timer: NodeJS.Timeout;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${ms / 1000} s`), { code: 'timeout' })), ms);
	});
	return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A short cause for a failed check: an error code or name, never the message (it may hold a host or a user name). */
function cause(error: unknown): string {
	if (error instanceof StoreError) return error.reason;
	const e = error as { code?: unknown; name?: unknown };
	if (typeof e?.code === 'string' && /^[\w.-]{1,40}$/.test(e.code)) return e.code;
	return typeof e?.name === 'string' && e.name !== 'Error' ? e.name : 'error';
}

async function checkDatabase(): Promise<string | null> {
	try {
		const db = await within(getDb(), CHECK_MS);
		await within(sql`select 1`.execute(db.kysely), CHECK_MS);
		return null;
	} catch (e) {
		console.error(`readyz: database: ${(e as Error).message}`);
		return `unreachable (${cause(e)})`;
	}
}

async function checkMigrations(): Promise<string | null> {
	try {
		const db = await within(getDb(), CHECK_MS);
		const applied = await within(sql<{ name: string }>`select name from kysely_migration`.execute(db.kysely), CHECK_MS);
		const names = new Set(applied.rows.map((r) => r.name));
		const pending = Object.keys(migrations).filter((name) => !names.has(name));
		return pending.length ? `${pending.length} pending (${pending[0]}${pending.length > 1 ? ', …' : ''})` : null;
	} catch (e) {
		console.error(`readyz: migrations: ${(e as Error).message}`);
		return `cannot be read (${cause(e)})`;
	}
}

async function checkImageStore(): Promise<string | null> {
	try {
		await within(
			imageStore().then((store) => store.check()),
			CHECK_MS
		);
		return null;
	} catch (e) {
		console.error(`readyz: image store: ${(e as Error).message}`);
		return `unavailable (${cause(e)})`;
	}
}

let running: Promise<Readiness> | null = null;

/** Runs the three checks at once; probes that arrive meanwhile share the answer (a flood of probes costs one check). */
export function readiness(): Promise<Readiness> {
	running ??= (async () => {
		const [database, migrationsState, store] = await Promise.all([checkDatabase(), checkMigrations(), checkImageStore()]);
		const checks: Record<CheckName, string> = {
			database: database ?? 'ok',
			migrations: migrationsState ?? 'ok',
			imageStore: store ?? 'ok'
		};
		const failed = (Object.entries(checks) as [CheckName, string][]).find(([, v]) => v !== 'ok');
		return { ready: !failed, checks, ...(failed ? { reason: `${failed[0]}: ${failed[1]}` } : {}) };
	})().finally(() => (running = null));
	return running;
}

/** Headers of both health answers: never cached by a proxy, never sniffed. */
export const HEALTH_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' } as const;
