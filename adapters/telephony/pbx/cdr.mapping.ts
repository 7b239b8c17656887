import { normalizePhone } from '../../../core/recordings/phone';
import type { PbxCdr, PbxKind } from './cdr.parsers';

/** The flag (a call tag, shown and filtered by search) of a call stored without its CDR. */
export const CDR_MISSING_TAG = 'cdr_missing';

/** What the watcher knows of the tenant to map a CDR onto a call. */
export interface CdrMappingContext {
  /** Reads numbers written without a country code (the tenant's default region). */
  readonly defaultRegion: string;
  /** The tenant's agent ids. */
  readonly agentIds: ReadonlySet<string>;
  /** Extension -> agent id, where an extension is not itself the agent's id. */
  readonly extensionAgents: ReadonlyMap<string, string>;
}

/** Call metadata as the ingest use-case takes it (validated there). */
export interface PbxCallMetadata {
  readonly provider: PbxKind;
  readonly providerCallId: string;
  readonly direction: 'inbound' | 'outbound';
  readonly startedAt: string;
  readonly agentId?: string;
  readonly queue?: string;
  readonly customerPhone?: string;
  readonly tags: string[];
}

/** An internal extension: 2 to 6 digits (what PBX dial plans use for phones), never a PSTN number. */
const EXTENSION = /^\d{2,6}$/;

/** The peer of a channel name: `PJSIP/1001-0000002a` -> 1001, `sofia/internal/1001@10.0.0.1` -> 1001. */
export function extensionOfChannel(channel: string): string | null {
  const match = /^(?:[A-Za-z0-9]+\/)+(?:[a-z]+\/)?([^-@/;]+)/.exec(channel.trim());
  const peer = match?.[1] ?? null;
  return peer && EXTENSION.test(peer) ? peer : null;
}

function agentOf(extension: string | null, context: CdrMappingContext): string | undefined {
  if (!extension) return undefined;
  const mapped = context.extensionAgents.get(extension);
  if (mapped && context.agentIds.has(mapped)) return mapped;
  return context.agentIds.has(extension) ? extension : undefined;
}

/**
 * Maps a CDR onto the call metadata of its recording. An extension calling out (src is an extension, dst is not) is
 * outbound: the agent is src's extension and the customer dst; anything else is inbound: the agent is the answering
 * extension (the destination channel's peer, else dst) and the customer src. Numbers become E.164 in the tenant's
 * region or are left out (an anonymous or internal caller is no customer). `startedAt` comes from the CDR, else
 * from `fallbackStartedAt` (the recording file's own time).
 */
export function callMetadataOf(cdr: PbxCdr, context: CdrMappingContext, fallbackStartedAt: string): PbxCallMetadata {
  const srcIsExtension = EXTENSION.test(cdr.src);
  const dstIsExtension = EXTENSION.test(cdr.dst);
  const outbound = cdr.pbxDirection === 'outbound' && !srcIsExtension ? true : srcIsExtension && !dstIsExtension;
  const agentExtension = outbound
    ? (srcIsExtension ? cdr.src : extensionOfChannel(cdr.channel))
    : (extensionOfChannel(cdr.dstChannel) ?? (dstIsExtension ? cdr.dst : null));
  const customerNumber = outbound ? cdr.dst : cdr.src;
  const customerPhone = customerNumber && !EXTENSION.test(customerNumber) ? normalizePhone(customerNumber, context.defaultRegion) : null;
  const agentId = agentOf(agentExtension, context);
  return {
    provider: cdr.pbx,
    providerCallId: cdr.uniqueId,
    direction: outbound ? 'outbound' : 'inbound',
    startedAt: cdr.startedAt ?? fallbackStartedAt,
    ...(agentId ? { agentId } : {}),
    ...(cdr.queue ? { queue: cdr.queue.slice(0, 128) } : {}),
    ...(customerPhone ? { customerPhone } : {}),
    tags: [],
  };
}

/** What is known of a recording whose CDR never came: its id and time, inbound, no agent; flagged. */
export function callMetadataWithoutCdr(pbx: PbxKind, providerCallId: string, startedAt: string): PbxCallMetadata {
  return { provider: pbx, providerCallId, direction: 'inbound', startedAt, tags: [CDR_MISSING_TAG] };
}

/**
 * The call's unique id from a recording's file name: Asterisk MixMonitor files named by ${UNIQUEID} (`1733561703.42`,
 * also inside a longer name such as `20261207-1733561703.42-1001.wav`), FreeSWITCH record_session files named by
 * ${uuid}. Null when the name holds none.
 */
export function uniqueIdOfRecording(pbx: PbxKind, fileName: string): string | null {
  const stem = fileName.replace(/\.(wav|mp3)$/i, '');
  if (pbx === 'freeswitch') {
    return /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i.exec(stem)?.[0]?.toLowerCase() ?? null;
  }
  return /(?<![\d.])(\d{9,11}\.\d+)(?![\d.])/.exec(stem)?.[1] ?? null;
}
