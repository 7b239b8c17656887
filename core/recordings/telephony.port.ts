import type { Call } from './call';

/** A provider webhook as received: the public URL it was sent to, its headers, and its form parameters in order. */
export interface TelephonyWebhookRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly form: readonly (readonly [string, string])[];
}

export type TelephonyWebhookOutcome =
  | { readonly kind: 'stored'; readonly call: Call }
  | { readonly kind: 'duplicate'; readonly call: Call }
  /**
   * Recorded durably to be fetched by a job (core/recordings/pending-recording.port.ts); `created` is false for a
   * repeat of a callback already recorded. Nothing was downloaded while the provider waited.
   */
  | { readonly kind: 'accepted'; readonly pendingId: string; readonly created: boolean }
  /** A status the hub does not act on (e.g. a recording still in progress); acknowledged, nothing stored. */
  | { readonly kind: 'ignored'; readonly reason: string };

/**
 * One telephony provider's webhook: verifies the signature (timing-safe) before anything else, then maps the
 * event to an ingest, or records it to be fetched later (`accepted`). Throws SIGNATURE_INVALID for a bad or missing signature, having stored nothing.
 */
export interface TelephonyWebhookHandler {
  readonly provider: string;
  handle(request: TelephonyWebhookRequest): Promise<TelephonyWebhookOutcome>;
}
