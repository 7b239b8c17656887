import type { CallRepository } from '../../core/recordings/call-repository.port';
import type { PendingRecordingStore } from '../../core/recordings/pending-recording.port';
import type { ProviderAccountStore } from '../../core/recordings/provider-accounts.port';
import type { ProviderCallLedger } from '../../core/recordings/provider-call-ledger.port';
import type { Awaitable } from '../../core/shared/awaitable';
import type { Clock, IdGenerator } from '../../core/shared/clock.port';
import type { RecordingFetchPolicy } from '../recordings/index';

/** The provider name Amazon Connect calls, pending recordings and ledger entries are stored under. */
export const CONNECT_PROVIDER = 'connect';

/** Where an object sits in the instance's S3 bucket. */
export interface S3Location {
  readonly bucket: string;
  readonly key: string;
}

/**
 * One Amazon Connect contact record (CTR) as the adapter read it, before the hub's own rules (agents, phone
 * numbers) are applied: vendor field names stay in adapters/telephony/amazon-connect.
 */
export interface ContactRecord {
  readonly contactId: string;
  /** VOICE, CHAT, TASK, EMAIL...: only VOICE contacts are calls. */
  readonly channel: string;
  /** INBOUND, OUTBOUND, TRANSFER, CALLBACK, API, QUEUE_TRANSFER, EXTERNAL_OUTBOUND, MONITOR, DISCONNECT... */
  readonly initiationMethod: string;
  readonly direction: 'inbound' | 'outbound';
  /** ISO-8601 UTC. */
  readonly startedAt: string;
  /** When Connect last changed the record; a repeat delivery older than the one kept is ignored. */
  readonly lastUpdatedAt: string;
  /** Agent.Username (or the agent id at the end of Agent.ARN); matched against the tenant's agent ids. */
  readonly agentRef: string | null;
  readonly queue: string | null;
  /** CustomerEndpoint.Address as Connect wrote it (E.164, or `anonymous`). */
  readonly customerAddress: string | null;
  /** Tags taken from the contact attributes the account maps (never every attribute). */
  readonly tags: readonly string[];
  /** The call recording in the instance's bucket; null when the contact was not recorded. */
  readonly recording: S3Location | null;
  /** When Contact Lens conversational analytics ran: the agent-connected instant its output path is dated by. */
  readonly contactLensAt: string | null;
}

/** A voice contact kept until its recording is stored: the call metadata ingest takes, and where the files are. */
export interface StoredContact {
  readonly tenantId: string;
  readonly contactId: string;
  /** The Connect instance (provider account id) it came from. */
  readonly accountId: string;
  /** Call metadata in the shape of core/recordings/call-metadata.schema.ts. */
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly recording: S3Location | null;
  readonly contactLensAt: string | null;
  readonly lastUpdatedAt: string;
  readonly receivedAt: string;
}

/** Durable contact records, on SQLite or PostgreSQL (adapters/telephony/amazon-connect). */
export interface ConnectContactStore {
  /**
   * Keeps a contact, replacing the one kept for (tenant, contactId) only when this one is not older
   * (`lastUpdatedAt`); idempotent, and safe when two deliveries of one record race. Returns whether it was written.
   */
  save(contact: StoredContact): Awaitable<boolean>;
  get(tenantId: string, contactId: string): Awaitable<StoredContact | null>;
}

/** Settings of a Connect account (provider account `connect`, keyed by the instance id). */
export interface ConnectAccountSettings {
  readonly instanceArn: string;
  readonly region: string;
  readonly bucket: string;
  /** The KMS key the bucket encrypts with, for the admin's reference (S3 decrypts for a caller the key grants). */
  readonly kmsKeyArn: string | null;
  /** An S3-compatible endpoint instead of AWS's (tests, MinIO-like setups). */
  readonly s3Endpoint: string | null;
  readonly s3ForcePathStyle: boolean;
  /** Access key id of static credentials (its secret is sealed); null to use the AWS SDK's default chain. */
  readonly awsAccessKeyId: string | null;
  /** Contact attribute keys whose values become customer tags. */
  readonly tagAttributes: readonly string[];
}

/** The secrets of a Connect account, sealed together under the tenant key. */
export interface ConnectAccountSecrets {
  readonly firehoseAccessKey: string;
  readonly awsSecretAccessKey: string | null;
}

/** Sealing of provider secrets under the tenant key (adapters/keys). */
export interface SecretSealer {
  sealSecret(tenantId: string, purpose: string, plaintext: string): Uint8Array;
}

/** Every port of the Connect capability's use-cases. */
export interface ConnectPorts {
  readonly calls: Pick<CallRepository, 'findByProviderCallId' | 'listAgents' | 'getTenant'>;
  readonly pending: Pick<PendingRecordingStore, 'accept'>;
  readonly contacts: ConnectContactStore;
  readonly ledger: Pick<ProviderCallLedger, 'record'>;
  readonly accounts: Pick<ProviderAccountStore, 'save'>;
  readonly keys: SecretSealer;
  readonly policy: RecordingFetchPolicy;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

/** What to store for a Connect account's secrets (the JSON sealed as its provider secret). */
export function connectSecretsJson(secrets: ConnectAccountSecrets): string {
  return JSON.stringify(secrets);
}

/** The reverse of connectSecretsJson; throws when the sealed text is not what it wrote. */
export function parseConnectSecrets(text: string): ConnectAccountSecrets {
  const value = JSON.parse(text) as Partial<ConnectAccountSecrets>;
  if (typeof value.firehoseAccessKey !== 'string') throw new Error('The sealed Connect secret has no Firehose access key: run `callsight connect add` again');
  return { firehoseAccessKey: value.firehoseAccessKey, awsSecretAccessKey: typeof value.awsSecretAccessKey === 'string' ? value.awsSecretAccessKey : null };
}

/** Default contact attributes read as customer tags: a list attribute meant for it, nothing personal. */
export const DEFAULT_TAG_ATTRIBUTES: readonly string[] = Object.freeze(['CustomerTags', 'customer_tags', 'CustomerSegment', 'customer_segment']);
