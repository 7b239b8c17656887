import type { Call } from '../../core/recordings/call';
import type { MaskLevel } from '../../core/access/access.policy';
import { maskPhone } from '../../core/access/pii-mask';

/** Screening results shown beside a call in lists (filled once analysis has run). */
export interface CallScreening {
  readonly flags: readonly string[];
  readonly risk: number | null;
}

/** The API representation of a call: no key ids, personal data masked for roles that must not see it. */
export function toCallView(
  call: Call,
  mask: MaskLevel,
  agentNames: ReadonlyMap<string, string>,
  screening?: CallScreening,
): Record<string, unknown> {
  return {
    id: call.id,
    provider: call.provider,
    providerCallId: call.providerCallId,
    channel: call.channel,
    direction: call.direction,
    startedAt: call.startedAt,
    endedAt: call.endedAt,
    durationS: call.durationS,
    agentId: call.agentId,
    agentName: call.agentId ? (agentNames.get(call.agentId) ?? null) : null,
    team: call.team ?? null,
    queue: call.queue,
    customerPhone: mask === 'pii' ? maskPhone(call.customerPhone) : call.customerPhone,
    inquiryType: call.inquiryType,
    tags: call.tags,
    csat: call.csat,
    crmLinks: call.crmLinks,
    status: call.status,
    flags: screening?.flags ?? [],
    risk: screening?.risk ?? null,
    recording: call.recording
      ? {
          format: call.recording.format,
          bytes: call.recording.bytes,
          sha256: call.recording.sha256,
          channels: call.recording.channels,
          durationS: call.recording.durationS,
        }
      : null,
  };
}
