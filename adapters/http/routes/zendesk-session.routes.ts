import type { FastifyRequest } from 'fastify';
import { decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { decideZendeskIdentity, parseZendeskIdentitySettings, type ZendeskIdentityRefusal } from '../../../core/crm/zendesk-identity';
import type { Clock } from '../../../core/shared/clock.port';
import { CallsightError } from '../../../core/shared/errors';
import type { HttpPlugin } from '../http.deps';
import type { IssueTokenInput } from '../token-service';

/** Route of the exchange: a Zendesk-signed JWT in, a short-lived hub bearer token out. */
export const ZENDESK_SESSION_PATH = '/api/v1/session/zendesk';
/** `aud` the Zendesk app puts in the JWT (widgets/hosts/zendesk/zendesk-bridge.ts). */
export const ZENDESK_JWT_AUDIENCE = 'callsight';
/** The app asks Zendesk for 60 s; anything valid for longer than this was not minted for one exchange. */
export const MAX_ZENDESK_JWT_LIFETIME_S = 300;
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
  /** The provider account settings; the role mapping is read from them. */
  readonly settings: unknown;
}

export interface ZendeskSessionDeps {
  /** The installation for a Zendesk subdomain (lower case), or null when this hub does not know it. */
  findInstallation(subdomain: string): Promise<ZendeskInstallation | null>;
  issueToken(input: IssueTokenInput): Promise<string>;
  readonly clock: Clock;
  /** Lifetime of the issued hub token in seconds; the widget asks again after a 401. */
  readonly sessionTtlS: number;
  /** Origins allowed to call /api/v1 from a browser: exact (`https://app.example.com`) or `https://*.suffix`. */
  readonly allowedOrigins: readonly string[];
}

type RejectionReason = 'missing' | 'malformed' | 'algorithm' | 'unknown_account' | 'signature' | 'expired' | 'lifetime' | 'audience' | 'issuer' | 'claims';

class ExchangeRejected extends Error {
  constructor(
    readonly reason: RejectionReason,
    readonly tenantId: string | null,
  ) {
    super(reason);
  }
}

/**
 * `POST /api/v1/session/zendesk` and CORS for /api/v1.
 *
 * The exchange verifies the HS256 JWT that Zendesk's proxy signed with the installation's `shared_secret`
 * (tenant found by `iss` = subdomain; `aud`, `exp`, a lifetime of at most MAX_ZENDESK_JWT_LIFETIME_S and the
 * HS256 algorithm are required), derives the rights from the hub-side mapping of the Zendesk user id
 * (core/crm/zendesk-identity.ts) and answers `{token, expiresAt, principal}` with a hub token of `sessionTtlS`.
 * Every exchange of a known installation is audited, accepted or not; refusals answer 401 (bad token) or
 * 403 (a valid token of a user without rights), without saying more than the code and what to fix.
 */
export function zendeskSessionRoutes(deps: ZendeskSessionDeps): HttpPlugin {
  const isAllowedOrigin = createOriginMatcher(deps.allowedOrigins);

  return (app, helpers) => {
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
      let verified: { tenantId: string; settings: unknown; userId: string; zendeskRole: string };
      try {
        verified = await verifyExchange(request, deps);
      } catch (error) {
        if (!(error instanceof ExchangeRejected)) throw error;
        if (error.tenantId !== null) {
          await helpers.audit({
            tenantId: error.tenantId,
            actor: null,
            role: null,
            action: 'session_exchange',
            target: null,
            outcome: 'denied',
            reason: `zendesk_jwt_${error.reason}`,
          });
        } else {
          request.log.warn({ reason: error.reason }, 'zendesk session exchange refused');
        }
        throw new CallsightError('UNAUTHENTICATED', describeRejection(error.reason));
      }

      const actor = `zendesk:${verified.userId}`;
      const settings = parseZendeskIdentitySettings(verified.settings);
      const decision = decideZendeskIdentity(settings, { userId: verified.userId, zendeskRole: verified.zendeskRole });
      if (!decision.allowed) {
        await helpers.audit({
          tenantId: verified.tenantId,
          actor,
          role: null,
          action: 'session_exchange',
          target: null,
          outcome: 'denied',
          reason: decision.reason,
          details: { zendeskRole: verified.zendeskRole.slice(0, 64) },
        });
        throw new CallsightError('FORBIDDEN', describeRefusal(decision.reason));
      }

      const { grant } = decision;
      const now = deps.clock.now();
      const token = await deps.issueToken({
        tenantId: verified.tenantId,
        userId: actor,
        role: grant.role,
        ...(grant.agentId === undefined ? {} : { agentId: grant.agentId }),
        teams: grant.teams ?? [],
        queues: grant.queues ?? [],
        ttlS: deps.sessionTtlS,
      });
      const expiresAt = new Date(Math.floor(now.getTime() / 1000) * 1000 + deps.sessionTtlS * 1000).toISOString();
      await helpers.audit({
        tenantId: verified.tenantId,
        actor,
        role: grant.role,
        action: 'session_exchange',
        target: null,
        outcome: 'allowed',
        reason: 'zendesk_jwt',
        details: { zendeskRole: verified.zendeskRole.slice(0, 64), ttlS: deps.sessionTtlS },
      });
      void reply.header('Cache-Control', 'no-store');
      return {
        token,
        expiresAt,
        principal: {
          userId: actor,
          role: grant.role,
          ...(grant.agentId === undefined ? {} : { agentId: grant.agentId }),
          teams: grant.teams ?? [],
          queues: grant.queues ?? [],
        },
      };
    });
  };
}

async function verifyExchange(
  request: FastifyRequest,
  deps: ZendeskSessionDeps,
): Promise<{ tenantId: string; settings: unknown; userId: string; zendeskRole: string }> {
  const header = request.headers.authorization;
  const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : '';
  if (token === '') throw new ExchangeRejected('missing', null);

  let issuer: unknown;
  try {
    if (decodeProtectedHeader(token).alg !== 'HS256') throw new ExchangeRejected('algorithm', null);
    issuer = decodeJwt(token).iss;
  } catch (error) {
    if (error instanceof ExchangeRejected) throw error;
    throw new ExchangeRejected('malformed', null);
  }
  if (typeof issuer !== 'string' || !SUBDOMAIN.test(issuer.toLowerCase())) throw new ExchangeRejected('issuer', null);
  const installation = await deps.findInstallation(issuer.toLowerCase());
  if (installation === null) throw new ExchangeRejected('unknown_account', null);
  const { tenantId } = installation;

  const now = deps.clock.now();
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, new TextEncoder().encode(installation.sharedSecret), {
      algorithms: ['HS256'],
      issuer,
      audience: ZENDESK_JWT_AUDIENCE,
      requiredClaims: ['exp', 'sub'],
      currentDate: now,
      clockTolerance: CLOCK_TOLERANCE_S,
    }));
  } catch (error) {
    throw new ExchangeRejected(reasonFor(error), tenantId);
  }
  const nowS = Math.floor(now.getTime() / 1000);
  const exp = payload.exp as number;
  const lifetimeS = typeof payload.iat === 'number' ? exp - payload.iat : exp - nowS;
  if (lifetimeS > MAX_ZENDESK_JWT_LIFETIME_S || exp - nowS > MAX_ZENDESK_JWT_LIFETIME_S + CLOCK_TOLERANCE_S) {
    throw new ExchangeRejected('lifetime', tenantId);
  }
  const userId = payload.sub;
  const zendeskRole = payload.role;
  if (typeof userId !== 'string' || !ZENDESK_USER_ID.test(userId) || typeof zendeskRole !== 'string' || zendeskRole.trim() === '') {
    throw new ExchangeRejected('claims', tenantId);
  }
  return { tenantId, settings: installation.settings, userId, zendeskRole };
}

function reasonFor(error: unknown): RejectionReason {
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

function describeRejection(reason: RejectionReason): string {
  switch (reason) {
    case 'missing':
      return 'Send the Zendesk-signed JWT as "Authorization: Bearer {{jwt.token}}"';
    case 'unknown_account':
      return 'This Zendesk account is not connected to this hub: run `callsight tenant add --zendesk <subdomain> --secret-file <file>`';
    case 'signature':
      return "The Zendesk JWT signature is wrong: the app's shared_secret setting must equal the secret given to `callsight tenant add`";
    case 'expired':
      return 'The Zendesk JWT has expired; check the hub clock if this keeps happening';
    case 'lifetime':
      return `The Zendesk JWT is valid for too long; the app must ask for at most ${MAX_ZENDESK_JWT_LIFETIME_S} s`;
    case 'algorithm':
      return 'The Zendesk JWT must be signed with HS256';
    default:
      return `The Zendesk JWT was refused (${reason})`;
  }
}

function describeRefusal(reason: ZendeskIdentityRefusal): string {
  switch (reason) {
    case 'user_not_mapped':
      return 'Your Zendesk user has no Callsight rights yet: ask a Callsight admin to map it (`callsight tenant zendesk-roles`)';
    case 'zendesk_role_not_mapped':
      return 'Your Zendesk role gives no Callsight access: ask a Callsight admin to map it (`callsight tenant zendesk-roles`)';
    case 'zendesk_role_mismatch':
      return 'Your Zendesk role no longer matches your Callsight rights: ask a Callsight admin to update the mapping';
  }
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

