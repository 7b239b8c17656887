import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { decodeJwt, decodeProtectedHeader, errors as joseErrors, importSPKI, jwtVerify, type JWTPayload } from 'jose';
import {
  describeRejection,
  MAX_ZENDESK_JWT_LIFETIME_S,
  zendeskExchangeActor,
  type CrmUseCases,
  type ZendeskJwtRejection,
} from '../../../app/crm/index';
import {
  ZENDESK_APP_ASSETS_PATH,
  ZENDESK_APP_PATH,
  ZENDESK_APP_SESSION_ELEMENT_ID,
  ZENDESK_APP_TOKEN_FIELD,
  type ZendeskAppSession,
} from '../../../core/api/zendesk-app.api';
import type { Clock } from '../../../core/shared/clock.port';
import { CallsightError, isCallsightError } from '../../../core/shared/errors';
import { statusFor } from '../error-status';
import type { HttpPlugin } from '../http.deps';

/** Tolerated clock difference between Zendesk and the hub, seconds. */
export const ZAF_CLOCK_TOLERANCE_S = 30;

const SUBDOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const ZENDESK_USER_ID = /^[1-9]\d{0,19}$/;
const ISSUER = /^([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)\.zendesk\.com$/;
const ASSET_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,200}$/;
const HASHED_ASSET = /-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

/** A Zendesk app installation this hub knows: its tenant and, once registered, what its ZAF JWTs are checked against. */
export interface ZendeskAppInstallation {
  readonly tenantId: string;
  /** Null when the account was added without the app's public key (`callsight zendesk connect` registers it). */
  readonly registration: { readonly installationId: string; readonly publicKey: string } | null;
}

export interface ZendeskAppRoutesDeps {
  /** The installation of a Zendesk subdomain (lower case), or null when this hub does not know it. */
  findInstallation(subdomain: string): Promise<ZendeskAppInstallation | null>;
  /** True the first time a token id is spent for a tenant, false while it is remembered (until `expiresAt`), across processes. */
  spendToken(tenantId: string, tokenId: string, expiresAt: Date): Promise<boolean>;
  /** The exchange use-case: decides the rights, issues the hub token, audits (app/crm). */
  readonly exchange: CrmUseCases['exchangeZendeskSession'];
  readonly clock: Clock;
  /** The built widget pages (dist/widgets: zendesk.html and assets/). */
  readonly widgetsDir: string;
  /** Base URL the hub is reached at from outside; defaults to the request's own origin. */
  readonly publicUrl?: string;
}

type Verification =
  | { readonly outcome: 'rejected'; readonly reason: ZendeskJwtRejection; readonly installation: { tenantId: string; subdomain: string } | null }
  | {
      readonly outcome: 'verified';
      readonly tenantId: string;
      readonly subdomain: string;
      readonly userId: string;
      readonly zendeskRole?: string;
      readonly tokenId: string;
      readonly expiresAt: Date;
    };

/**
 * The Zendesk app's page, served by the hub (manifest `signedUrls: true`; Zendesk's "Building a server-side app -
 * Part 5: Securing the app" and "Authenticating Zendesk in your server-side app").
 *
 * `POST /zendesk/app` takes Zendesk's form field `token`: a ZAF JWT signed RS256 with the app's key. The hub
 * verifies it with the public key registered for that account's installation (`callsight zendesk connect`):
 * algorithm RS256 only, `iss` = `<subdomain>.zendesk.com` naming a known account, `aud` =
 * `https://<subdomain>.zendesk.com/api/v2/apps/installations/<installation id>.json`, `exp` (30 s tolerance) and
 * a lifetime of at most MAX_ZENDESK_JWT_LIFETIME_S, a numeric `sub` (the Zendesk user id) and, when present, the
 * `role` claim; each token is accepted once (its `jti`, else its hash, is remembered in the database until it
 * expires). Only then does the exchange use-case map the user to hub rights. The answer is the widget page with
 * a 10-minute hub session in a JSON data block (`#callsight-session`; no inline script runs), `Cache-Control:
 * no-store`, a CSP allowing only this hub and framing only by that Zendesk account. Refusals answer 401 (bad
 * token) or 403 (a valid token of a user without rights) as a short page in English and Chinese (JSON when the
 * client asks for JSON), saying what to fix; every attempt on a known account is audited by the use-case.
 *
 * `GET /zendesk/assets/<file>` serves the page's built scripts and styles (flat names only).
 */
export function zendeskAppRoutes(deps: ZendeskAppRoutesDeps): HttpPlugin {
  const widgetsDir = resolve(deps.widgetsDir);
  const assetsDir = join(widgetsDir, 'assets');

  return (app) => {
    app.post(ZENDESK_APP_PATH, async (request, reply) => {
      try {
        const verification = await verifyZafToken(request, deps);
        const session = await openSession(verification, deps);
        const page = await renderPage(widgetsDir, {
          ...session,
          hubUrl: deps.publicUrl?.replace(/\/+$/, '') ?? `${request.protocol}://${request.host}`,
        });
        const subdomain = verification.outcome === 'verified' ? verification.subdomain : null;
        return reply
          .header('Content-Type', 'text/html; charset=utf-8')
          .header('Cache-Control', 'no-store')
          .header('Content-Security-Policy', pagePolicy(subdomain))
          .header('Referrer-Policy', 'no-referrer')
          .header('X-Content-Type-Options', 'nosniff')
          .send(page);
      } catch (error) {
        return sendRefusal(request, reply, error);
      }
    });

    app.get(ZENDESK_APP_PATH, async (request, reply) =>
      sendRefusal(request, reply, new CallsightError('UNAUTHENTICATED', describeRejection('missing'))),
    );

    app.get(`${ZENDESK_APP_ASSETS_PATH}/:file`, async (request, reply) => {
      const { file } = request.params as { file: string };
      const path = join(assetsDir, file);
      if (!ASSET_NAME.test(file) || !path.startsWith(assetsDir + sep)) throw new CallsightError('NOT_FOUND', 'No such app asset');
      const info = await stat(path).catch(() => null);
      if (info === null || !info.isFile()) throw new CallsightError('NOT_FOUND', 'No such app asset');
      return reply
        .header('Content-Type', CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream')
        .header('Content-Length', info.size)
        .header('Cache-Control', HASHED_ASSET.test(file) ? 'public, max-age=31536000, immutable' : 'no-cache')
        .header('X-Content-Type-Options', 'nosniff')
        .send(createReadStream(path));
    });
  };
}

async function openSession(verification: Verification, deps: ZendeskAppRoutesDeps): Promise<Omit<ZendeskAppSession, 'hubUrl'>> {
  if (verification.outcome === 'rejected') {
    const { installation, reason } = verification;
    if (installation === null) throw new CallsightError('UNAUTHENTICATED', describeRejection(reason));
    return deps.exchange(zendeskExchangeActor(installation.tenantId, null), { outcome: 'rejected', subdomain: installation.subdomain, reason });
  }
  const { tenantId, subdomain, userId, zendeskRole } = verification;
  return deps.exchange(zendeskExchangeActor(tenantId, userId), {
    outcome: 'verified',
    subdomain,
    userId,
    ...(zendeskRole === undefined ? {} : { zendeskRole }),
  });
}

async function verifyZafToken(request: FastifyRequest, deps: ZendeskAppRoutesDeps): Promise<Verification> {
  const rejected = (reason: ZendeskJwtRejection, installation: { tenantId: string; subdomain: string } | null = null): Verification => ({
    outcome: 'rejected',
    reason,
    installation,
  });
  const token = readFormField(request.body, ZENDESK_APP_TOKEN_FIELD);
  if (token === undefined || token === '') return rejected('missing');
  if (token.length > 8192) return rejected('malformed');

  let issuer: unknown;
  try {
    if (decodeProtectedHeader(token).alg !== 'RS256') return rejected('algorithm');
    issuer = decodeJwt(token).iss;
  } catch {
    return rejected('malformed');
  }
  const subdomain = typeof issuer === 'string' ? ISSUER.exec(issuer)?.[1] : undefined;
  if (subdomain === undefined || !SUBDOMAIN.test(subdomain)) return rejected('issuer');
  const found = await deps.findInstallation(subdomain);
  if (found === null) return rejected('unknown_account');
  const installation = { tenantId: found.tenantId, subdomain };
  if (found.registration === null) return rejected('not_registered', installation);

  const now = deps.clock.now();
  let payload: JWTPayload;
  try {
    const key = await importSPKI(found.registration.publicKey, 'RS256');
    ({ payload } = await jwtVerify(token, key, {
      algorithms: ['RS256'],
      issuer: `${subdomain}.zendesk.com`,
      audience: `https://${subdomain}.zendesk.com/api/v2/apps/installations/${found.registration.installationId}.json`,
      requiredClaims: ['exp', 'sub'],
      currentDate: now,
      clockTolerance: ZAF_CLOCK_TOLERANCE_S,
    }));
  } catch (error) {
    return rejected(reasonFor(error), installation);
  }
  const nowS = Math.floor(now.getTime() / 1000);
  const exp = payload.exp as number;
  const lifetimeS = typeof payload.iat === 'number' ? exp - payload.iat : exp - nowS;
  if (lifetimeS > MAX_ZENDESK_JWT_LIFETIME_S || exp - nowS > MAX_ZENDESK_JWT_LIFETIME_S + ZAF_CLOCK_TOLERANCE_S) {
    return rejected('lifetime', installation);
  }
  const userId = typeof payload.sub === 'number' ? String(payload.sub) : payload.sub;
  const role = payload.role;
  if (typeof userId !== 'string' || !ZENDESK_USER_ID.test(userId)) return rejected('claims', installation);
  if (role !== undefined && (typeof role !== 'string' || role.trim() === '' || role.length > 128)) return rejected('claims', installation);

  const jti = typeof payload.jti === 'string' && payload.jti !== '' && payload.jti.length <= 256 ? payload.jti : null;
  const tokenId = `zaf:${createHash('sha256').update(jti === null ? `token:${token}` : `jti:${subdomain}:${jti}`).digest('hex')}`;
  const expiresAt = new Date((exp + ZAF_CLOCK_TOLERANCE_S) * 1000);
  if (!(await deps.spendToken(found.tenantId, tokenId, expiresAt))) return rejected('replayed', installation);
  return { outcome: 'verified', tenantId: found.tenantId, subdomain, userId, ...(role === undefined ? {} : { zendeskRole: role }), tokenId, expiresAt };
}

function readFormField(body: unknown, name: string): string | undefined {
  if (!Array.isArray(body)) return undefined;
  const values = (body as unknown[]).filter(
    (entry): entry is [string, string] => Array.isArray(entry) && entry[0] === name && typeof entry[1] === 'string',
  );
  return values.length === 1 ? values[0]![1].trim() : undefined;
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

/** The page may load this hub's scripts, styles, images and audio, talk only to this hub, and be framed by the account only. */
function pagePolicy(subdomain: string | null): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "media-src 'self'",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${subdomain === null ? 'https://*.zendesk.com' : `https://${subdomain}.zendesk.com`}`,
  ].join('; ');
}

/** The built page with its assets under ZENDESK_APP_ASSETS_PATH and the session as a JSON data block. */
async function renderPage(widgetsDir: string, session: ZendeskAppSession): Promise<string> {
  const html = await readFile(join(widgetsDir, 'zendesk.html'), 'utf8').catch((error: unknown) => {
    throw new CallsightError('WIDGETS_NOT_BUILT', 'The Zendesk app page is not built: run `npm run build:widgets`, then reopen the app', { cause: error });
  });
  // `<` escaped so that no value can close the data block.
  const json = JSON.stringify(session).replace(/</g, '\\u003c');
  const block = `<script type="application/json" id="${ZENDESK_APP_SESSION_ELEMENT_ID}">${json}</script>`;
  const page = html.replace(/(["'])\.\/assets\//g, `$1${ZENDESK_APP_ASSETS_PATH}/`);
  if (!page.includes('</head>')) throw new CallsightError('WIDGETS_NOT_BUILT', 'The built zendesk.html has no </head>: rebuild the widgets');
  return page.replace('</head>', `    ${block}\n  </head>`);
}

const REFUSAL_ZH: Readonly<Record<number, { title: string; body: string }>> = {
  401: { title: '无法验证 Zendesk 身份', body: 'Callsight 无法确认此请求来自您的 Zendesk 账户。请从 Zendesk 重新打开应用；如仍失败，请联系 Callsight 管理员。' },
  403: { title: '没有 Callsight 权限', body: '您的 Zendesk 用户尚未获得 Callsight 权限，请联系 Callsight 管理员。' },
};
const REFUSAL_EN_TITLE: Readonly<Record<number, string>> = { 401: 'Callsight could not verify your Zendesk identity', 403: 'No Callsight access' };

/** A refusal as a short bilingual page (JSON through the error handler when the client asks for JSON). */
function sendRefusal(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  const accept = request.headers.accept ?? '';
  if (!isCallsightError(error) || (accept.includes('application/json') && !accept.includes('text/html'))) throw error;
  const status = statusFor(error.code);
  const zh = REFUSAL_ZH[status] ?? { title: 'Callsight 出现问题', body: 'Callsight 服务出现问题，请稍后再试。' };
  const enTitle = REFUSAL_EN_TITLE[status] ?? 'Callsight had a problem';
  const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Callsight</title>
<style>
body { margin: 0; padding: 12px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif; color: #2f3941; background: #fff; }
section { border-left: 3px solid #cc3340; padding: 4px 0 4px 10px; margin: 0 0 12px; max-width: 640px; overflow-wrap: anywhere; }
h1 { font-size: 15px; margin: 0 0 4px; }
p { margin: 0 0 4px; }
code { font-size: 12px; color: #68737d; }
</style>
</head>
<body>
<section lang="en"><h1>${escapeHtml(enTitle)}</h1><p>${escapeHtml(error.message)}</p><p><code>${escapeHtml(error.code)} · ${status}</code></p></section>
<section lang="zh-CN"><h1>${zh.title}</h1><p>${zh.body}</p></section>
</body>
</html>
`;
  return reply
    .status(status)
    .header('Content-Type', 'text/html; charset=utf-8')
    .header('Cache-Control', 'no-store')
    .header('Content-Security-Policy', `default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors https://*.zendesk.com`)
    .header('X-Content-Type-Options', 'nosniff')
    .send(page);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
