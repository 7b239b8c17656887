import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import * as z from 'zod';
import { demoTokenRequestSchema, type DemoCustomers } from '../../../core/api/demo.api';
import type { Clock } from '../../../core/shared/clock.port';
import { CallsightError } from '../../../core/shared/errors';
import { validationError } from '../../../core/shared/validation';
import { createDemoUseCases, demoPrincipal, type DemoSettings } from '../../../app/tenants';
import type { HttpPlugin } from '../http.deps';
import type { IssueTokenInput } from '../token-service';

export { DEMO_ROLES } from '../../../core/api/demo.api';

export interface DemoAgent {
  readonly id: string;
  readonly name: string;
  readonly team: string;
}

export interface DemoRoutesDeps {
  /** The tenant the demo shows; tokens are issued for it only. */
  readonly tenantId: string;
  /** The built widget pages (dist/widgets: demo.html and assets/). */
  readonly widgetsDir: string;
  /** True while the demo tenant exists on this hub; the routes answer 404 otherwise. */
  isEnabled(): Promise<boolean>;
  /** Demo customers that have calls, in a stable order. */
  listCustomers(): Promise<readonly { phone: string; name: string }[]>;
  /** The demo agents; the first is who an agent visitor becomes unless they pick one. */
  listAgents(): Promise<readonly DemoAgent[]>;
  /** Signs a hub token (the demo token use-case decides what it says). */
  issueToken(input: IssueTokenInput): Promise<string>;
  readonly clock: Clock;
  /** Lifetime of a demo token, seconds. */
  readonly tokenTtlS: number;
  /** The team a demo QA reviewer reviews. */
  readonly qaTeam: string;
  /** Base URL the hub is reached at from outside; defaults to the request's own origin. */
  readonly publicUrl?: string;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The Salesforce static-resource files the demo serves: one bundle per component and the chart runtime
 * (widgets/hosts/salesforce/salesforce-components.ts, SALESFORCE_BUNDLE_FILES); any other name under
 * /demo/salesforce/ is a 404.
 */
export const SALESFORCE_BUNDLE_FILES: readonly string[] = [
  'callsight-call-history.iife.js',
  'callsight-review-panel.iife.js',
  'callsight-admin-setup.iife.js',
  'callsight-insights.iife.js',
  'callsight-my-calls.iife.js',
  'callsight-training.iife.js',
  'callsight-charts.iife.js',
];
/** Flat asset names only: no separators, no leading dot, so no path can leave the assets folder. */
const ASSET_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,200}$/;
/** Vite names built assets `<name>-<hash>.<ext>`; such a file never changes, so it may be cached for good. */
const HASHED_ASSET = /-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

/** The demo page may load its own scripts, styles, images and audio, and talk only to this hub. */
const DEMO_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "media-src 'self'",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'self'",
  "form-action 'none'",
].join('; ');

/**
 * The hub's `/demo`: the call-history widget framed as in the Zendesk user sidebar, with a role switcher, on
 * the demo tenant's data. Routes: `GET /demo`, `/demo/` (the page), `/demo/salesforce` (the same widgets on
 * Lightning record pages, through the Salesforce static resources `/demo/salesforce/callsight-<component>.iife.js`, one per component),
 * `/demo/assets/<file>` (the pages' built assets),
 * `GET /demo/customers` (`[{phone, name}]`), `POST /demo/token {role, agentId?}` -> `{token, hubUrl, expiresAt}`
 * (schemas in core/api/demo.api.ts). The token is issued by the demo token use-case (app/tenants), bound here to
 * the demo's settings and the hub's audit trail, as the demo identity the visitor picked (`demoPrincipal`).
 *
 * The demo hands a token for the demo tenant to anyone who asks, so every route answers 404 unless the demo
 * tenant exists: a hub without demo data has no demo. Tokens are short-lived, audited, and scoped as the real
 * roles are (an agent hears only their own calls, QA only their team's, masked). When the widget build is
 * missing the page routes answer 503 `WIDGETS_NOT_BUILT` saying how to build it.
 */
export function demoRoutes(deps: DemoRoutesDeps): HttpPlugin {
  const widgetsDir = resolve(deps.widgetsDir);
  const assetsDir = join(widgetsDir, 'assets');

  const requireEnabled = async () => {
    if (!(await deps.isEnabled())) {
      throw new CallsightError('NOT_FOUND', 'The demo is off: this hub has no demo tenant (start it with SEED_DEMO=auto or run `callsight seed`)');
    }
  };

  const sendFile = async (reply: FastifyReply, file: string, cache: string) => {
    const info = await stat(file).catch(() => null);
    if (info === null || !info.isFile()) return null;
    const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
    return reply
      .header('Content-Type', type)
      .header('Content-Length', info.size)
      .header('Cache-Control', cache)
      .header('X-Content-Type-Options', 'nosniff')
      .send(createReadStream(file));
  };

  const pageSender = (page: string) => async (_request: FastifyRequest, reply: FastifyReply) => {
    await requireEnabled();
    void reply.header('Content-Security-Policy', DEMO_CSP).header('Referrer-Policy', 'no-referrer');
    const sent = await sendFile(reply, join(widgetsDir, page), 'no-cache');
    if (sent === null) {
      throw new CallsightError(
        'WIDGETS_NOT_BUILT',
        'The demo page is not built: run `npm run build:widgets` (`npm start` does it first), then reload',
      );
    }
    return sent;
  };

  const settings: DemoSettings = { tenantId: deps.tenantId, tokenTtlS: deps.tokenTtlS, qaTeam: deps.qaTeam };

  return (app, helpers) => {
    const demo = createDemoUseCases({ tokens: { issue: deps.issueToken }, clock: deps.clock, demo: settings, audit: helpers.audit });
    const sendPage = pageSender('demo.html');
    app.get('/demo', sendPage);
    app.get('/demo/', sendPage);
    app.get('/demo/salesforce', pageSender('salesforce-demo.html'));
    app.get('/demo/salesforce/:file', async (request, reply) => {
      await requireEnabled();
      const { file } = request.params as { file: string };
      if (!SALESFORCE_BUNDLE_FILES.includes(file)) throw new CallsightError('NOT_FOUND', 'No such Salesforce static resource');
      const sent = await sendFile(reply, join(widgetsDir, 'salesforce', file), 'no-cache');
      if (sent === null) throw new CallsightError('WIDGETS_NOT_BUILT', 'The Salesforce static resource is not built: run `npm run build:widgets`');
      return sent;
    });

    app.get('/demo/assets/:file', async (request, reply) => {
      await requireEnabled();
      const { file } = request.params as { file: string };
      const path = join(assetsDir, file);
      if (!ASSET_NAME.test(file) || !path.startsWith(assetsDir + sep)) {
        throw new CallsightError('NOT_FOUND', 'No such demo asset');
      }
      const sent = await sendFile(reply, path, HASHED_ASSET.test(file) ? 'public, max-age=31536000, immutable' : 'no-cache');
      if (sent !== null) return sent;
      const built = await stat(join(widgetsDir, 'demo.html')).catch(() => null);
      if (built === null) throw new CallsightError('WIDGETS_NOT_BUILT', 'The demo assets are not built: run `npm run build:widgets`');
      throw new CallsightError('NOT_FOUND', 'No such demo asset');
    });

    app.get('/demo/customers', async (_request, reply) => {
      await requireEnabled();
      const customers: DemoCustomers = (await deps.listCustomers()).map(({ phone, name }) => ({ phone, name }));
      void reply.header('Cache-Control', 'no-store');
      return customers;
    });

    app.post('/demo/token', async (request, reply) => {
      await requireEnabled();
      if (!isLoopbackClient(request)) {
        throw new CallsightError('FORBIDDEN', 'Demo tokens are handed out only to a browser on the hub machine itself (loopback, not through a proxy)');
      }
      const parsed = z.safeParse(demoTokenRequestSchema, request.body ?? {});
      if (!parsed.success) throw validationError('Invalid demo token request', parsed.error);
      const body = parsed.data;
      const visitor = demoPrincipal(body, await deps.listAgents(), settings);
      const session = await demo.issueDemoToken(visitor, undefined);
      void reply.header('Cache-Control', 'no-store');
      return { ...session, hubUrl: deps.publicUrl?.replace(/\/+$/, '') ?? `${request.protocol}://${request.host}` };
    });
  };
}

/**
 * True only for a request whose TCP peer is a loopback address (127.0.0.0/8, ::1, ::ffff:127.x) and that carries
 * no forwarding header. Reads the socket, never `request.ip`: with trustProxy an `X-Forwarded-For` header would
 * otherwise let a remote client look local, and a request relayed by a local proxy may come from anywhere.
 */
export function isLoopbackClient(request: FastifyRequest): boolean {
  const headers = request.headers;
  if (headers['x-forwarded-for'] !== undefined || headers.forwarded !== undefined || headers['x-real-ip'] !== undefined) return false;
  const address = request.raw.socket?.remoteAddress ?? '';
  return address === '::1' || /^(?:::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address);
}
