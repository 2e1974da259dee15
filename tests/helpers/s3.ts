// A throwaway S3-compatible server (s3rver, in a child process) on a free loopback port with its own
// temporary folder and one bucket, and the environment an app instance or the CLI needs to use it as
// its image store. stop() kills it (a store that went away); restart() brings it back on the same port
// with the same objects.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';

// the SDK's notice about Node 20 would fill every test's output
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export interface RunningS3 {
	endpoint: string;
	bucket: string;
	prefix: string;
	/** IMAGE_STORE and the AWS variables, for startServer(…, env) or a CLI run. */
	env: Record<string, string>;
	client: S3Client;
	/** Every key under the prefix (without the prefix). */
	keys(): Promise<string[]>;
	object(key: string): Promise<Buffer>;
	stop(): Promise<void>;
	restart(): Promise<void>;
	/** Stops it and removes its folder. */
	dispose(): Promise<void>;
}

export async function startS3(options: { bucket?: string; prefix?: string } = {}): Promise<RunningS3> {
	const bucket = options.bucket ?? 'pickwise-test';
	const prefix = options.prefix ?? 'images-store';
	const directory = mkdtempSync(join(tmpdir(), 'pickwise-s3-'));
	let child: ChildProcess | null = null;
	const launch = async (port = 0): Promise<number> => {
		const proc = spawn(process.execPath, [resolve('tests/helpers/s3rver-child.js'), directory, bucket, String(port)], {
			stdio: ['ignore', 'pipe', 'pipe']
		});
		child = proc;
		let output = '';
		return new Promise((done, fail) => {
			proc.stderr!.on('data', (d) => (output += d));
			proc.stdout!.on('data', (d) => {
				output += d;
				const line = output.split('\n').find((l) => l.startsWith('{'));
				if (line) done((JSON.parse(line) as { port: number }).port);
			});
			proc.once('exit', (code) => fail(new Error(`s3rver exited with ${code}:\n${output}`)));
		});
	};
	const port = await launch();
	const endpoint = `http://127.0.0.1:${port}`;
	// s3rver accepts any keys that are sent; real ones are never needed
	const env = {
		IMAGE_STORE: `s3://${bucket}/${prefix}`,
		AWS_ENDPOINT_URL: endpoint,
		AWS_REGION: 'us-east-1',
		AWS_ACCESS_KEY_ID: 'S3RVER',
		AWS_SECRET_ACCESS_KEY: 'S3RVER',
		AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true'
	};
	const client = new S3Client({
		region: env.AWS_REGION,
		endpoint,
		forcePathStyle: true,
		credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY }
	});
	const stop = async () => {
		const proc = child;
		child = null;
		if (!proc || proc.exitCode !== null) return;
		await new Promise<void>((done) => {
			proc.once('exit', () => done());
			proc.kill('SIGKILL');
		});
	};
	return {
		endpoint,
		bucket,
		prefix,
		env,
		client,
		async keys() {
			const keys: string[] = [];
			let token: string | undefined;
			do {
				const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}/`, ContinuationToken: token }));
				for (const o of page.Contents ?? []) keys.push(o.Key!.slice(prefix.length + 1));
				token = page.NextContinuationToken;
			} while (token);
			return keys.sort();
		},
		async object(key: string) {
			const answer = await client.send(new GetObjectCommand({ Bucket: bucket, Key: `${prefix}/${key}` }));
			return Buffer.from(await answer.Body!.transformToByteArray());
		},
		stop,
		async restart() {
			await stop();
			await launch(port);
		},
		async dispose() {
			await stop();
			client.destroy();
			rmSync(directory, { recursive: true, force: true });
		}
	};
}
