import type { CrmAdapter, CrmCallRecord, CrmCustomer, CrmLinkResult } from '../../../core/crm/crm-adapter.port';
import { CrmNotConfiguredError, CrmRejectedError } from '../../../core/crm/crm.errors';
import { findAppLinkProblem } from '../../../core/crm/record-call.payload';
import type { CrmLink } from '../../../core/recordings/call';
import type { Clock } from '../../../core/shared/clock.port';
import { CallsightError } from '../../../core/shared/errors';
import { ZendeskClient, type ZendeskCustomObjectRecord, type ZendeskTicket, type ZendeskUser } from './zendesk.client';
import { resolveZendeskConnection, type ResolvedZendeskConnection, type ZendeskConnectionResolver } from './zendesk.config';
import { buildNoteMarker, buildRecordName, escapeHtml, renderCallNoteHtml } from './zendesk.note';

export interface ZendeskCrmAdapterOptions {
  readonly resolveConnection: ZendeskConnectionResolver;
  /** Defaults to the system clock; used for Retry-After dates and `note_posted_at`. */
  readonly clock?: Clock;
  /** Pages of 100 read at most when listing a user's tickets or a ticket's comments (default 50). */
  readonly maxPages?: number;
}

/** Ticket statuses that still take work: https://developer.zendesk.com/api-reference/ticketing/tickets/tickets/#json-format */
const OPEN_STATUSES = new Set(['new', 'open', 'pending']);

/** Zendesk refuses custom object records over 32 KB. */
const MAX_RECORD_BYTES = 32 * 1024;

const systemClock: Clock = { now: () => new Date() };

/**
 * The Zendesk `CrmAdapter`: finds the customer (a Zendesk user) by phone, upserts one record of the
 * call custom object per call (external_id = hub call id, lookup to the user) and, where the tenant
 * enabled it, posts one internal note on the customer's most recent open ticket, once the call's analysis is
 * done (or when none will come), so that the note shows the real risk and flags.
 *
 * The note is posted at most once per call, across retries and crashes: the chosen ticket is written
 * onto the record before posting (so a retry never picks another ticket), a retry that finds a ticket
 * written but no `note_posted_at` looks for the note's marker on that ticket before posting, and
 * `note_posted_at` is set after posting. Two workers delivering the same call at the same moment are
 * excluded by the outbox lease, not by this adapter.
 */
export function createZendeskCrmAdapter(options: ZendeskCrmAdapterOptions): CrmAdapter {
  const clock = options.clock ?? systemClock;
  const maxPages = options.maxPages ?? 50;

  async function connect(tenantId: string): Promise<{ connection: ResolvedZendeskConnection; client: ZendeskClient }> {
    const raw = await options.resolveConnection(tenantId);
    if (raw === null) throw new CrmNotConfiguredError('zendesk');
    const connection = resolveZendeskConnection(raw);
    return { connection, client: new ZendeskClient(connection, clock, maxPages) };
  }

  async function findCustomer(client: ZendeskClient, e164: string): Promise<CrmCustomer | null> {
    if (!/^\+[1-9]\d{6,14}$/.test(e164)) throw new CallsightError('VALIDATION_FAILED', 'phone number must be E.164, e.g. +14155550123');
    const { users, count } = await client.searchUsersByPhone(e164);
    const best = pickUserForPhone(users, e164);
    return best === null ? null : { crm: 'zendesk', id: String(best.id), name: best.name ?? null, matchCount: Math.max(count, users.length) };
  }

  return {
    crm: 'zendesk',

    async findCustomerByPhone(tenantId, e164) {
      const { client } = await connect(tenantId);
      return findCustomer(client, e164);
    },

    async recordCall(tenantId, call): Promise<CrmLinkResult> {
      const linkProblem = call.appLink === null ? null : findAppLinkProblem(call.appLink);
      if (linkProblem !== null) throw new CallsightError('VALIDATION_FAILED', `call appLink ${linkProblem}`);
      const { connection, client } = await connect(tenantId);
      const customer = call.customerPhone === null ? null : await findCustomer(client, call.customerPhone);

      const name = buildRecordName(call, connection.notes.locale);
      const fields = buildRecordFields(call, customer, connection);
      const size = new TextEncoder().encode(JSON.stringify({ name, external_id: call.hubCallId, custom_object_fields: fields })).length;
      if (size > MAX_RECORD_BYTES) throw new CrmRejectedError('zendesk', 'upsert call record', `record of ${size} bytes exceeds 32 KB`);
      const record = await client.upsertRecordByExternalId(call.hubCallId, { name, custom_object_fields: fields });

      const links: CrmLink[] = [{ crm: 'zendesk', objectType: `custom_object_record:${connection.customObjectKey}`, id: record.id }];
      if (customer !== null) links.push({ crm: 'zendesk', objectType: 'user', id: customer.id });
      if (connection.notes.enabled && customer !== null) {
        const ticketId = await ensureNoteOnOpenTicket(client, connection, call, Number(customer.id), record, clock);
        if (ticketId !== null) links.push({ crm: 'zendesk', objectType: 'ticket', id: String(ticketId) });
      }
      return { crm: 'zendesk', customer, links, callUrl: call.appLink };
    },
  };
}

/**
 * The stable choice among users matching a phone search: a user whose own `phone` equals the number
 * beats one matched through another identity; then end-users before staff; then active, unsuspended
 * users; then the oldest account (lowest id), so that a newly created duplicate never takes over.
 */
export function pickUserForPhone(users: readonly ZendeskUser[], e164: string): ZendeskUser | null {
  const digits = e164.replace(/\D/g, '');
  const rank = (user: ZendeskUser): number[] => [
    (user.phone ?? '').replace(/\D/g, '') === digits ? 0 : 1,
    user.role === undefined || user.role === 'end-user' ? 0 : 1,
    user.suspended === true || user.active === false ? 1 : 0,
    user.id,
  ];
  let best: { user: ZendeskUser; key: number[] } | null = null;
  for (const user of users) {
    const key = rank(user);
    if (best === null || compareKeys(key, best.key) < 0) best = { user, key };
  }
  return best?.user ?? null;
}

/** The open ticket (new, open, pending) updated last; ties go to the highest id. */
export function pickMostRecentOpenTicket(tickets: readonly ZendeskTicket[]): ZendeskTicket | null {
  let best: ZendeskTicket | null = null;
  for (const ticket of tickets) {
    if (!OPEN_STATUSES.has(ticket.status)) continue;
    if (best === null) {
      best = ticket;
      continue;
    }
    const byTime = Date.parse(ticket.updated_at) - Date.parse(best.updated_at);
    if (byTime > 0 || (byTime === 0 && ticket.id > best.id)) best = ticket;
  }
  return best;
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * The record's fields; the note bookkeeping fields are left out so an update never resets them. Risk, flags and
 * emotion are empty until the analysis is done, so a record never shows a risk nobody computed.
 */
function buildRecordFields(call: CrmCallRecord, customer: CrmCustomer | null, connection: ResolvedZendeskConnection): Record<string, unknown> {
  const f = connection.fields;
  const analysed = (call.analysis ?? 'done') === 'done';
  return {
    [f.startedAt]: call.startedAt,
    [f.durationS]: Math.round(call.durationS),
    [f.direction]: call.direction,
    [f.agentName]: call.agentName,
    [f.inquiryType]: call.inquiryType,
    [f.risk]: analysed ? Math.round(call.risk * 1000) / 1000 : null,
    [f.flags]: analysed ? call.flags.join(', ') : null,
    [f.customerEmotion]: analysed ? (call.customerEmotion ?? null) : null,
    [f.score]: call.score ?? null,
    [f.recordingStatus]: call.recordingStatus ?? 'stored',
    [f.appLink]: call.appLink,
    [f.customer]: customer?.id ?? null,
  };
}

async function ensureNoteOnOpenTicket(
  client: ZendeskClient,
  connection: ResolvedZendeskConnection,
  call: CrmCallRecord,
  userId: number,
  record: ZendeskCustomObjectRecord,
  clock: Clock,
): Promise<number | null> {
  const f = connection.fields;
  const stored = record.custom_object_fields ?? {};
  const pinned = Number(stored[f.noteTicketId]);
  const pinnedTicketId = Number.isSafeInteger(pinned) && pinned > 0 ? pinned : null;
  if (pinnedTicketId !== null && typeof stored[f.notePostedAt] === 'string' && stored[f.notePostedAt] !== '') return pinnedTicketId;
  // A note cannot be edited once posted: it waits for the analysis (a later delivery of the same call posts it),
  // and a call whose recording is gone gets none.
  if (call.analysis === 'pending' || call.recordingStatus === 'deleted') return pinnedTicketId;

  const html = renderCallNoteHtml(call, connection.notes.locale);
  // Write-ahead: once a ticket is on the record, every retry targets that ticket and no other.
  const pin = async (ticketId: number | null) => {
    await client.upsertRecordByExternalId(call.hubCallId, { custom_object_fields: { [f.noteTicketId]: ticketId === null ? null : String(ticketId) } });
  };
  const chooseAndPin = async (excludedId: number | null): Promise<number | null> => {
    const tickets = await client.listRequestedTickets(userId);
    const ticket = pickMostRecentOpenTicket(tickets.filter((t) => t.id !== excludedId));
    await pin(ticket?.id ?? null);
    return ticket?.id ?? null;
  };

  let ticketId = pinnedTicketId ?? (await chooseAndPin(null));
  if (ticketId === null) return null;
  try {
    // An earlier attempt that pinned this ticket may have posted before failing: look for its marker.
    const alreadyPosted = pinnedTicketId !== null && (await hasNoteMarker(client, ticketId, call.hubCallId));
    if (!alreadyPosted) await client.addInternalNote(ticketId, html);
  } catch (error) {
    if (!(error instanceof CrmRejectedError)) throw error;
    // The pinned ticket was closed or deleted since it was chosen; nothing was posted there, so choose again once.
    ticketId = await chooseAndPin(ticketId);
    if (ticketId === null) return null;
    await client.addInternalNote(ticketId, html);
  }
  await client.upsertRecordByExternalId(call.hubCallId, { custom_object_fields: { [f.notePostedAt]: clock.now().toISOString() } });
  return ticketId;
}

async function hasNoteMarker(client: ZendeskClient, ticketId: number, hubCallId: string): Promise<boolean> {
  const marker = buildNoteMarker(hubCallId);
  const escapedMarker = escapeHtml(marker);
  const comments = await client.listTicketComments(ticketId);
  return comments.some((c) => (c.body ?? '').includes(marker) || (c.html_body ?? '').includes(escapedMarker));
}
