import { z } from 'zod';
import { normalizePhone } from '../../core/recordings/phone';
import type { ProviderCallEntry } from '../../core/recordings/provider-call-ledger.port';
import { CallsightError } from '../../core/shared/errors';
import { FETCH_RECORDING_JOB, fetchJobId } from '../recordings/index';
import { defineUseCase, type UseCaseContext } from '../shared/use-case';
import { CONNECT_PROVIDER, type ConnectPorts, type ContactRecord } from './connect.ports';

const isoInstant = z.iso.datetime({ offset: true });
const text = (max: number) => z.string().min(1).max(max);
const location = z.object({ bucket: text(63), key: text(1024) }).strict();

/** One contact record as the adapter read it (ContactRecord). */
const contactRecordSchema = z
  .object({
    contactId: z.string().regex(/^[A-Za-z0-9_.:-]{1,256}$/, 'must be a Connect contact id'),
    channel: text(32),
    initiationMethod: text(64),
    direction: z.enum(['inbound', 'outbound']),
    startedAt: isoInstant,
    lastUpdatedAt: isoInstant,
    agentRef: text(256).nullable(),
    queue: text(256).nullable(),
    customerAddress: text(256).nullable(),
    tags: z.array(z.string().max(1024)).max(256),
    recording: location.nullable(),
    contactLensAt: isoInstant.nullable(),
  })
  .strict();

/** A batch of contact records delivered for one Connect instance (the provider account). */
export const acceptContactRecordsInput = z
  .object({
    accountId: z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'must be a Connect instance id'),
    contacts: z.array(contactRecordSchema).max(10_000),
  })
  .strict();
export type AcceptContactRecordsInput = z.input<typeof acceptContactRecordsInput>;

/** What a batch did, as counts (never ids or personal data). */
export interface AcceptContactRecordsOutcome {
  readonly received: number;
  /** Voice contacts whose recording is now waiting for the fetch job (new this time). */
  readonly pending: number;
  /** Voice contacts already stored as calls, or already waiting (a repeat delivery). */
  readonly duplicates: number;
  /** Voice contacts Connect did not record: listed in the ledger, nothing to fetch. */
  readonly notRecorded: number;
  /** Chat, task, email and monitoring contacts: acknowledged and ignored. */
  readonly ignored: number;
  /** Voice contacts whose agent is not one of the tenant's agents (stored without an agent). */
  readonly unknownAgents: number;
}

type Deps = Pick<ConnectPorts, 'calls' | 'pending' | 'contacts' | 'ledger' | 'policy' | 'clock' | 'ids'>;

const MAX_TAGS = 64;

/**
 * A tag value is kept only when it cannot be personal data: no e-mail address, no run of six or more digits (phone,
 * account or card numbers), at most 64 characters.
 */
function safeTag(value: string): string | null {
  const tag = value.trim();
  if (tag === '' || tag.length > 64 || tag.includes('@') || /\d{6,}/.test(tag.replace(/[\s-]/g, ''))) return null;
  return tag;
}

/** A voice contact is a call; a supervisor's monitoring leg is not one. */
function isCall(contact: z.output<typeof contactRecordSchema>): boolean {
  return contact.channel === 'VOICE' && contact.initiationMethod !== 'MONITOR';
}

/**
 * Takes a batch of Amazon Connect contact records (issue 19 item 1), delivered by Firehose for one instance. Every
 * record is written to the provider call ledger (recorded or not), so completeness is counted against Connect's own
 * list. A recorded voice contact is kept with its call metadata (agent matched to the tenant's agents, customer
 * number in E.164 or none, tags from the mapped attributes without personal data) and its recording is recorded
 * as pending with its first `recordings.fetch` job, in one transaction: nothing is downloaded while Firehose waits.
 * Idempotent on (tenant, `connect`, ContactId): a repeat delivery, or two racing, leave one pending recording and
 * one call; a newer record replaces the kept metadata until the call is stored. Non-voice contacts are ignored.
 * Validation fails the whole batch before anything is written. Firehose deliveries act as the system `connect`.
 */
export const acceptContactRecords = defineUseCase({
  name: 'connect.accept-contact-records',
  action: 'accept_contact_records',
  permission: 'ingest',
  forbidden: 'Only admins and telephony integrations may deliver contact records',
  input: acceptContactRecordsInput,
  invalidInput: 'Invalid contact records',
  target: (input) => `connect-instance:${input.accountId}`,
  async run({ deps, actor, input }: UseCaseContext<Deps, z.output<typeof acceptContactRecordsInput>>): Promise<AcceptContactRecordsOutcome> {
    const tenantId = actor.tenantId;
    const tenant = await deps.calls.getTenant(tenantId);
    if (!tenant) throw new CallsightError('NOT_FOUND', 'No such tenant');
    const agentIds = new Set((await deps.calls.listAgents(tenantId)).map((agent) => agent.id));
    const now = deps.clock.now();
    const at = now.toISOString();
    const outcome = { received: input.contacts.length, pending: 0, duplicates: 0, notRecorded: 0, ignored: 0, unknownAgents: 0 };

    // The ledger first: a record seen is on Connect's list even if what follows fails (the delivery is retried).
    const ledger: ProviderCallEntry[] = input.contacts.map((contact) => ({
      tenantId,
      provider: CONNECT_PROVIDER,
      providerCallId: contact.contactId,
      startedAt: new Date(contact.startedAt).toISOString(),
      recorded: isCall(contact) && contact.recording !== null,
      source: 'connect-ctr',
    }));
    if (ledger.length > 0) await deps.ledger.record(ledger, at);

    for (const contact of input.contacts) {
      if (!isCall(contact)) {
        outcome.ignored++;
        continue;
      }
      if (!contact.recording) {
        outcome.notRecorded++;
        continue;
      }
      const agentId = contact.agentRef !== null && agentIds.has(contact.agentRef) ? contact.agentRef : null;
      if (contact.agentRef !== null && agentId === null) outcome.unknownAgents++;
      const tags = [...new Set(contact.tags.map(safeTag).filter((t): t is string => t !== null))].slice(0, MAX_TAGS);
      const metadata = {
        provider: CONNECT_PROVIDER,
        providerCallId: contact.contactId,
        channel: 'human',
        direction: contact.direction,
        startedAt: new Date(contact.startedAt).toISOString(),
        agentId,
        queue: contact.queue ? contact.queue.slice(0, 128) : null,
        // Withheld numbers ("anonymous") and numbers that do not parse are stored as unknown, not refused.
        customerPhone: contact.customerAddress ? normalizePhone(contact.customerAddress, tenant.defaultRegion) : null,
        tags,
      };
      await deps.contacts.save({
        tenantId,
        contactId: contact.contactId,
        accountId: input.accountId,
        metadata,
        recording: contact.recording,
        contactLensAt: contact.contactLensAt,
        lastUpdatedAt: new Date(contact.lastUpdatedAt).toISOString(),
        receivedAt: at,
      });
      if (await deps.calls.findByProviderCallId(tenantId, CONNECT_PROVIDER, contact.contactId)) {
        outcome.duplicates++;
        continue;
      }
      const id = deps.ids.newId('pr');
      const firstAttempt = new Date(now.getTime() + deps.policy.firstDelayMs).toISOString();
      const { created } = await deps.pending.accept(
        {
          tenantId,
          id,
          provider: CONNECT_PROVIDER,
          providerCallId: contact.contactId,
          recordingId: contact.contactId,
          accountId: input.accountId,
          receivedAt: at,
          nextAttemptAt: firstAttempt,
          deadlineAt: new Date(now.getTime() + deps.policy.windowMs).toISOString(),
        },
        { id: fetchJobId(id, 1), tenantId, kind: FETCH_RECORDING_JOB, payload: { pendingId: id }, runAt: firstAttempt },
      );
      if (created) outcome.pending++;
      else outcome.duplicates++;
    }
    return outcome;
  },
  audited: (out) => ({ reason: out.pending > 0 ? 'accepted' : 'nothing_new', details: { ...out } }),
});
