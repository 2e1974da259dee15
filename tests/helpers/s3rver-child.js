// Runs s3rver (a local S3-compatible server) in its own process for tests/helpers/s3.ts: a test that
// blocks its own event loop (spawnSync of the CLI) must not freeze the store the CLI talks to.
// argv: <directory> <bucket> [port]; prints {"port":N} once listening.
import S3rver from 's3rver';

const [directory, bucket, port = '0'] = process.argv.slice(2);
const server = new S3rver({ address: '127.0.0.1', port: Number(port), silent: true, directory, configureBuckets: [{ name: bucket }] });
const address = await server.run();
process.stdout.write(JSON.stringify({ port: address.port }) + '\n');
process.on('SIGTERM', () => process.exit(0));
