import type { MaskLevel } from '../../core/access/access.policy';
import { maskPhone } from '../../core/access/pii-mask';
import type { CallView } from '../../core/api/calls.api';
import type { Agent, Call } from '../../core/recordings/call';

/** Screening results shown beside a call in lists (filled once analysis has run). */
export interface CallScreening {
  readonly flags: readonly string[];
  readonly risk: number | null;
}

/** Agent display names by agent id, for the `agentName` of call views. */
export function agentNamesOf(agents: readonly Agent[]): ReadonlyMap<string, string> {
  return new Map(agents.map((agent) => [agent.id, agent.name] as const));
}

/**
 * The API representation of a call (core/api/calls.api.ts `CallView`): no key ids, the customer's phone masked
 * when `mask` is `pii`, flags and risk from `screening` (empty and null before analysis).
 */
export function toCallView(call: Call, mask: MaskLevel, agentNames: ReadonlyMap<string, string>, screening?: CallScreening): CallView {
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
    tags: [...call.tags],
    csat: call.csat,
    crmLinks: call.crmLinks.map((link) => ({ ...link })),
    status: call.status,
    flags: [...(screening?.flags ?? [])],
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
