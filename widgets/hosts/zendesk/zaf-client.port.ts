/**
 * The part of the ZAF v2 client (npm `zendesk_app_framework_sdk`) the Zendesk host uses. Declared here so
 * the host can be tested with a plain stub object and so the SDK's untyped CommonJS stays at the edge.
 */
export interface ZafClient {
  on(event: string, handler: (payload?: unknown) => void): void;
  get(path: string): Promise<Record<string, unknown>>;
  context(): Promise<ZafContext>;
  metadata(): Promise<ZafMetadata>;
  invoke(name: string, ...args: unknown[]): Promise<unknown>;
  request(options: ZafRequestOptions): Promise<unknown>;
}

export interface ZafContext {
  readonly product?: string;
  /** `user_sidebar`, `ticket_sidebar`... (Zendesk sends it without the `support.` prefix). */
  readonly location?: string;
  readonly ticketId?: number | string;
  readonly account?: { readonly subdomain?: string };
  readonly instanceGuid?: string;
}

export interface ZafMetadata {
  readonly appId?: number;
  readonly installationId?: number;
  readonly settings?: Record<string, unknown>;
}

/**
 * Options of `client.request` (ZAF "Making API requests from a Zendesk app"). Not used to reach the hub: the app
 * page is served by the hub itself, and claims the iframe asks Zendesk to sign (`jwt`) would prove nothing.
 */
export interface ZafRequestOptions {
  readonly url: string;
  readonly type: 'GET' | 'POST';
  readonly secure?: boolean;
  readonly cors?: boolean;
  readonly contentType?: string;
  readonly dataType?: 'json' | 'text';
  readonly data?: string;
  readonly headers?: Record<string, string>;
  readonly timeout?: number;
  readonly httpCompleteResponse?: boolean;
}
