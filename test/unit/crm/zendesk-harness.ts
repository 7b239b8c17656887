import { setupServer } from 'msw/node';
import { DEFAULT_FIELD_KEYS, type ZendeskConnection } from '../../../adapters/crm/zendesk';
import { createZendeskFake, type ZendeskFake, type ZendeskFakeOptions } from '../../fakes/zendesk-api.fake';

export const EMAIL = 'sync@acme.example';
export const API_TOKEN = 'zdTOKENs3cr3t6b9a1f0e';
export const OAUTH_TOKEN = 'oauthACCESS7f3e9c2b';

/** The msw server is created once per file; each test gets a fresh fake account through `use`. */
export function startZendeskServer(): { server: ReturnType<typeof setupServer>; use(options?: Partial<ZendeskFakeOptions>): ZendeskFake; current(): ZendeskFake | null } {
  const server = setupServer();
  let current: ZendeskFake | null = null;
  server.listen({
    onUnhandledRequest: (request, print) => {
      if (current !== null) current.onUnhandledRequest(request, print);
      else print.error();
    },
  });
  return {
    server,
    use(options = {}) {
      current = createZendeskFake({
        credentials: { email: EMAIL, apiToken: API_TOKEN },
        customObjectFieldKeys: Object.values(DEFAULT_FIELD_KEYS),
        ...options,
      });
      server.resetHandlers(...current.handlers);
      return current;
    },
    current: () => current,
  };
}

export function connectionFor(fake: ZendeskFake, overrides: Partial<ZendeskConnection> = {}): ZendeskConnection {
  return {
    subdomain: 'acme',
    baseUrl: fake.baseUrl,
    auth: { kind: 'api_token', email: EMAIL, apiToken: API_TOKEN },
    ticketNotes: { enabled: true },
    ...overrides,
  };
}
