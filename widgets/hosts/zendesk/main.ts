import ZAFClient from 'zendesk_app_framework_sdk';
import { resolveLocale } from '../../core/host-bridge';
import type { ZafClient } from './zaf-client.port';
import { startZendeskApp } from './zendesk-app';
import { readEmbeddedSession } from './zendesk-session';

const container = document.getElementById('app');
if (container === null) throw new Error('zendesk.html must contain <div id="app"></div>');

startZendeskApp(container, ZAFClient.init() as ZafClient | false, {
  fallbackLocale: resolveLocale(navigator.language),
  session: readEmbeddedSession(document),
}).catch((error: unknown) => reportError(error));
