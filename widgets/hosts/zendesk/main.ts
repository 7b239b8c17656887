import ZAFClient from 'zendesk_app_framework_sdk';
import { mountCallHistory } from '../../call-history';
import type { HostBridge } from '../../core/host-bridge';
import { resolveLocale } from '../../core/host-bridge';
import { HubApiError } from '../../core/api-client';
import type { ZafClient } from './zaf-client.port';
import { createZendeskBridge, onCustomerChange, waitForRegistration } from './zendesk-bridge';

const container = document.getElementById('app');
if (container === null) throw new Error('iframe.html must contain <div id="app"></div>');

const client = ZAFClient.init() as ZafClient | false;
if (client === false) {
  mountCallHistory(container, outsideZendeskBridge(), { fallbackLocale: resolveLocale(navigator.language) });
} else {
  const bridge = createZendeskBridge(client, waitForRegistration(client));
  mountCallHistory(container, bridge);
  onCustomerChange(client, () => mountCallHistory(container, bridge));
}

/** Opened outside Zendesk (no origin/app_guid): the widget shows how to open it properly. */
function outsideZendeskBridge(): HostBridge {
  const refusal = () => Promise.reject(new HubApiError('HOST_UNAVAILABLE', 0, 'This page must be opened by Zendesk'));
  return { context: refusal, fetchToken: refusal, resize: () => {} };
}
