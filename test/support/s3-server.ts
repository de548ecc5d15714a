import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

export interface S3Server {
  /** `http://127.0.0.1:<port>`: the S3_ENDPOINT to use, with path-style URLs. */
  endpoint: string;
  bucket: string;
  close(): Promise<void>;
}

/**
 * s3rver (an S3 API on local disk) on a free port, with one empty bucket. It honours presigned
 * URLs' expiry but verifies no signature and no credentials: tests against it show the driver
 * speaks S3, not that its signatures are right (AWS checks those).
 */
export async function startS3Server(bucket = 'chat-test-uploads'): Promise<S3Server> {
  const directory = await mkdtemp(join(tmpdir(), 's3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    close: async () => {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
