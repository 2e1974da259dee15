// Entry of the `pickwise` command: one file per command, each thin over lib/server.
import { UsageError, type Command } from './command.ts';

const commands: Record<string, () => Promise<{ default: Command }>> = {
	user: () => import('./user.ts'),
	campaign: () => import('./campaign.ts'),
	import: () => import('./import.ts'),
	rank: () => import('./rank.ts'),
	export: () => import('./export.ts'),
	token: () => import('./token.ts'),
	gold: () => import('./gold.ts'),
	demo: () => import('./demo.ts'),
	backup: () => import('./backup.ts')
};

export async function main(argv: string[]): Promise<number> {
	const [name, ...rest] = argv;
	if (!name || name === '--help' || name === 'help') {
		console.log(`usage: pickwise <command> [options]\ncommands: ${Object.keys(commands).join(', ')}`);
		return name ? 0 : 2;
	}
	const load = commands[name];
	if (!load) {
		console.error(`pickwise: unknown command '${name}' (commands: ${Object.keys(commands).join(', ')})`);
		return 2;
	}
	const command = (await load()).default;
	try {
		return await command(rest, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin });
	} catch (error) {
		if (error instanceof UsageError) {
			console.error(`pickwise ${name}: ${error.message}`);
			return 2;
		}
		throw error;
	}
}
