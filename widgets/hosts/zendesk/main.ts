import ZAFClient from 'zendesk_app_framework_sdk';
import { resolveLocale } from '../../core/host-bridge';
import type { ZafClient } from './zaf-client.port';
import { startZendeskApp } from './zendesk-app';

const container = document.getElementById('app');
if (container === null) throw new Error('iframe.html must contain <div id="app"></div>');

startZendeskApp(container, ZAFClient.init() as ZafClient | false, { fallbackLocale: resolveLocale(navigator.language) }).catch(
  (error: unknown) => reportError(error),
);
