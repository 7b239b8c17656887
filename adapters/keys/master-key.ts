import { readFileSync, statSync } from 'node:fs';
import { CallsightError } from '../../core/shared/errors';

/** Where the database key store's master key comes from; the key itself is never logged or put in an error. */
export interface MasterKeySource {
  /** MASTER_KEY_FILE: a file readable by its owner only (mode 0600 or stricter). */
  readonly file?: string;
  /** CALLSIGHT_MASTER_KEY: the key itself, 32 bytes as 64 hex digits or base64. */
  readonly value?: string;
}

/**
 * The 32-byte master key from MASTER_KEY_FILE or CALLSIGHT_MASTER_KEY, or null when neither is set. Throws
 * VALIDATION_FAILED, saying what to fix, for both set at once, a file group or others can read, or a value that is not
 * 32 bytes of hex or base64.
 */
export function loadMasterKey(source: MasterKeySource): Buffer | null {
  const file = source.file?.trim() || undefined;
  const value = source.value?.trim() || undefined;
  if (file && value) {
    throw new CallsightError('VALIDATION_FAILED', 'Both MASTER_KEY_FILE and CALLSIGHT_MASTER_KEY are set: set only one of them');
  }
  if (file) {
    let mode: number;
    try {
      mode = statSync(file).mode;
    } catch (cause) {
      throw new CallsightError('VALIDATION_FAILED', `MASTER_KEY_FILE ${file} cannot be read`, { cause });
    }
    if ((mode & 0o077) !== 0) {
      throw new CallsightError(
        'VALIDATION_FAILED',
        `MASTER_KEY_FILE ${file} is readable by others (mode ${(mode & 0o777).toString(8)}): run chmod 600 ${file}`,
      );
    }
    return parseMasterKey(readFileSync(file, 'utf8'), 'MASTER_KEY_FILE');
  }
  if (value) return parseMasterKey(value, 'CALLSIGHT_MASTER_KEY');
  return null;
}

/** 32 bytes from 64 hex digits or base64 (standard or URL-safe); the message never echoes the input. */
export function parseMasterKey(text: string, setting: string): Buffer {
  const trimmed = text.trim();
  let key: Buffer | null = null;
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) key = Buffer.from(trimmed, 'hex');
  else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) key = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (!key || key.length !== 32) {
    throw new CallsightError(
      'VALIDATION_FAILED',
      `${setting} must hold 32 random bytes as 64 hex digits or base64 (e.g. the output of: openssl rand -hex 32)`,
    );
  }
  return key;
}
