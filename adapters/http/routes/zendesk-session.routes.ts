import type { FastifyRequest } from 'fastify';
import { decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { describeRejection, MAX_ZENDESK_JWT_LIFETIME_S, zendeskExchangeActor, type CrmUseCases, type ZendeskJwtRejection } from '../../../app/crm/index';
import type { Clock } from '../../../core/shared/clock.port';
import { CallsightError } from '../../../core/shared/errors';
import type { HttpPlugin } from '../http.deps';

/** Route of the exchange: a Zendesk-signed JWT in, a short-lived hub bearer token out. */
export const ZENDESK_SESSION_PATH = '/api/v1/session/zendesk';
/** `aud` the Zendesk app puts in the JWT (widgets/hosts/zendesk/zendesk-bridge.ts). */
export const ZENDESK_JWT_AUDIENCE = 'callsight';
export { MAX_ZENDESK_JWT_LIFETIME_S };
/** Tolerated clock difference between Zendesk's proxy and the hub. */
export const CLOCK_TOLERANCE_S = 30;
/**
 * Where Zendesk serves app iframes (ZAF v2 apps load from `https://<app id>.apps.zdusercontent.com`); the
 * widget calls the hub directly from there with the bearer token it got through the exchange.
 */
export const DEFAULT_ZENDESK_ORIGINS: readonly string[] = ['https://*.apps.zdusercontent.com'];

const SUBDOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const ZENDESK_USER_ID = /^[1-9]\d{0,19}$/;

/** One Zendesk app installation the hub knows: the tenant it belongs to and its opened shared secret. */
export interface ZendeskInstallation {
  readonly tenantId: string;
  /** The app's secure `shared_secret` setting, in clear (opened from its sealed copy for this request only). */
  readonly sharedSecret: string;
}

export interface ZendeskSessionDeps {
  /** The installation for a Zendesk subdomain (lower case), or null when this hub does not know it. */
  findInstallation(subdomain: string): Promise<ZendeskInstallation | null>;
  /** The exchange use-case: decides the rights, issues the token, audits (app/crm). */
  readonly exchange: CrmUseCases['exchangeZendeskSession'];
  readonly clock: Clock;
  /** Origins allowed to call /api/v1 from a browser: exact (`https://app.example.com`) or `https://*.suffix`. */
  readonly allowedOrigins: readonly string[];
}

/** What the JWT proved: nothing (and maybe which tenant's installation it claims), or a Zendesk user. */
type Verification =
  | { readonly outcome: 'rejected'; readonly reason: ZendeskJwtRejection; readonly installation: { tenantId: string; subdomain: string } | null }
  | { readonly outcome: 'verified'; readonly tenantId: string; readonly subdomain: string; readonly userId: string; readonly zendeskRole: string };

/**
 * `POST /api/v1/session/zendesk` and CORS for /api/v1.
 *
 * The exchange verifies the HS256 JWT that Zendesk's proxy signed with the installation's `shared_secret`
 * (tenant found by `iss` = subdomain; `aud`, `exp`, a lifetime of at most MAX_ZENDESK_JWT_LIFETIME_S and the
 * HS256 algorithm are required), then hands what it proved to the exchange use-case, which derives the rights
 * from the hub-side mapping and answers `{token, expiresAt, principal}` (core/api/crm.api.ts). Every exchange
 * of a known installation is audited by the use-case, accepted or not; refusals answer 401 (bad token) or 403
 * (a valid token of a user without rights), without saying more than the code and what to fix.
 */
export function zendeskSessionRoutes(deps: ZendeskSessionDeps): HttpPlugin {
  const isAllowedOrigin = createOriginMatcher(deps.allowedOrigins);

  return (app) => {
    app.addHook('onRequest', async (request, reply) => {
      if (!request.url.startsWith('/api/v1/')) return;
      const origin = request.headers.origin;
      if (origin === undefined) return;
      void reply.header('Vary', 'Origin');
      if (!isAllowedOrigin(origin)) {
        if (request.method === 'OPTIONS') {
          return reply.status(403).send({ error: { code: 'FORBIDDEN', message: 'This origin may not call the Callsight API' } });
        }
        return;
      }
      void reply
        .header('Access-Control-Allow-Origin', origin)
        .header('Access-Control-Expose-Headers', 'Content-Range, Accept-Ranges, Content-Length, Retry-After');
      if (request.method === 'OPTIONS') {
        return reply
          .status(204)
          .header('Access-Control-Allow-Methods', 'GET, POST')
          .header('Access-Control-Allow-Headers', 'Authorization, Content-Type, Range')
          .header('Access-Control-Max-Age', '600')
          .send();
      }
    });
    // A preflight to a path without an OPTIONS route still needs a route for the hook above to answer it.
    app.options('/api/v1/*', async (_request, reply) => reply.status(204).send());

    app.post(ZENDESK_SESSION_PATH, async (request, reply) => {
      const verification = await verifyExchange(request, deps);
      let session;
      if (verification.outcome === 'rejected') {
        const { installation, reason } = verification;
        if (installation === null) {
          request.log.warn({ reason }, 'zendesk session exchange refused');
          throw new CallsightError('UNAUTHENTICATED', describeRejection(reason));
        }
        session = await deps.exchange(zendeskExchangeActor(installation.tenantId, null), {
          outcome: 'rejected',
          subdomain: installation.subdomain,
          reason,
        });
      } else {
        const { tenantId, subdomain, userId, zendeskRole } = verification;
        session = await deps.exchange(zendeskExchangeActor(tenantId, userId), { outcome: 'verified', subdomain, userId, zendeskRole });
      }
      void reply.header('Cache-Control', 'no-store');
      return session;
    });
  };
}

async function verifyExchange(request: FastifyRequest, deps: ZendeskSessionDeps): Promise<Verification> {
  const rejected = (reason: ZendeskJwtRejection, installation: { tenantId: string; subdomain: string } | null = null): Verification => ({
    outcome: 'rejected',
    reason,
    installation,
  });
  const header = request.headers.authorization;
  const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : '';
  if (token === '') return rejected('missing');

  let issuer: unknown;
  try {
    if (decodeProtectedHeader(token).alg !== 'HS256') return rejected('algorithm');
    issuer = decodeJwt(token).iss;
  } catch {
    return rejected('malformed');
  }
  if (typeof issuer !== 'string' || !SUBDOMAIN.test(issuer.toLowerCase())) return rejected('issuer');
  const subdomain = issuer.toLowerCase();
  const found = await deps.findInstallation(subdomain);
  if (found === null) return rejected('unknown_account');
  const installation = { tenantId: found.tenantId, subdomain };

  const now = deps.clock.now();
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, new TextEncoder().encode(found.sharedSecret), {
      algorithms: ['HS256'],
      issuer,
      audience: ZENDESK_JWT_AUDIENCE,
      requiredClaims: ['exp', 'sub'],
      currentDate: now,
      clockTolerance: CLOCK_TOLERANCE_S,
    }));
  } catch (error) {
    return rejected(reasonFor(error), installation);
  }
  const nowS = Math.floor(now.getTime() / 1000);
  const exp = payload.exp as number;
  const lifetimeS = typeof payload.iat === 'number' ? exp - payload.iat : exp - nowS;
  if (lifetimeS > MAX_ZENDESK_JWT_LIFETIME_S || exp - nowS > MAX_ZENDESK_JWT_LIFETIME_S + CLOCK_TOLERANCE_S) {
    return rejected('lifetime', installation);
  }
  const userId = payload.sub;
  const zendeskRole = payload.role;
  if (typeof userId !== 'string' || !ZENDESK_USER_ID.test(userId) || typeof zendeskRole !== 'string' || zendeskRole.trim() === '') {
    return rejected('claims', installation);
  }
  return { outcome: 'verified', tenantId: found.tenantId, subdomain, userId, zendeskRole };
}

function reasonFor(error: unknown): ZendeskJwtRejection {
  if (error instanceof joseErrors.JWTExpired) return 'expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return 'audience';
    if (error.claim === 'iss') return 'issuer';
    return 'claims';
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'signature';
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'algorithm';
  return 'malformed';
}

/**
 * Compiles origin patterns: an exact origin (`https://app.example.com`, `http://localhost:5173`) or a scheme
 * with a wildcard for one or more leading DNS labels (`https://*.apps.zdusercontent.com`). Throws on a pattern
 * it cannot read, so a typo fails at start-up instead of silently allowing nothing or everything.
 */
export function createOriginMatcher(patterns: readonly string[]): (origin: string) => boolean {
  const exact = new Set<string>();
  const wildcards: { scheme: string; suffix: string; port: string }[] = [];
  for (const raw of patterns) {
    const pattern = raw.trim().toLowerCase();
    const wildcard = /^(https?):\/\/\*\.((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,63})(?::(\d{1,5}))?$/.exec(pattern);
    if (wildcard) {
      wildcards.push({ scheme: wildcard[1] as string, suffix: `.${wildcard[2] as string}`, port: wildcard[3] ?? '' });
      continue;
    }
    let url: URL;
    try {
      url = new URL(pattern);
    } catch {
      throw new CallsightError('VALIDATION_FAILED', `CORS origin "${raw}" is not an origin such as https://app.example.com or https://*.example.com`);
    }
    if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== pattern.replace(/\/$/, '')) {
      throw new CallsightError('VALIDATION_FAILED', `CORS origin "${raw}" must be scheme://host[:port] with nothing after it`);
    }
    exact.add(url.origin);
  }
  return (origin) => {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false;
    }
    if (url.origin !== origin.toLowerCase()) return false;
    if (exact.has(url.origin)) return true;
    const label = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+$/;
    return wildcards.some(
      (w) =>
        url.protocol === `${w.scheme}:` &&
        url.port === w.port &&
        url.hostname.endsWith(w.suffix) &&
        label.test(url.hostname.slice(0, url.hostname.length - w.suffix.length + 1)),
    );
  };
}

