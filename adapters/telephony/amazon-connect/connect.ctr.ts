import { z } from 'zod';
import type { ContactRecord, S3Location } from '../../../app/connect/index';

/**
 * The fields of an Amazon Connect contact record (CTR) the hub reads, as the data model documents them:
 * https://docs.aws.amazon.com/connect/latest/adminguide/ctr-data-model.html
 * Connect adds fields over time and asks consumers to ignore unknown ones, so every object passes unknown keys
 * through. Timestamps are ISO-8601 UTC text ("2026-11-20T10:00:01Z"); Connect delivers records at least once and
 * again when they change (LastUpdateTimestamp tells the newer copy).
 */
const timestamp = z.iso.datetime({ offset: true });
const endpointSchema = z.looseObject({ Address: z.string().nullish(), Type: z.string().nullish() }).nullish();
const recordingSchema = z.looseObject({
  Location: z.string().nullish(),
  Status: z.string().nullish(),
  Type: z.string().nullish(),
  DeletionReason: z.string().nullish(),
});
const recordingsEntrySchema = z.looseObject({
  Location: z.string().nullish(),
  MediaStreamType: z.string().nullish(),
  StorageType: z.string().nullish(),
  Status: z.string().nullish(),
  ParticipantType: z.string().nullish(),
  DeletionReason: z.string().nullish(),
});

export const contactTraceRecordSchema = z.looseObject({
  ContactId: z.string().regex(/^[A-Za-z0-9_.:-]{1,256}$/, 'must be a contact id'),
  InstanceARN: z.string().min(1),
  Channel: z.string().min(1),
  InitiationMethod: z.string().min(1),
  InitiationTimestamp: timestamp,
  DisconnectTimestamp: timestamp.nullish(),
  LastUpdateTimestamp: timestamp.nullish(),
  Agent: z
    .looseObject({ ARN: z.string().nullish(), Username: z.string().nullish(), ConnectedToAgentTimestamp: timestamp.nullish() })
    .nullish(),
  Queue: z.looseObject({ ARN: z.string().nullish(), Name: z.string().nullish() }).nullish(),
  CustomerEndpoint: endpointSchema,
  SystemEndpoint: endpointSchema,
  Attributes: z.record(z.string(), z.unknown()).nullish(),
  Recording: recordingSchema.nullish(),
  Recordings: z.array(recordingsEntrySchema).nullish(),
  ContactLens: z
    .looseObject({
      ConversationalAnalytics: z
        .looseObject({ Configuration: z.looseObject({ Enabled: z.boolean().nullish() }).nullish() })
        .nullish(),
    })
    .nullish(),
});
export type ContactTraceRecord = z.infer<typeof contactTraceRecordSchema>;

/** Initiation methods of a call the contact centre placed (the customer was called). */
const OUTBOUND_METHODS = new Set(['OUTBOUND', 'EXTERNAL_OUTBOUND', 'CALLBACK', 'API', 'CAMPAIGN']);

/** `bucket/key` (the Location Connect writes) as an S3 location; null when it is not one. */
export function parseS3Location(location: string | null | undefined): S3Location | null {
  if (!location) return null;
  const path = location.replace(/^s3:\/\//, '').replace(/^\/+/, '');
  const slash = path.indexOf('/');
  if (slash <= 0 || slash === path.length - 1) return null;
  return { bucket: path.slice(0, slash), key: path.slice(slash + 1) };
}

/**
 * The call recording of a record: the first audio entry of `Recordings` stored in S3 and not deleted, else the
 * older single `Recording` (audio, not deleted); null when the contact was not recorded.
 */
function recordingOf(ctr: ContactTraceRecord): S3Location | null {
  for (const entry of ctr.Recordings ?? []) {
    const audio = (entry.MediaStreamType ?? 'AUDIO') === 'AUDIO' && (entry.StorageType ?? 'S3') === 'S3';
    if (audio && entry.Status !== 'DELETED' && !entry.DeletionReason) {
      const location = parseS3Location(entry.Location);
      if (location) return location;
    }
  }
  const single = ctr.Recording;
  if (single && (single.Type ?? 'AUDIO') === 'AUDIO' && single.Status !== 'DELETED' && !single.DeletionReason) return parseS3Location(single.Location);
  return null;
}

/** Agent.Username, else the agent id at the end of Agent.ARN (…:instance/<id>/agent/<agent-id>). */
function agentRefOf(ctr: ContactTraceRecord): string | null {
  const username = ctr.Agent?.Username?.trim();
  if (username) return username;
  const arn = ctr.Agent?.ARN;
  const at = arn ? arn.lastIndexOf('/agent/') : -1;
  return arn && at >= 0 ? arn.slice(at + '/agent/'.length) || null : null;
}

/** Values of the mapped attributes, a list attribute split at commas or semicolons; other attributes are never read. */
function tagValuesOf(ctr: ContactTraceRecord, tagAttributes: readonly string[]): string[] {
  const attributes = ctr.Attributes ?? {};
  const values: string[] = [];
  for (const key of tagAttributes) {
    const value = attributes[key];
    if (typeof value !== 'string') continue;
    for (const part of value.split(/[,;]/)) if (part.trim() !== '') values.push(part.trim());
  }
  return values;
}

/** Maps a contact record onto what the hub keeps of it (app/connect ContactRecord). */
export function toContactRecord(ctr: ContactTraceRecord, tagAttributes: readonly string[]): ContactRecord {
  const contactLensOn = ctr.ContactLens?.ConversationalAnalytics?.Configuration?.Enabled === true;
  return {
    contactId: ctr.ContactId,
    channel: ctr.Channel,
    initiationMethod: ctr.InitiationMethod,
    direction: OUTBOUND_METHODS.has(ctr.InitiationMethod) ? 'outbound' : 'inbound',
    startedAt: ctr.InitiationTimestamp,
    lastUpdatedAt: ctr.LastUpdateTimestamp ?? ctr.DisconnectTimestamp ?? ctr.InitiationTimestamp,
    agentRef: agentRefOf(ctr),
    queue: ctr.Queue?.Name?.trim() || null,
    customerAddress: ctr.CustomerEndpoint?.Address?.trim() || null,
    tags: tagValuesOf(ctr, tagAttributes),
    recording: recordingOf(ctr),
    // Contact Lens dates its output files by the moment the agent connected:
    // https://docs.aws.amazon.com/connect/latest/adminguide/example-contact-lens-output-locations.html
    contactLensAt: contactLensOn ? (ctr.Agent?.ConnectedToAgentTimestamp ?? ctr.InitiationTimestamp) : null,
  };
}
