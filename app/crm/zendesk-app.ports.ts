import { z } from 'zod';
import type { JobQueue } from '../../core/jobs/job-queue.port';
import type { IdGenerator } from '../../core/shared/clock.port';
import { CallsightError } from '../../core/shared/errors';

/**
 * What the Zendesk app's signed URLs need on the hub: each installation's registration (Zendesk's public key
 * for the app and the installation id, kept in the Zendesk provider account's settings under `app`) and a
 * ledger of spent ZAF JWTs shared by every hub process.
 */

/** The key of the registration in the Zendesk provider account's settings (next to `roles` and `users`). */
export const ZENDESK_APP_SETTINGS_KEY = 'app';

/** Job kind that holds a spent ZAF JWT until it expires (the job queue's dedupe key is the token id). */
export const ZENDESK_TOKEN_SPENT_JOB = 'zendesk.token_spent';

const INSTALLATION_ID = /^[1-9]\d{0,19}$/;
const PEM_PUBLIC_KEY = /^-----BEGIN PUBLIC KEY-----\r?\n(?:[A-Za-z0-9+/=]{1,76}\r?\n)+-----END PUBLIC KEY-----\r?\n?$/;

/** An installation id as Zendesk shows it (`zcli apps:create`, Admin Center): digits. */
export const zendeskInstallationIdSchema = z.string().regex(INSTALLATION_ID, 'must be the numeric Zendesk installation id');
/** An SPKI public key in PEM (`-----BEGIN PUBLIC KEY-----`), as Zendesk shows the app's key. */
export const zendeskPublicKeyPemSchema = z.string().max(8192).regex(PEM_PUBLIC_KEY, 'must be a PEM public key (-----BEGIN PUBLIC KEY-----)');

const registrationSchema = z.object({ installationId: zendeskInstallationIdSchema, publicKey: zendeskPublicKeyPemSchema }).strict();

/** A Zendesk app installation as registered with `callsight zendesk connect`: what its ZAF JWTs are checked against. */
export type ZendeskAppRegistration = z.infer<typeof registrationSchema>;

/**
 * The registration stored in a Zendesk provider account's settings, or null when none was registered (an
 * account added with only a shared secret). A stored value that no longer parses is VALIDATION_FAILED saying
 * how to fix it, never naming the key itself.
 */
export function readZendeskAppRegistration(settings: Record<string, unknown>): ZendeskAppRegistration | null {
  const stored = settings[ZENDESK_APP_SETTINGS_KEY];
  if (stored === undefined || stored === null) return null;
  const parsed = registrationSchema.safeParse(stored);
  if (!parsed.success) {
    throw new CallsightError('VALIDATION_FAILED', 'The stored Zendesk app registration is invalid: run `callsight zendesk connect` again');
  }
  return parsed.data;
}

/**
 * Spent ZAF JWTs. `spend` is atomic across every process on the same database: it answers true the first time
 * a token id is presented for a tenant and false for every later time until `expiresAt` has passed (by then the
 * token itself is refused as expired).
 */
export interface ZendeskTokenLedger {
  spend(tenantId: string, tokenId: string, expiresAt: Date): Promise<boolean>;
}

/**
 * The ledger on the job queue: each spent token is a `zendesk.token_spent` job due at the token's expiry whose
 * dedupe key is the token id, so a second enqueue of the same id is refused while the first is queued (the
 * queue's dedupe is atomic on SQLite and PostgreSQL alike). A worker completes the job once it is due
 * (ZENDESK_TOKEN_SPENT_JOB's handler does nothing else), which frees the id after the token has expired.
 */
export function createZendeskTokenLedger(jobs: Pick<JobQueue, 'enqueue'>, ids: IdGenerator): ZendeskTokenLedger {
  return {
    spend: (tenantId, tokenId, expiresAt) =>
      jobs.enqueue({
        id: ids.newId('job'),
        tenantId,
        kind: ZENDESK_TOKEN_SPENT_JOB,
        payload: {},
        runAt: expiresAt.toISOString(),
        maxAttempts: 1,
        dedupeKey: tokenId,
      }),
  };
}

/** Checks that a PEM is an RSA public key Zendesk could sign with; returns it normalised, or throws VALIDATION_FAILED. */
export interface ZendeskPublicKeyChecker {
  checkZendeskPublicKey(pem: string): string;
}
