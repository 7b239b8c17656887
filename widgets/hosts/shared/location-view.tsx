import { render } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { adoptStyles } from '../../core/adopt-styles';
import baseStyles from '../../core/widget-base.css?inline';
import type { HostBridge, Locale } from '../../core/host-bridge';
import { translate, translateError } from '../../core/i18n';
import { FEATURE_CATALOG } from '../../features/feature-catalog';
import type { FeatureCatalog, FeatureId, WidgetFeature } from '../../features/feature';

export interface LocationViewProps {
  /** What the host's registry says this place mounts; null shows that the place has nothing yet. */
  readonly feature: FeatureId | null;
  /** The host's name for the place, shown in the "nothing here" message so an admin can report it. */
  readonly place: string;
  readonly bridge: HostBridge;
  /** Language of the host messages, and of the feature until its host context is known. */
  readonly fallbackLocale: Locale;
  /** Injected for tests; defaults to every shipped feature. */
  readonly catalog?: FeatureCatalog;
  /** Called once the feature is on screen (or, for `feature: null`, once the message is). */
  readonly onReady?: (feature: FeatureId | null) => void;
  /** Called when the feature's code cannot be loaded; without it the error is rethrown as an unhandled rejection. */
  readonly onLoadError?: (error: unknown) => void;
}

type ViewState =
  | { readonly status: 'loading' }
  | { readonly status: 'ready'; readonly feature: WidgetFeature }
  | { readonly status: 'failed' };

/**
 * Loads the feature a host place mounts and renders it with the host's bridge, inside a
 * `<div class="cs-host" data-feature="{id}">`. The shared and the feature's styles are added to the
 * document or shadow root before the feature first paints. A place without a feature, and a feature whose
 * code fails to load, show a localised message instead.
 */
export function LocationView({ feature, place, bridge, fallbackLocale, catalog = FEATURE_CATALOG, onReady, onLoadError }: LocationViewProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<ViewState>({ status: 'loading' });
  const callbacks = useRef({ onReady, onLoadError });
  callbacks.current = { onReady, onLoadError };

  useLayoutEffect(() => {
    if (hostRef.current !== null) adoptStyles(hostRef.current, 'base', baseStyles);
  }, []);

  useEffect(() => {
    let current = true;
    setState({ status: 'loading' });
    if (feature === null) {
      callbacks.current.onReady?.(null);
      return undefined;
    }
    catalog[feature]().then(
      (loaded) => {
        if (!current) return;
        if (hostRef.current !== null) adoptStyles(hostRef.current, loaded.id, loaded.styles);
        setState({ status: 'ready', feature: loaded });
      },
      (error: unknown) => {
        if (current) setState({ status: 'failed' });
        const report = callbacks.current.onLoadError;
        if (report === undefined) throw error;
        report(error);
      },
    );
    return () => {
      current = false;
    };
  }, [feature, catalog]);

  useEffect(() => {
    if (state.status === 'ready') callbacks.current.onReady?.(state.feature.id);
  }, [state]);

  const lang = fallbackLocale === 'zh-cn' ? 'zh-CN' : 'en';
  return (
    <div class="cs-host" data-feature={feature ?? undefined} ref={hostRef}>
      {state.status === 'ready' ? <state.feature.View bridge={bridge} fallbackLocale={fallbackLocale} /> : null}
      {feature === null ? (
        <div class="cs-root" lang={lang}>
          <p class="cs-message" role="status">
            {translate(fallbackLocale, 'unsupportedLocation', { location: place })}
          </p>
        </div>
      ) : null}
      {state.status === 'failed' ? (
        <div class="cs-root" lang={lang}>
          <p class="cs-message cs-message--error" role="alert">
            {translateError(fallbackLocale, 'FEATURE_LOAD_FAILED')}
          </p>
        </div>
      ) : null}
    </div>
  );
}

/** Options of mountLocation: LocationViewProps without the callbacks, which become the returned promise. */
export type MountLocationOptions = Omit<LocationViewProps, 'onReady' | 'onLoadError'>;

/** Thrown into a mountLocation promise whose container was unmounted or mounted again before it was ready. */
export class MountAbandonedError extends Error {
  readonly code = 'MOUNT_ABANDONED';

  constructor(message: string) {
    super(message);
    this.name = 'MountAbandonedError';
  }
}

const pendingMounts = new WeakMap<Element, (reason: MountAbandonedError) => void>();
let mountCount = 0;

/**
 * Renders a fresh LocationView into `container`, replacing what was there (a mounted feature is unmounted
 * first). Resolves with the feature once it is on screen, or null when the place has none (its message is
 * shown); rejects with the loader's error when the feature's code cannot be loaded (a message is shown too),
 * and with MountAbandonedError when the container is unmounted or mounted again before that.
 */
export function mountLocation(container: Element, options: MountLocationOptions): Promise<FeatureId | null> {
  pendingMounts.get(container)?.(new MountAbandonedError('Mounted again before the previous widget finished loading'));
  mountCount += 1;
  const key = mountCount;
  return new Promise((resolve, reject) => {
    const abandon = (reason: MountAbandonedError) => {
      pendingMounts.delete(container);
      reject(reason);
    };
    const settle = () => {
      if (pendingMounts.get(container) === abandon) pendingMounts.delete(container);
    };
    pendingMounts.set(container, abandon);
    render(
      <LocationView
        key={key}
        {...options}
        onReady={(feature) => {
          settle();
          resolve(feature);
        }}
        onLoadError={(error) => {
          settle();
          reject(error);
        }}
      />,
      container,
    );
  });
}

/** Removes what mountLocation rendered; the feature's effects are cleaned up (host subscriptions included). */
export function unmountLocation(container: Element): void {
  pendingMounts.get(container)?.(new MountAbandonedError('Unmounted before the widget finished loading'));
  render(null, container);
}

/** Renders a host-level error (e.g. the page was not opened by its host) with the shared styles. */
export function renderHostError(container: Element, code: string, locale: Locale): void {
  adoptStyles(container, 'base', baseStyles);
  render(
    <div class="cs-root" lang={locale === 'zh-cn' ? 'zh-CN' : 'en'}>
      <p class="cs-message cs-message--error" role="alert">
        {translateError(locale, code)}
      </p>
    </div>,
    container,
  );
}
