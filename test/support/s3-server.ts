import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '../../adapters/blob/s3';

/** The part of s3rver 3.7 this helper uses (the package ships no types). */
interface S3rverInstance {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance;

/** s3rver's built-in account: it checks every request's SigV4 signature against this pair. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;
export const S3RVER_REGION = 'us-east-1';

export interface TestS3Server {
  /** http://127.0.0.1:<port> (path-style addressing). */
  readonly endpoint: string;
  /** A client for this server (or for `endpoint`, e.g. a proxy in front of it), with s3rver's credentials. */
  client(endpoint?: string, maxAttempts?: number): S3Client;
  /** Creates an empty bucket with a fresh random name and returns the name. */
  newBucket(): Promise<string>;
  /** The settings a hub needs for this server (HubConfig audioStore), for `bucket`. */
  hubSettings(bucket: string, endpoint?: string): { endpoint: string; region: string; forcePathStyle: true; accessKeyId: string; secretAccessKey: string; bucket: string };
  /** The same as environment variables, for hub processes started by a test (AUDIO_STORE=s3 and the S3_* settings). */
  hubEnv(bucket: string, endpoint?: string): Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Starts s3rver (an S3-protocol server on the file system, https://github.com/jamhall/s3rver) on 127.0.0.1 and a
 * free port, over its own temporary folder, silent. It checks SigV4 signatures, supports ranged GETs, multipart
 * upload and server-side copy; it does not implement ListMultipartUploads or AbortMultipartUpload, and does not
 * check Content-MD5 or the 5 MiB minimum part size (see docs/decisions/object-storage.md).
 */
export async function startS3Server(): Promise<TestS3Server> {
  const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;
  const directory = mkdtempSync(join(tmpdir(), 'callsight-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, vhostBuckets: false });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const clients: S3Client[] = [];
  const client = (at = endpoint, maxAttempts?: number) => {
    const made = createS3Client({ endpoint: at, region: S3RVER_REGION, forcePathStyle: true, credentials: S3RVER_CREDENTIALS, ...(maxAttempts ? { maxAttempts } : {}) });
    clients.push(made);
    return made;
  };
  const admin = client();
  return {
    endpoint,
    client,
    async newBucket() {
      const bucket = `callsight-${randomBytes(6).toString('hex')}`;
      await admin.send(new CreateBucketCommand({ Bucket: bucket }));
      return bucket;
    },
    hubSettings: (bucket, at = endpoint) => ({ endpoint: at, region: S3RVER_REGION, forcePathStyle: true, ...S3RVER_CREDENTIALS, bucket }),
    hubEnv: (bucket, at = endpoint) => ({
      AUDIO_STORE: 's3',
      S3_ENDPOINT: at,
      S3_REGION: S3RVER_REGION,
      S3_BUCKET: bucket,
      S3_FORCE_PATH_STYLE: 'true',
      S3_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      S3_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
    }),
    async stop() {
      for (const made of clients) made.destroy();
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
