/**
 * The recording domain: tenants, agents, calls and their recordings (DOMAIN R-CAP-1..6).
 * All instants are ISO-8601 UTC strings; durations are seconds.
 */

export type Seniority = 'new' | 'senior';
export type Channel = 'human' | 'ivr';
export type Direction = 'inbound' | 'outbound';
export type AudioFormat = 'wav' | 'mp3';
export type CrmName = 'salesforce' | 'zendesk';

/** `stored`: audio durable; `misdial`: under 5 s (R-CAP-6); `archived`: audio in the archive tier; `deleted`: tombstone only. */
export type CallStatus = 'stored' | 'misdial' | 'archived' | 'deleted';

export interface Tenant {
  readonly id: string;
  readonly name: string;
  /** Region used to read phone numbers written without a country code (ISO 3166 alpha-2, e.g. CN). */
  readonly defaultRegion: string;
  readonly industry: 'general' | 'finance' | 'ecommerce' | 'education' | 'medical';
  readonly createdAt: string;
}

export interface Agent {
  readonly tenantId: string;
  readonly id: string;
  readonly name: string;
  readonly team: string;
  readonly seniority: Seniority;
  readonly hiredAt: string;
}

export interface CrmLink {
  readonly crm: CrmName;
  readonly objectType: string;
  readonly id: string;
}

export interface Recording {
  readonly format: AudioFormat;
  readonly bytes: number;
  readonly sha256: string;
  readonly channels: number;
  readonly durationS: number;
  /** Identifies the wrapped data key in the KeyVault; destroying it crypto-shreds the audio. */
  readonly keyId: string;
}

export interface Call {
  readonly id: string;
  readonly tenantId: string;
  readonly provider: string;
  readonly providerCallId: string;
  readonly channel: Channel;
  readonly direction: Direction;
  readonly startedAt: string;
  readonly endedAt: string;
  /** Measured from the audio itself, never taken from the sender. */
  readonly durationS: number;
  readonly agentId: string | null;
  /** The agent's team when the call was stored (filled by the repository from the agent record). */
  readonly team?: string | null;
  readonly queue: string | null;
  /** E.164, or null when the number was withheld. */
  readonly customerPhone: string | null;
  readonly inquiryType: string | null;
  readonly tags: readonly string[];
  readonly csat: number | null;
  readonly crmLinks: readonly CrmLink[];
  readonly status: CallStatus;
  readonly recording: Recording | null;
  readonly createdAt: string;
}

/** Calls shorter than this are misdials (R-CAP-6): kept, marked, and purged only by an explicit retention rule. */
export const MISDIAL_THRESHOLD_S = 5;

export function classifyStatus(durationS: number): CallStatus {
  return durationS < MISDIAL_THRESHOLD_S ? 'misdial' : 'stored';
}
