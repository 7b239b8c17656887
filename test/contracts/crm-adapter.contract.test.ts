import { setupServer } from 'msw/node';
import { afterAll } from 'vitest';
import { createSalesforceCrmAdapter } from '../../adapters/crm/salesforce';
import { createZendeskCrmAdapter, DEFAULT_FIELD_KEYS } from '../../adapters/crm/zendesk';
import { createSalesforceFake, FAKE_CONSUMER_KEY, FAKE_LOGIN_URL, FAKE_USERNAME, generateSalesforceKeyPair } from '../fakes/salesforce-api.fake';
import { createZendeskFake } from '../fakes/zendesk-api.fake';
import { API_TOKEN, connectionFor, EMAIL } from '../unit/crm/zendesk-harness';
import { describeCrmAdapterContract } from './crm-adapter.contract';

// One msw server for the file; each test installs the handlers of a fresh fake account.
const server = setupServer();
let onUnhandled: ((request: Request, print: { error(): void }) => void) | null = null;
server.listen({ onUnhandledRequest: (request, print) => (onUnhandled === null ? print.error() : onUnhandled(request, print)) });
afterAll(() => server.close());

describeCrmAdapterContract('zendesk', () => {
  const fake = createZendeskFake({ credentials: { email: EMAIL, apiToken: API_TOKEN }, customObjectFieldKeys: Object.values(DEFAULT_FIELD_KEYS) });
  server.resetHandlers(...fake.handlers);
  onUnhandled = fake.onUnhandledRequest;
  const adapter = createZendeskCrmAdapter({ resolveConnection: () => connectionFor(fake, { ticketNotes: { enabled: false } }) });
  return {
    adapter,
    tenantId: 'acme',
    addCustomer: (phone, name) => String(fake.addUser({ name, phone }).id),
    readCallRecord(hubCallId) {
      const fields = fake.record(hubCallId)?.custom_object_fields;
      if (fields === undefined) return null;
      const flags = typeof fields.flags === 'string' && fields.flags !== '' ? fields.flags.split(', ') : [];
      return {
        risk: fields.risk === null || fields.risk === undefined ? null : Number(fields.risk),
        flags,
        score: (fields.qa_score as number | null) ?? null,
        recordingStatus: fields.recording_status as 'stored',
        customerId: (fields.customer as string | null) ?? null,
      };
    },
    callRecordCount: () => fake.records().length,
    unhandledRequests: () => fake.unhandledRequests,
  };
});

const KEYS = generateSalesforceKeyPair();

describeCrmAdapterContract('salesforce', () => {
  const fake = createSalesforceFake({ publicKeyPem: KEYS.publicKeyPem });
  server.resetHandlers(...fake.handlers);
  onUnhandled = fake.onUnhandledRequest;
  const adapter = createSalesforceCrmAdapter({
    resolveConnection: () => ({ loginUrl: FAKE_LOGIN_URL, consumerKey: FAKE_CONSUMER_KEY, username: FAKE_USERNAME, privateKeyPem: KEYS.privateKeyPem, apiVersion: '62.0' }),
  });
  return {
    adapter,
    tenantId: 'acme',
    addCustomer: (phone, name) => fake.addPerson('Contact', { Name: name, Phone: phone }).Id,
    readCallRecord(hubCallId) {
      const record = fake.records('Call_Recording__c').get(hubCallId);
      if (record === undefined) return null;
      const flags = typeof record.Flags__c === 'string' ? record.Flags__c.split(';') : [];
      return {
        risk: record.Risk__c === null || record.Risk__c === undefined ? null : Number(record.Risk__c) / 100,
        flags,
        score: (record.QA_Score__c as number | null) ?? null,
        recordingStatus: String(record.Recording_Status__c).toLowerCase() as 'stored',
        customerId: (record.Contact__c as string | null) ?? null,
      };
    },
    callRecordCount: () => fake.records('Call_Recording__c').size,
    unhandledRequests: () => fake.unhandledRequests,
  };
});
