#!/usr/bin/env node
// The `pickwise` command. It runs the compiled CLI in build/cli/ (made by `npm run build`, see
// bin/build-cli.js) when that is at least as new as every source file it was built from, and
// otherwise the TypeScript sources through tsx (slower to start: ~1 s), so an edit is never run stale.
// PICKWISE_CLI=ts forces the sources.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function compiledIsFresh() {
	if (process.env.PICKWISE_CLI === 'ts') return false;
	const stamp = join(root, 'build', 'cli', 'inputs.json');
	if (!existsSync(stamp)) return false;
	try {
		const { built, inputs } = JSON.parse(readFileSync(stamp, 'utf8'));
		return inputs.every((file) => statSync(join(root, file)).mtimeMs <= built);
	} catch {
		return false;
	}
}

let main;
if (compiledIsFresh()) ({ main } = await import('../build/cli/main.js'));
else {
	const { register } = await import('tsx/esm/api');
	register();
	({ main } = await import('../src/lib/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
