import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { ConnectContactStore, S3Location } from '../../../app/connect/index';
import type { PendingRecording, RecordingFetchResult, RecordingSource } from '../../../core/recordings/pending-recording.port';
import { isS3NotFound, s3RequestFailed } from './connect.errors';

/**
 * The AWS SDK for JavaScript v3 warns on every process that runs it on Node < 22 (NodeVersionSupportWarning, from
 * @aws-sdk/core emitWarningIfUnsupportedVersion). Callsight supports Node 20 and pins SDK versions that run on it,
 * so the warning says nothing an operator can act on; the SDK's own switch turns it off (an operator who sets it
 * otherwise keeps the choice).
 */
export function silenceAwsNodeVersionWarning(env: NodeJS.ProcessEnv = process.env): void {
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}

/** How the hub reaches one instance's bucket. */
export interface ConnectS3Access {
  readonly region: string;
  readonly bucket: string;
  /** An S3-compatible endpoint instead of AWS's; null for AWS. */
  readonly endpoint: string | null;
  readonly forcePathStyle: boolean;
  /** Static credentials; null for the SDK's default chain (environment, instance or task role...). */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string } | null;
}

/** An S3 client for an account's access settings. */
export function createConnectS3Client(access: ConnectS3Access): S3Client {
  silenceAwsNodeVersionWarning();
  return new S3Client({
    region: access.region,
    ...(access.endpoint ? { endpoint: access.endpoint } : {}),
    forcePathStyle: access.forcePathStyle,
    ...(access.credentials ? { credentials: { accessKeyId: access.credentials.accessKeyId, secretAccessKey: access.credentials.secretAccessKey } } : {}),
    maxAttempts: 2,
  });
}

/**
 * Reads objects of an instance's bucket. Objects encrypted with SSE-KMS need nothing from the caller: S3 decrypts
 * them for a principal the key policy grants kms:Decrypt and answers with `x-amz-server-side-encryption: aws:kms`
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html); without the grant S3 answers
 * AccessDenied, which is UPSTREAM_FAILED here (retried, and listed with its code when the window closes).
 */
export class ConnectBucket {
  constructor(
    private readonly client: S3Client,
    readonly bucket: string,
  ) {}

  /** The object's bytes; null when there is no such key (yet). UPSTREAM_FAILED for any other failure. */
  async get(location: S3Location): Promise<Uint8Array | null> {
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }));
      if (!response.Body) return new Uint8Array();
      return await response.Body.transformToByteArray();
    } catch (error) {
      if (isS3NotFound(error)) return null;
      throw s3RequestFailed('GetObject', error);
    }
  }

  /** Keys under `prefix`, in key order (one page of at most 1000 is plenty for one contact's files). */
  async list(prefix: string): Promise<string[]> {
    try {
      const response = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, MaxKeys: 1000 }));
      return (response.Contents ?? []).map((item) => item.Key ?? '').filter((key) => key !== '').sort();
    } catch (error) {
      throw s3RequestFailed('ListObjectsV2', error);
    }
  }
}

/** The bucket of a Connect instance (by instance id), or null when the hub no longer knows the instance. */
export type ConnectBucketFinder = (instanceId: string) => Promise<ConnectBucket | null>;

export interface ConnectRecordingSourceDeps {
  readonly contacts: Pick<ConnectContactStore, 'get'>;
  readonly bucketOf: ConnectBucketFinder;
}

/**
 * Downloads a reported Connect recording for the `recordings.fetch` job: the call metadata kept from its contact
 * record, and the audio from the instance's bucket. A key not there yet (Connect writes recordings a few minutes
 * after the contact ends) is `not_ready`, retried with backoff until the window closes; so are an unknown account
 * (`account_unknown`), a forgotten contact (`contact_unknown`) and a recording outside the instance's bucket
 * (`bucket_not_allowed`: the hub reads only the bucket the admin named).
 */
export class ConnectRecordingSource implements RecordingSource {
  readonly provider = 'connect';

  constructor(private readonly deps: ConnectRecordingSourceDeps) {}

  async fetchRecording(recording: PendingRecording): Promise<RecordingFetchResult> {
    const contact = await this.deps.contacts.get(recording.tenantId, recording.providerCallId);
    if (!contact || !contact.recording) return { kind: 'not_ready', reason: 'contact_unknown' };
    const bucket = await this.deps.bucketOf(recording.accountId);
    if (!bucket) return { kind: 'not_ready', reason: 'account_unknown' };
    if (contact.recording.bucket !== bucket.bucket) return { kind: 'not_ready', reason: 'bucket_not_allowed' };
    const audio = await bucket.get(contact.recording);
    if (audio === null) return { kind: 'not_ready', reason: 'not_ready' };
    return { kind: 'ready', metadata: contact.metadata, audio };
  }
}

/**
 * The key prefix of a contact's Contact Lens analysis file (the raw, unredacted transcript),
 * `Analysis/Voice/YYYY/MM/DD/<contactId>_analysis_`, dated by the agent-connected instant in UTC:
 * https://docs.aws.amazon.com/connect/latest/adminguide/example-contact-lens-output-locations.html
 */
export function contactLensPrefix(contactId: string, connectedAt: string): string {
  const day = new Date(connectedAt).toISOString().slice(0, 10).replace(/-/g, '/');
  return `Analysis/Voice/${day}/${contactId}_analysis_`;
}

/**
 * The Contact Lens output document of a contact, parsed JSON; null while it is not written yet. The newest file
 * wins when analysis ran more than once. UPSTREAM_FAILED when S3 fails or the file is not JSON.
 */
export async function fetchContactLensOutput(bucket: ConnectBucket, contactId: string, connectedAt: string): Promise<unknown | null> {
  const keys = await bucket.list(contactLensPrefix(contactId, connectedAt));
  const key = keys.filter((k) => k.endsWith('.json')).at(-1);
  if (!key) return null;
  const bytes = await bucket.get({ bucket: bucket.bucket, key });
  if (bytes === null) return null;
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
  } catch (cause) {
    throw s3RequestFailed('Contact Lens output read', cause);
  }
}
