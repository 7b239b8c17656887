import { useEffect, useState } from 'preact/hooks';
import { errorCode } from '../../core/host-error';
import type { AdminMessageKey } from './admin-setup.strings';

/** The pieces every admin section shares: a load with its states, the translated text, loading and failure messages. */
export type Load<T> = { readonly status: 'loading' } | { readonly status: 'error'; readonly code: string } | { readonly status: 'ready'; readonly value: T };

export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): [Load<T>, () => void, (value: T) => void] {
  const [state, setState] = useState<Load<T>>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let current = true;
    setState({ status: 'loading' });
    load().then(
      (value) => current && setState({ status: 'ready', value }),
      (error: unknown) => current && setState({ status: 'error', code: errorCode(error, 'INTERNAL') }),
    );
    return () => {
      current = false;
    };
  }, [...deps, attempt]);
  return [state, () => setAttempt((n) => n + 1), (value) => setState({ status: 'ready', value })];
}

export type T = (key: AdminMessageKey, vars?: Record<string, string | number>) => string;

export function Failure({ code, t, onRetry }: { code: string; t: T; onRetry?: () => void }) {
  return (
    <div class="cs-message cs-message--error" role="alert">
      <p>{code === 'FORBIDDEN' ? t('forbidden') : t('error', { code })}</p>
      {onRetry ? (
        <button type="button" class="cs-button" onClick={onRetry}>
          {t('retry')}
        </button>
      ) : null}
    </div>
  );
}

export function Loading({ t }: { readonly t: T }) {
  return (
    <p class="cs-message" role="status" aria-live="polite">
      {t('loading')}
    </p>
  );
}

