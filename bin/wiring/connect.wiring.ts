import pg from 'pg';
import { z } from 'zod';
import {
  CONNECT_PROVIDER,
  createConnectUseCases,
  parseConnectSecrets,
  type ConnectContactStore,
  type ConnectUseCases,
} from '../../app/connect/index';
import { systemActor } from '../../app/shared/actor';
import { connectRoutes } from '../../adapters/http/routes/connect.routes';
import {
  ConnectBucket,
  ConnectFirehoseReceiver,
  ConnectRecordingSource,
  createConnectS3Client,
  fetchContactLensOutput,
  PostgresConnectContacts,
  SqliteConnectContacts,
  type ConnectFirehoseAccount,
} from '../../adapters/telephony/amazon-connect';
import { importContactLens } from '../../adapters/asr/transcript-import/contact-lens.import';
import type { Job } from '../../core/jobs/job-queue.port';
import { CallsightError } from '../../core/shared/errors';
import type { Capability, CapabilityFactory } from '../capabilities';
import type { Hub } from '../hub';
import { analysisUseCasesOf } from './analysis.wiring';

/** The job that imports a stored Connect call's Contact Lens transcript; payload `{ callId }`. */
export const CONTACT_LENS_JOB = 'connect.contact-lens';

/** Settings of a `connect` provider account as `callsight connect add` saved them (app/connect ConnectAccountSettings). */
const settingsSchema = z.object({
  instanceArn: z.string(),
  region: z.string(),
  bucket: z.string(),
  kmsKeyArn: z.string().nullable().default(null),
  s3Endpoint: z.string().nullable().default(null),
  s3ForcePathStyle: z.boolean().default(false),
  awsAccessKeyId: z.string().nullable().default(null),
  tagAttributes: z.array(z.string()).default([]),
});

/** A linked Connect instance with its secrets opened. */
interface ConnectAccount extends ConnectFirehoseAccount {
  readonly settings: z.output<typeof settingsSchema>;
  readonly awsSecretAccessKey: string | null;
}

/** The parts of the Connect capability one hub shares (one contact store, one S3 client per instance). */
interface ConnectParts {
  readonly contacts: ConnectContactStore;
  readonly buckets: Map<string, { readonly fingerprint: string; readonly bucket: ConnectBucket }>;
  close(): Promise<void>;
}

const partsOf = new WeakMap<Hub, ConnectParts>();

/**
 * The contact store of a hub: on its SQLite database, or on PostgreSQL through a small pool of its own (HubStorage
 * does not hand out its pool) that lets the process exit when idle and is closed when the capability stops.
 */
function connectParts(hub: Hub): ConnectParts {
  const existing = partsOf.get(hub);
  if (existing) return existing;
  let parts: ConnectParts;
  if (hub.storage.sqlite) {
    parts = { contacts: new SqliteConnectContacts(hub.storage.sqlite), buckets: new Map(), close: async () => undefined };
  } else {
    const pool = new pg.Pool({ connectionString: hub.config.databaseUrl, max: 2, allowExitOnIdle: true });
    pool.on('error', () => undefined);
    parts = { contacts: new PostgresConnectContacts(pool), buckets: new Map(), close: () => pool.end() };
  }
  partsOf.set(hub, parts);
  return parts;
}

/** A Connect instance of the hub by instance id, with its secrets opened; null when no tenant linked it. */
export async function findConnectAccount(hub: Pick<Hub, 'accounts' | 'keys'>, instanceId: string): Promise<ConnectAccount | null> {
  if (!/^[A-Za-z0-9-]{1,100}$/.test(instanceId)) return null;
  const row = await hub.accounts.find(CONNECT_PROVIDER, instanceId);
  if (!row) return null;
  const settings = settingsSchema.parse(row.settings);
  const secrets = parseConnectSecrets(hub.keys.openSecret(row.tenantId, CONNECT_PROVIDER, row.sealedSecret));
  return {
    tenantId: row.tenantId,
    instanceId,
    instanceArn: settings.instanceArn,
    firehoseAccessKey: secrets.firehoseAccessKey,
    tagAttributes: settings.tagAttributes,
    settings,
    awsSecretAccessKey: secrets.awsSecretAccessKey,
  };
}

/** The bucket of an instance, its S3 client kept while the account's settings stay the same. */
function bucketFinder(hub: Hub): (instanceId: string) => Promise<ConnectBucket | null> {
  const parts = connectParts(hub);
  return async (instanceId) => {
    const account = await findConnectAccount(hub, instanceId);
    if (!account) return null;
    const { settings } = account;
    const credentials = settings.awsAccessKeyId && account.awsSecretAccessKey ? { accessKeyId: settings.awsAccessKeyId, secretAccessKey: account.awsSecretAccessKey } : null;
    const fingerprint = JSON.stringify([settings.region, settings.bucket, settings.s3Endpoint, settings.s3ForcePathStyle, credentials]);
    const cached = parts.buckets.get(instanceId);
    if (cached && cached.fingerprint === fingerprint) return cached.bucket;
    const client = createConnectS3Client({
      region: settings.region,
      bucket: settings.bucket,
      endpoint: settings.s3Endpoint,
      forcePathStyle: settings.s3ForcePathStyle,
      credentials,
    });
    const bucket = new ConnectBucket(client, settings.bucket);
    parts.buckets.set(instanceId, { fingerprint, bucket });
    return bucket;
  };
}

/** The `connect` recording downloader for the `recordings.fetch` job (registered in recordings.wiring.ts). */
export function connectRecordingSourceOf(hub: Hub): ConnectRecordingSource {
  return new ConnectRecordingSource({ contacts: connectParts(hub).contacts, bucketOf: bucketFinder(hub) });
}

/** The Connect use-cases bound to a hub (the Firehose route, `callsight connect`). */
export function connectUseCasesOf(hub: Hub): ConnectUseCases {
  return createConnectUseCases({
    calls: hub.calls,
    pending: hub.pendingRecordings,
    contacts: connectParts(hub).contacts,
    ledger: hub.providerCalls,
    accounts: hub.accounts,
    keys: hub.keys,
    policy: hub.recordingFetchPolicy,
    clock: hub.clock,
    ids: hub.ids,
    audit: (entry) => hub.audit(entry),
  });
}

/**
 * Amazon Connect capture (issue 19 item 1): the Firehose endpoint takes contact records (as the system actor
 * `connect`); their recordings are fetched by the shared `recordings.fetch` job (ConnectRecordingSource); a stored
 * Connect call whose contact ran Contact Lens queues, in its own transaction, the import of that transcript, which
 * retries with the job runner's backoff until Connect has written the file.
 */
export const connectCapability: CapabilityFactory = (hub: Hub): Capability => {
  const parts = connectParts(hub);
  const connect = connectUseCasesOf(hub);
  const bucketOf = bucketFinder(hub);
  const receiver = new ConnectFirehoseReceiver({
    findAccount: (instanceId) => findConnectAccount(hub, instanceId),
    accept: (tenantId, instanceId, contacts) => connect.acceptContactRecords(systemActor(tenantId, CONNECT_PROVIDER), { accountId: instanceId, contacts: contacts.map((c) => ({ ...c, tags: [...c.tags] })) }),
    now: () => hub.clock.now(),
  });

  hub.onCallStored(async (call) => {
    if (call.provider !== CONNECT_PROVIDER) return {};
    const contact = await parts.contacts.get(call.tenantId, call.providerCallId);
    if (!contact?.contactLensAt) return {};
    return { jobs: [{ id: hub.ids.newId('job'), tenantId: call.tenantId, kind: CONTACT_LENS_JOB, payload: { callId: call.id } }] };
  });

  hub.jobs.register(CONTACT_LENS_JOB, async (job: Job) => {
    const callId = (job.payload as { callId?: unknown } | null)?.callId;
    if (typeof callId !== 'string') throw new CallsightError('VALIDATION_FAILED', 'A Contact Lens job needs { callId }');
    const call = await hub.calls.getCall(job.tenantId, callId, { kind: 'all' });
    if (!call || call.provider !== CONNECT_PROVIDER) return;
    const contact = await parts.contacts.get(job.tenantId, call.providerCallId);
    if (!contact?.contactLensAt) return;
    const bucket = await bucketOf(contact.accountId);
    if (!bucket) throw new CallsightError('NOT_FOUND', 'The Connect instance of this call is no longer linked');
    const output = await fetchContactLensOutput(bucket, contact.contactId, contact.contactLensAt);
    // Contact Lens writes its file minutes after the contact: failing here lets the job runner retry with backoff.
    if (output === null) throw new CallsightError('UPSTREAM_FAILED', 'The Contact Lens output file is not written yet');
    const transcript = importContactLens(output);
    await analysisUseCasesOf(hub).importTranscript(systemActor(job.tenantId, CONNECT_PROVIDER), { id: callId, format: 'segments', data: transcript });
  });

  return {
    name: 'connect',
    plugins: [connectRoutes(async (request) => (await receiver.receive(request)).ack)],
    async stop() {
      partsOf.delete(hub);
      await parts.close();
    },
  };
};
