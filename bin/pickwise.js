#!/usr/bin/env node
// The `pickwise` command. The CLI is TypeScript run through tsx, so it shares the server's
// modules (src/lib/server) as they are, without a separate build.
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../src/lib/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
