import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getResponse, type RequestHandler } from 'msw';
import { twilioHandlers, type FakeTwilioState } from '../../fakes/twilio-api.fake';
import { createZendeskFake, type ZendeskFake } from '../../fakes/zendesk-api.fake';
import { DEFAULT_FIELD_KEYS } from '../../../adapters/crm/zendesk';

/**
 * The msw fakes of outside APIs served over real loopback HTTP. The hub's processes in the chaos test are child
 * processes, which msw in the test process cannot intercept; the same handlers (test/fakes/*.ts, shaped as each
 * vendor documents its API and citing those pages) answer here instead. `origin` is the URL the handlers were
 * written for (Twilio's fake matches https://api.twilio.com); requests are matched as if sent there.
 */
export interface LoopbackServer {
  readonly url: string;
  /** Requests that no handler answered (a test fails on any). */
  readonly unhandled: string[];
  close(): Promise<void>;
}

export async function serveHandlers(handlers: readonly RequestHandler[], options: { readonly origin?: string; readonly port?: number } = {}): Promise<LoopbackServer> {
  const unhandled: string[] = [];
  let own = '';
  const server: Server = createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
      const method = req.method ?? 'GET';
      const body = method === 'GET' || method === 'HEAD' ? undefined : Buffer.concat(chunks);
      const request = new Request(`${options.origin ?? own}${req.url ?? '/'}`, { method, headers, ...(body ? { body } : {}) });
      const response = await getResponse([...handlers], request);
      if (!response) {
        unhandled.push(`${method} ${req.url ?? '/'}`);
        res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"error":"unhandled by the fake"}');
        return;
      }
      const payload = Buffer.from(await response.arrayBuffer());
      const out: Record<string, string> = { 'Content-Length': String(payload.length) };
      response.headers.forEach((value, name) => {
        if (name !== 'content-length' && name !== 'transfer-encoding') out[name] = value;
      });
      res.writeHead(response.status, out).end(payload);
    })().catch((error: unknown) => {
      res.writeHead(500).end((error as Error).name);
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  own = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: own,
    unhandled,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Twilio's REST API (call lookup, recording media) on loopback: point TWILIO_API_BASE_URL at `url`. */
export async function startLoopbackTwilio(state: FakeTwilioState): Promise<LoopbackServer> {
  return serveHandlers(twilioHandlers(state), { origin: 'https://api.twilio.com' });
}

/**
 * A Zendesk account on loopback (custom object records by external id, users, tickets), connected with
 * `baseUrl` = `url` (the connection setting that points the adapter at a proxy; http is accepted to loopback only).
 */
export async function startLoopbackZendesk(credentials: { email: string; apiToken: string }): Promise<LoopbackServer & { readonly fake: ZendeskFake }> {
  // The fake needs its base URL before the server has a port: reserve one first.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const fake = createZendeskFake({ baseUrl: `http://127.0.0.1:${port}`, credentials, customObjectFieldKeys: Object.values(DEFAULT_FIELD_KEYS) });
  const server = await serveHandlers(fake.handlers, { port });
  return { ...server, fake };
}
