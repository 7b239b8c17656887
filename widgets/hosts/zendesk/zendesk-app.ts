import type { Locale } from '../../core/host-bridge';
import type { ZendeskAppSession } from '../../../core/api/zendesk-app.api';
import type { FeatureCatalog, FeatureId } from '../../features/feature';
import { featureAt } from '../shared/location-registry';
import { mountLocation, renderHostError } from '../shared/location-view';
import type { ZafClient } from './zaf-client.port';
import { createZendeskBridge, readZendeskPlace, waitForRegistration } from './zendesk-bridge';
import { ZENDESK_LOCATIONS } from './zendesk-locations';

export interface StartZendeskAppOptions {
  /** Language of the messages shown before Zendesk reports the user's (and when the page is opened outside Zendesk). */
  readonly fallbackLocale: Locale;
  /** The hub session embedded in the page (readEmbeddedSession); null when the page carries none. */
  readonly session: ZendeskAppSession | null;
  /** Injected for tests; defaults to every shipped feature. */
  readonly catalog?: FeatureCatalog;
}

/**
 * Starts the app in the iframe: `client` is what `ZAFClient.init()` returned (false outside Zendesk). Waits
 * for `app.registered`, reads the location, and mounts the feature ZENDESK_LOCATIONS names for it with one
 * Zendesk bridge. Resolves with that feature (null: the location has none and says so). Rejects, after
 * showing a localised message, when the page is not inside Zendesk (`HOST_UNAVAILABLE`), when Zendesk does
 * not answer, or when the feature's code cannot be loaded.
 */
export async function startZendeskApp(container: Element, client: ZafClient | false, options: StartZendeskAppOptions): Promise<FeatureId | null> {
  if (client === false) {
    renderHostError(container, 'HOST_UNAVAILABLE', options.fallbackLocale);
    throw new Error('The Callsight iframe was opened outside Zendesk (no origin and app_guid in its URL): open it from a Zendesk user or ticket');
  }
  const registered = waitForRegistration(client);
  let place;
  try {
    place = await readZendeskPlace(client, registered);
  } catch (error) {
    renderHostError(container, 'HOST_UNAVAILABLE', options.fallbackLocale);
    throw new Error('Zendesk did not report where the app is shown (client.context or currentUser failed)', { cause: error });
  }
  return mountLocation(container, {
    feature: featureAt(ZENDESK_LOCATIONS, place.location),
    place: place.location,
    bridge: createZendeskBridge(client, registered, options.session),
    fallbackLocale: place.locale,
    catalog: options.catalog,
  });
}
