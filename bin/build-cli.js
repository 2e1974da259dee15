#!/usr/bin/env node
// Compiles the `pickwise` command (src/lib/cli/main.ts and everything it imports) to plain JavaScript
// in build/cli/, so that the command starts without a TypeScript loader (tsx took ~1.2 s of a 2.8 s
// `pickwise rank`). `npm run build` runs it after `vite build` (which empties build/). Packages stay
// imports of node_modules; nothing is minified, so the bootstrap worker's source text (built from the
// kernels' Function.prototype.toString()) stays valid. build/cli/inputs.json lists the source files, so
// that bin/pickwise.js can tell when the build is older than the sources and fall back to tsx.
import { build } from 'esbuild';
import { writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// --outdir DIR builds elsewhere (tests), leaving build/cli alone
const at = process.argv.indexOf('--outdir');
const outdir = at > 0 ? process.argv[at + 1] : join(root, 'build', 'cli');
const result = await build({
	entryPoints: [join(root, 'src/lib/cli/main.ts')],
	bundle: true,
	splitting: true,
	format: 'esm',
	platform: 'node',
	target: 'node20',
	packages: 'external',
	outdir,
	metafile: true,
	logLevel: 'warning'
});
const inputs = Object.keys(result.metafile.inputs).map((file) => relative(root, join(process.cwd(), file)));
writeFileSync(join(outdir, 'inputs.json'), JSON.stringify({ built: Date.now(), inputs }) + '\n');
console.log(`pickwise CLI compiled to ${relative(root, outdir)}/ (${inputs.length} source files)`);
