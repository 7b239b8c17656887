/**
 * A telephony provider's own listing of an account's calls and recordings (Twilio's Calls and Recordings list
 * resources), read page by page: by the completeness reconciliation and by `callsight import --from twilio`.
 * Implemented by adapters/telephony/twilio/twilio.call-list.ts.
 */

/** A call as the provider lists it. */
export interface ListedProviderCall {
  readonly providerCallId: string;
  /** ISO-8601 UTC; null while the provider has no start (a queued call). */
  readonly startedAt: string | null;
  /** The provider's status; `completed` for a call that was connected and ended. */
  readonly status: string;
  /** The call this one is a leg of (a `<Dial>` child leg), or null. */
  readonly parentCallId: string | null;
}

/** A recording as the provider lists it. */
export interface ListedProviderRecording {
  readonly recordingId: string;
  readonly providerCallId: string;
  /** ISO-8601 UTC: the recording's start, else its creation. */
  readonly startedAt: string;
  /** `completed`, `processing`, `absent`, `failed`, ...: only `completed` and `processing` have (or will have) audio. */
  readonly status: string;
}

/** A window [from, to) of ISO-8601 UTC instants. */
export interface ListWindow {
  readonly from: string;
  readonly to: string;
}

export interface ProviderListPage<T> {
  readonly items: readonly T[];
  /** The provider's own token of the next page (opaque, kept by backfill checkpoints); null on the last page. */
  readonly next: string | null;
}

export interface ProviderCallList {
  readonly provider: string;
  /**
   * One page of the account's calls that started in the window; `page` a `next` from the previous page (null for the
   * first). NOT_FOUND when the hub does not know the account; UPSTREAM_FAILED when the provider fails.
   */
  callsPage(accountId: string, window: ListWindow, page: string | null): Promise<ProviderListPage<ListedProviderCall>>;
  /** One page of the account's recordings created in the window; as `callsPage`. */
  recordingsPage(accountId: string, window: ListWindow, page: string | null): Promise<ProviderListPage<ListedProviderRecording>>;
}

/** Whether a listed recording has, or will have, audio to fetch. */
export function hasAudio(recording: Pick<ListedProviderRecording, 'status'>): boolean {
  return recording.status === 'completed' || recording.status === 'processing';
}
