import { createHash, randomUUID } from 'node:crypto';
import { importPKCS8, SignJWT } from 'jose';
import { Connection, OAuth2 } from 'jsforce';
import type { HttpMethods, HttpRequest, HttpRequestOptions, HttpResponse } from 'jsforce';
import { z } from 'zod';
import { CrmAuthError, CrmRateLimitedError, CrmUnavailableError } from '../../../core/crm/crm.errors';
import type { Clock } from '../../../core/shared/clock.port';
import type { ResolvedSalesforceConnection } from './salesforce.config';
import { parseApiUsage, readErrorCode, translateSalesforceError, translateTokenError, type SalesforceResponseInfo } from './salesforce.errors';

/** The JWT bearer grant type: https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_jwt_flow.htm */
const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** Salesforce refuses assertions whose `exp` is more than 3 minutes ahead; stay well inside it. */
const ASSERTION_LIFETIME_S = 150;

/** jsforce's Transport, as far as the adapter uses it. */
interface TransportLike {
  httpRequest(req: HttpRequest, options?: HttpRequestOptions): Promise<HttpResponse> & { stream(): unknown };
}

/**
 * jsforce's transport with the adapter's options forced on every request and each response's status and headers
 * handed to `onResponse` (jsforce's errors carry neither). Forced: no automatic retries (jsforce would retry GETs
 * on 429/5xx up to 5 times with sleeps, hiding limits from the outbox and spending the org's allowance), no proxy
 * from the environment (credentials go only where the connection says), no redirects, the connection's timeout.
 */
function tapTransport(inner: TransportLike, timeoutMs: number, onResponse: (info: SalesforceResponseInfo) => void): TransportLike {
  const forced: HttpRequestOptions = { retry: { maxRetries: 0 }, httpProxy: undefined, followRedirect: false, timeout: timeoutMs };
  return {
    httpRequest(req, options) {
      const pending = inner.httpRequest(req, { ...options, ...forced });
      pending.then(
        (response) => onResponse({ status: response.statusCode, headers: response.headers }),
        () => undefined,
      );
      return pending;
    },
  };
}

/** What the adapter keeps per tenant between calls: the session and the org's API allowance as last seen. */
export interface SalesforceTenantState {
  session: { readonly accessToken: string; readonly instanceUrl: string; readonly connection: Connection } | null;
  authenticating: Promise<NonNullable<SalesforceTenantState['session']>> | null;
  apiUsage: { readonly used: number; readonly limit: number; readonly atMs: number } | null;
  /** No request before this instant (a REQUEST_LIMIT_EXCEEDED, or the usage ceiling reached). */
  pausedUntilMs: number | null;
  /** Requests sent (token requests included), for operators and benchmarks. */
  requests: number;
}

export function createTenantState(): SalesforceTenantState {
  return { session: null, authenticating: null, apiUsage: null, pausedUntilMs: null, requests: 0 };
}

/** A stable key for a connection, so a changed connection gets a fresh session (hashes the key, never stores it twice). */
export function connectionFingerprint(connection: ResolvedSalesforceConnection): string {
  return createHash('sha256')
    .update([connection.loginUrl, connection.instanceUrl ?? '', connection.consumerKey, connection.username, connection.apiVersion, connection.privateKeyPem].join('\n'))
    .digest('hex');
}

export interface RestRequest {
  readonly method: HttpMethods;
  /** Below `/services/data/vXX.X`, e.g. `/composite/batch`. */
  readonly path: string;
  readonly body?: unknown;
  /** `text/csv` sends `body` as is (a string); JSON otherwise. */
  readonly contentType?: 'application/json' | 'text/csv';
}

/** A 401, or Salesforce's `INVALID_SESSION_ID`: the access token expired or was revoked. */
function isExpiredSession(error: unknown): boolean {
  if (!(error instanceof CrmAuthError)) return false;
  const details = error.details as { status?: unknown; salesforceErrorCode?: unknown } | undefined;
  return details?.status === 401 || readErrorCode(details?.salesforceErrorCode) === 'INVALID_SESSION_ID';
}

const tokenResponseSchema = z.looseObject({ access_token: z.string().min(1), instance_url: z.url(), id: z.string().optional() });

/**
 * One tenant's REST client on jsforce: authenticates with the OAuth 2.0 JWT bearer flow, re-authenticates once
 * when Salesforce answers `INVALID_SESSION_ID`, honours the org's API allowance (`Sforce-Limit-Info`,
 * `REQUEST_LIMIT_EXCEEDED`) and translates every failure into the port's typed errors. Never logs.
 */
export class SalesforceClient {
  constructor(
    readonly connection: ResolvedSalesforceConnection,
    /** Shared by every client of the same tenant and connection. */
    readonly state: SalesforceTenantState,
    private readonly clock: Clock,
  ) {}

  get apiVersion(): string {
    return this.connection.apiVersion;
  }

  /**
   * Sends one REST request and returns its parsed body. Fails with CrmRateLimitedError without sending anything
   * while the tenant's org is paused.
   */
  async request<T>(operation: string, request: RestRequest): Promise<T> {
    this.checkAllowance(operation);
    const session = await this.ensureSession();
    try {
      return await this.send<T>(operation, request, session);
    } catch (error) {
      if (!isExpiredSession(error)) throw error;
      // The token expired or was revoked: one new token, one retry; a second refusal is an auth failure.
      if (this.state.session === session) this.state.session = null;
      const renewed = await this.ensureSession();
      return this.send<T>(operation, request, renewed);
    }
  }

  private async send<T>(operation: string, request: RestRequest, session: NonNullable<SalesforceTenantState['session']>): Promise<T> {
    let response: SalesforceResponseInfo | null = null;
    const transport = tapTransport(session.connection._transport as unknown as TransportLike, this.connection.timeoutMs, (info) => {
      response = info;
      this.observeUsage(info);
    });
    const body = request.body === undefined ? undefined : request.contentType === 'text/csv' ? String(request.body) : JSON.stringify(request.body);
    const httpRequest: HttpRequest = {
      method: request.method,
      url: `${session.instanceUrl}/services/data/v${this.connection.apiVersion}${request.path}`,
      headers: {
        Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': request.contentType ?? 'application/json' }),
      },
      ...(body === undefined ? {} : { body }),
    };
    this.state.requests += 1;
    try {
      return (await session.connection.request<T>(httpRequest, { transport })) as T;
    } catch (error) {
      const failure = translateSalesforceError(error, operation, response, this.connection.limitPauseMs);
      // The allowance is the org's, not the request's: nothing more goes out until the pause ends.
      if (failure instanceof CrmRateLimitedError) this.pauseFor(failure.retryAfterMs);
      throw failure;
    }
  }

  /** Records the allowance from `Sforce-Limit-Info`; pauses the tenant once usage passes the ceiling. */
  private observeUsage(info: SalesforceResponseInfo): void {
    const now = this.clock.now().getTime();
    const usage = parseApiUsage(info.headers['sforce-limit-info']);
    if (usage !== null) {
      this.state.apiUsage = { ...usage, atMs: now };
      if (usage.used >= usage.limit * this.connection.apiUsageCeiling) this.pauseFor(this.connection.limitPauseMs);
    }
  }

  /** No request to this tenant's org for `retryAfterMs` (extends a longer pause, never shortens it). */
  pauseFor(retryAfterMs: number): void {
    const until = this.clock.now().getTime() + retryAfterMs;
    this.state.pausedUntilMs = Math.max(this.state.pausedUntilMs ?? 0, until);
  }

  private checkAllowance(operation: string): void {
    const paused = this.state.pausedUntilMs;
    if (paused === null) return;
    const now = this.clock.now().getTime();
    if (now >= paused) {
      this.state.pausedUntilMs = null;
      return;
    }
    const usage = this.state.apiUsage;
    throw new CrmRateLimitedError('salesforce', operation, paused - now, {
      details: { reason: 'paused', apiUsed: usage?.used ?? null, apiLimit: usage?.limit ?? null, ceiling: this.connection.apiUsageCeiling },
    });
  }

  private ensureSession(): Promise<NonNullable<SalesforceTenantState['session']>> {
    if (this.state.session !== null) return Promise.resolve(this.state.session);
    this.state.authenticating ??= this.authenticate().finally(() => {
      this.state.authenticating = null;
    });
    return this.state.authenticating;
  }

  /**
   * OAuth 2.0 JWT bearer flow: an RS256 assertion (iss = consumer key, sub = username, aud = login URL,
   * exp = now + 150 s) posted to `{loginUrl}/services/oauth2/token`; the response's `instance_url` and
   * `access_token` open the session.
   * https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_jwt_flow.htm
   */
  private async authenticate(): Promise<NonNullable<SalesforceTenantState['session']>> {
    const { connection } = this;
    let key: CryptoKey;
    try {
      key = await importPKCS8(connection.privateKeyPem, 'RS256');
    } catch (error) {
      throw new CrmAuthError('salesforce', 'authenticate (JWT bearer)', 'unauthenticated', { cause: new Error('the private key is not an RSA PKCS#8 key', { cause: error }) });
    }
    const nowS = Math.floor(this.clock.now().getTime() / 1000);
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer(connection.consumerKey)
      .setSubject(connection.username)
      .setAudience(connection.loginUrl)
      .setExpirationTime(nowS + ASSERTION_LIFETIME_S)
      .setJti(randomUUID())
      .sign(key);

    const oauth2 = new OAuth2({ loginUrl: connection.loginUrl });
    let response: SalesforceResponseInfo | null = null;
    oauth2._transport = tapTransport(oauth2._transport as unknown as TransportLike, connection.timeoutMs, (info) => {
      response = info;
    }) as unknown as OAuth2['_transport'];
    this.checkAllowance('authenticate (JWT bearer)');
    this.state.requests += 1;
    let token: z.infer<typeof tokenResponseSchema>;
    try {
      const raw = await oauth2.requestToken({ grant_type: JWT_BEARER_GRANT, assertion } as { grant_type: string });
      const parsed = tokenResponseSchema.safeParse(raw);
      if (!parsed.success) throw new CrmUnavailableError('salesforce', 'authenticate (JWT bearer)', 'token response did not have the documented shape');
      token = parsed.data;
    } catch (error) {
      if (error instanceof CrmUnavailableError) throw error;
      throw translateTokenError(error, response, connection.limitPauseMs);
    }
    const instanceUrl = connection.instanceUrl ?? new URL(token.instance_url).origin;
    const jsforce = new Connection({ instanceUrl, accessToken: token.access_token, version: connection.apiVersion });
    this.state.session = { accessToken: token.access_token, instanceUrl, connection: jsforce };
    return this.state.session;
  }
}
