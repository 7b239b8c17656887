import { z } from 'zod';
import type { CallView } from '../../core/api/calls.api';
import { classifyStatus, type Call } from '../../core/recordings/call';
import { parseCallMetadata } from '../../core/recordings/ingest-call';
import { normalizePhone } from '../../core/recordings/phone';
import { CallsightError } from '../../core/shared/errors';
import { agentNamesOf, callTarget, maskOf, toCallView } from '../calls';
import { defineUseCase } from '../shared/use-case';
import { requireTenant } from '../tenants/tenants.ports';
import type { IngestPorts, ReceivedCall } from './ingest.ports';

const audioBytes = z.custom<Uint8Array>((value) => value instanceof Uint8Array, 'must be the audio bytes');

/**
 * A call handed over whole (`{ metadata, audio }`: CLI import, telephony webhooks, seeding), or an upload still
 * to be read (`{ receive }`: the HTTP multipart body, read only once the actor may ingest, so that a refused
 * role never makes the hub buffer its audio). `receive` throws its own transport errors (PAYLOAD_TOO_LARGE,
 * VALIDATION_FAILED for a malformed body), which are audited like any other failure.
 */
export const ingestCallInput = z.union([
  z.object({ metadata: z.unknown(), audio: audioBytes }).strict(),
  z.object({ receive: z.custom<() => Promise<ReceivedCall>>((value) => typeof value === 'function', 'must read the upload') }).strict(),
]);
export type IngestCallInput = z.input<typeof ingestCallInput>;

/** What ingesting a call did: the stored call, whether it is new, and its API view for the one who sent it. */
export interface IngestOutcome {
  readonly call: Call;
  /** False when (tenant, provider, providerCallId) was already stored: nothing new was written. */
  readonly created: boolean;
  readonly view: CallView;
}

/**
 * Stores one call (issue 1, invariant 1): validates the metadata (VALIDATION_FAILED naming the bad fields),
 * measures the audio (AUDIO_EMPTY, AUDIO_CORRUPT, UNSUPPORTED_MEDIA_TYPE), encrypts it durably, then commits
 * metadata, outbox and jobs in one transaction. Idempotent on (tenant, provider, providerCallId): a repeat, or
 * the loser of a concurrent race, returns the stored call, writes nothing and leaves no audio or key behind.
 * Resolves only once audio and metadata are durable. Admins upload; telephony webhooks, `callsight import`
 * and the demo seed act as the system. NOT_FOUND when the tenant does not exist.
 */
export const ingestCall = defineUseCase({
  name: 'ingest.ingest-call',
  action: 'ingest',
  permission: 'ingest',
  forbidden: 'Only admins and telephony integrations may add calls',
  input: ingestCallInput,
  invalidInput: 'Invalid ingest request',
  async run({ deps, actor, input }: { deps: IngestPorts; actor: import('../shared/actor').Actor; input: z.output<typeof ingestCallInput> }): Promise<IngestOutcome> {
    const received = 'receive' in input ? await input.receive() : input;
    const metadata = parseCallMetadata(received.metadata);
    const tenantId = actor.tenantId;
    const tenant = await requireTenant(deps.calls, tenantId);
    const view = async (call: Call) => toCallView(call, maskOf(actor), agentNamesOf(await deps.calls.listAgents(tenantId)));

    const existing = await deps.calls.findByProviderCallId(tenantId, metadata.provider, metadata.providerCallId);
    if (existing) return { call: existing, created: false, view: await view(existing) };

    let customerPhone: string | null = null;
    if (metadata.customerPhone) {
      customerPhone = normalizePhone(metadata.customerPhone, tenant.defaultRegion);
      if (!customerPhone) throw new CallsightError('VALIDATION_FAILED', 'Invalid call metadata: customerPhone: not a valid phone number');
    }

    const audio = received.audio;
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
      outcome = await deps.calls.insertCall(call, await deps.followUps.effectsOf(call));
    } catch (error) {
      // Metadata did not commit: leave no unreachable ciphertext or key behind.
      await deps.audio.discard(location);
      throw error;
    }
    if (!outcome.inserted) {
      // A concurrent ingest of the same provider call won the race: drop our copy, keep theirs.
      await deps.audio.discard(location);
      return { call: outcome.call, created: false, view: await view(outcome.call) };
    }
    return { call: outcome.call, created: true, view: await view(outcome.call) };
  },
  audited: (output) => ({ target: callTarget(output.call.id), reason: output.created ? 'created' : 'duplicate' }),
});
