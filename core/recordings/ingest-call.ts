import { CallsightError } from '../shared/errors';
import type { Awaitable } from '../shared/awaitable';
import type { Clock, IdGenerator } from '../shared/clock.port';
import { classifyStatus, type Call } from './call';
import { callMetadataSchema, describeIssues, type CallMetadata } from './call-metadata.schema';
import type { AudioProbe, AudioStore } from './audio-store.port';
import type { CallRepository, NewJob, NewOutboxMessage } from './call-repository.port';
import { normalizePhone } from './phone';

export interface IngestDeps {
  readonly calls: CallRepository;
  readonly audio: AudioStore;
  readonly probe: AudioProbe;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /** Follow-up work queued atomically with the call (transcription, CRM sync). */
  /** Work queued in the call's own transaction; computed before it begins (a store may need to be read for it). */
  readonly followUps?: (call: Call) => Awaitable<{ outbox?: NewOutboxMessage[]; jobs?: NewJob[] }>;
}

export interface IngestResult {
  readonly call: Call;
  /** False when (tenant, provider, providerCallId) was already stored: nothing new was written. */
  readonly created: boolean;
}

/** Parses sender metadata; throws VALIDATION_FAILED naming the bad fields. */
export function parseCallMetadata(raw: unknown): CallMetadata {
  const parsed = callMetadataSchema.safeParse(raw);
  if (!parsed.success) {
    throw new CallsightError('VALIDATION_FAILED', `Invalid call metadata: ${describeIssues(parsed.error)}`);
  }
  return parsed.data;
}

/**
 * Stores one call: validates metadata, measures the audio, encrypts it durably, then commits metadata,
 * outbox and jobs in one transaction. Idempotent on (tenant, provider, providerCallId): a repeat returns the
 * stored call and writes nothing. Resolves only once audio and metadata are durable (invariant 1).
 */
export async function ingestCall(
  deps: IngestDeps,
  tenantId: string,
  rawMetadata: unknown,
  audio: Uint8Array,
): Promise<IngestResult> {
  const metadata = parseCallMetadata(rawMetadata);
  const tenant = await deps.calls.getTenant(tenantId);
  if (!tenant) throw new CallsightError('NOT_FOUND', `Tenant is not configured on this hub`);

  const existing = await deps.calls.findByProviderCallId(tenantId, metadata.provider, metadata.providerCallId);
  if (existing) return { call: existing, created: false };

  let customerPhone: string | null = null;
  if (metadata.customerPhone) {
    customerPhone = normalizePhone(metadata.customerPhone, tenant.defaultRegion);
    if (!customerPhone) {
      throw new CallsightError('VALIDATION_FAILED', 'Invalid call metadata: customerPhone: not a valid phone number');
    }
  }

  if (audio.byteLength === 0) throw new CallsightError('AUDIO_EMPTY', 'The audio file is empty');
  const facts = await deps.probe.probe(audio);

  const callId = deps.ids.newId('c');
  const stored = await deps.audio.write(tenantId, callId, audio);
  const startedAt = new Date(metadata.startedAt);
  const durationS = Math.round(facts.durationS * 1000) / 1000;
  const call: Call = {
    id: callId,
    tenantId,
    provider: metadata.provider,
    providerCallId: metadata.providerCallId,
    channel: metadata.channel,
    direction: metadata.direction,
    startedAt: startedAt.toISOString(),
    endedAt: new Date(startedAt.getTime() + durationS * 1000).toISOString(),
    durationS,
    agentId: metadata.agentId ?? null,
    queue: metadata.queue ?? null,
    customerPhone,
    inquiryType: metadata.inquiryType ?? null,
    tags: [...new Set(metadata.tags)],
    csat: metadata.csat ?? null,
    crmLinks: metadata.crmLinks,
    status: classifyStatus(durationS),
    recording: {
      format: facts.format,
      bytes: stored.bytes,
      sha256: stored.sha256,
      channels: facts.channels,
      durationS,
      keyId: stored.keyId,
    },
    createdAt: deps.clock.now().toISOString(),
  };

  const location = { tenantId, recordingId: callId, keyId: stored.keyId, bytes: stored.bytes };
  let outcome;
  try {
    outcome = await deps.calls.insertCall(call, await deps.followUps?.(call));
  } catch (error) {
    // Metadata did not commit: leave no unreachable ciphertext or key behind.
    await deps.audio.discard(location);
    throw error;
  }
  if (!outcome.inserted) {
    // A concurrent ingest of the same provider call won the race: drop our copy, keep theirs.
    await deps.audio.discard(location);
    return { call: outcome.call, created: false };
  }
  return { call: outcome.call, created: true };
}
