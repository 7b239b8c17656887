import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { twilioHandlers, type FakeTwilioState } from '../../fakes/twilio-api.fake';
import { createZendeskFake, type ZendeskFake } from '../../fakes/zendesk-api.fake';
import { DEFAULT_FIELD_KEYS } from '../../../adapters/crm/zendesk';
import { serveOnLoopback, type LoopbackHttp } from '../loopback-http';

/** A fake served on loopback (test/support/loopback-http.ts). */
export type LoopbackServer = LoopbackHttp;

/** Twilio's REST API (call lookup, recording media) on loopback: point TWILIO_API_BASE_URL at `url`. */
export async function startLoopbackTwilio(state: FakeTwilioState): Promise<LoopbackServer> {
  return serveOnLoopback(twilioHandlers(state), { origin: 'https://api.twilio.com' });
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
  const server = await serveOnLoopback(fake.handlers, { port });
  return { ...server, fake };
}
