import type { Readable, Writable } from 'node:stream';

export interface CommandIO {
	stdout: Writable & { isTTY?: boolean };
	stderr: Writable & { isTTY?: boolean };
	stdin: Readable;
}

/** A CLI command: arguments in, exit code out; all output through `io` so tests can capture it. */
export type Command = (args: string[], io: CommandIO) => Promise<number>;

/** Wrong arguments: printed as `pickwise <cmd>: message`, exit code 2. */
export class UsageError extends Error {}
