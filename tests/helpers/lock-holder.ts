// Another process holding SQLite's write lock, as a CLI import during voting does: a child node
// process opens the same file with better-sqlite3 and runs BEGIN IMMEDIATE until told to commit.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

const SCRIPT = `
const Database = require('better-sqlite3');
const db = new Database(process.argv[1]);
db.pragma('busy_timeout = 10000');
db.prepare('begin immediate').run();
process.stdout.write('locked\\n');
// never hold it forever if the test dies
const safety = setTimeout(release, Number(process.argv[2]));
process.stdin.on('data', release);
function release() {
	clearTimeout(safety);
	db.prepare('commit').run();
	db.close();
	process.stdout.write('released\\n');
	process.exit(0);
}
`;

export interface LockHolder {
	process: ChildProcess;
	/** true once the child has committed (or died) */
	readonly released: boolean;
	release(): Promise<void>;
}

/** Resolves once the child holds the write lock of `file`. */
export async function holdWriteLock(file: string, safetyMs = 60_000): Promise<LockHolder> {
	const child = spawn(process.execPath, ['-e', SCRIPT, file, String(safetyMs)], { cwd: process.cwd(), stdio: ['pipe', 'pipe', 'inherit'] });
	const lines = createInterface({ input: child.stdout! });
	let released = false;
	const done = new Promise<void>((resolve) => {
		lines.on('line', (line) => line === 'released' && ((released = true), resolve()));
		child.once('exit', () => ((released = true), resolve()));
	});
	await new Promise<void>((resolve, reject) => {
		lines.on('line', (line) => line === 'locked' && resolve());
		child.once('exit', (code) => reject(new Error(`lock holder exited with ${code} before locking`)));
	});
	return {
		process: child,
		get released() {
			return released;
		},
		release: () => {
			if (!released) child.stdin!.write('release\n');
			return done;
		}
	};
}
