/**
 * A failure a host bridge reports: `code` is stable (a hub code relayed through the host's proxy, such as
 * `SIGNATURE_INVALID`, or one of `HOST_UNAVAILABLE`, `SESSION_FAILED`, `NETWORK`, `BAD_RESPONSE`,
 * `UPSTREAM_FAILED`), `status` the HTTP status (0 when there was none). It lives apart from the API client
 * so a host shell (bridge, registry, messages) loads without the client and its schemas; the features that
 * call the hub bring those in their own lazily loaded chunks. Messages never contain tokens or personal data.
 */
export class HostError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(code: string, status: number, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HostError';
    this.code = code;
    this.status = status;
  }
}

/** The stable code of a widget error (HostError, the API client's HubApiError), or `fallback` for any other throw. */
export function errorCode(error: unknown, fallback: string): string {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(code) ? code : fallback;
}
