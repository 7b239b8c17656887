import type { CrmUseCases } from '../../../app/crm/index';
import type { Clock } from '../../../core/shared/clock.port';
import { CallsightError } from '../../../core/shared/errors';
import type { HttpPlugin } from '../http.deps';

/**
 * The route of the former session exchange, where the app's own iframe code sent claims for Zendesk's proxy to
 * sign. It is gone: claims the iframe writes prove nothing about the user, so the hub now takes identity only
 * from Zendesk's signed page request (adapters/http/routes/zendesk-app.routes.ts). The path answers 404.
 */
export const ZENDESK_SESSION_PATH = '/api/v1/session/zendesk';
/**
 * Where Zendesk serves app iframes (`https://<app id>.apps.zdusercontent.com`); allowed to call /api/v1 from a
 * browser by default. The Callsight app page itself is served by the hub (same origin) and needs no CORS.
 */
export const DEFAULT_ZENDESK_ORIGINS: readonly string[] = ['https://*.apps.zdusercontent.com'];

/** Kept for the wiring's sake; the removed exchange read it. */
export interface ZendeskInstallation {
  readonly tenantId: string;
  readonly sharedSecret: string;
}

export interface ZendeskSessionDeps {
  /** Unused since the exchange route was removed; accepted so that existing wiring still compiles. */
  findInstallation?(subdomain: string): Promise<ZendeskInstallation | null>;
  /** Unused since the exchange route was removed (the signed page calls the exchange use-case). */
  readonly exchange?: CrmUseCases['exchangeZendeskSession'];
  readonly clock?: Clock;
  /** Origins allowed to call /api/v1 from a browser: exact (`https://app.example.com`) or `https://*.suffix`. */
  readonly allowedOrigins: readonly string[];
}

/**
 * CORS for /api/v1: allowed origins get `Access-Control-Allow-Origin` (never credentials) and their preflights
 * 204 with GET/POST and Authorization/Content-Type/Range; other origins' preflights get 403, their other requests
 * no CORS headers. Registers no session route: `POST /api/v1/session/zendesk` answers 404 like any unknown path.
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
  };
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

