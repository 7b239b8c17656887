import type { PbxCdr, PbxKind } from './cdr.parsers';

/**
 * Where a recording file of a drop folder is on its way (restart-safe: each step is recorded before the next begins):
 * `waiting` (complete, its CDR not read yet, since `firstSeenAt`) -> `claimed` (about to be ingested) -> `ingested`
 * (the call is stored: `callId`) -> `done` (moved to done/); or `failed` (moved to failed/ with `reason`). A crash
 * after `claimed` ingests again, which the ingest use-case's (provider, providerCallId) idempotency turns into the
 * stored call; a crash after `ingested` only moves the file.
 */
export type DropFileState = 'waiting' | 'claimed' | 'ingested' | 'done' | 'failed';

export interface DropFileRow {
  readonly tenantId: string;
  /** The drop folder's absolute path. */
  readonly folder: string;
  /** The file's name inside the folder. */
  readonly name: string;
  readonly pbx: PbxKind;
  readonly providerCallId: string;
  readonly state: DropFileState;
  readonly callId: string | null;
  /** Why it failed (no personal data: codes and file facts only). */
  readonly reason: string | null;
  /** Stored without a CDR (flagged `cdr_missing`). */
  readonly cdrMissing: boolean;
  readonly firstSeenAt: string;
  readonly updatedAt: string;
}

/** How far a CDR source (a CSV file, or one JSON CDR file) has been read; `fileId` tells a rotated file apart. */
export interface CdrSourceMark {
  readonly fileId: string;
  readonly offset: number;
}

/**
 * The watcher's durable memory, in the hub's database (SQLite versions 120-129, PostgreSQL version 13): each drop
 * file's state, the CDR rows read (so that a recording arriving after its CDR line still finds it after a restart),
 * and how far each CDR file has been read.
 */
export interface DropLedger {
  getFile(tenantId: string, folder: string, name: string): Promise<DropFileRow | null>;
  /**
   * Records a file first seen complete, as `waiting` (or straight as `claimed` when its CDR is already there: one write
   * instead of two); an existing row is returned unchanged.
   */
  noteFile(
    row: Pick<DropFileRow, 'tenantId' | 'folder' | 'name' | 'pbx' | 'providerCallId'>,
    at: string,
    initial?: { readonly state: 'waiting' | 'claimed'; readonly cdrMissing?: boolean },
  ): Promise<DropFileRow>;
  /** Moves a file to `state` (with its call id, failure reason and flag); the row must exist. */
  setState(
    key: Pick<DropFileRow, 'tenantId' | 'folder' | 'name'>,
    state: DropFileState,
    at: string,
    details?: { readonly callId?: string | null; readonly reason?: string | null; readonly cdrMissing?: boolean; readonly providerCallId?: string },
  ): Promise<void>;
  listFiles(tenantId: string, folder: string): Promise<readonly DropFileRow[]>;
  /** Stores CDR rows (a row seen again replaces the older one) and the source's new mark, in one transaction. */
  saveCdrs(tenantId: string, source: string, cdrs: readonly PbxCdr[], mark: CdrSourceMark, at: string): Promise<void>;
  findCdr(tenantId: string, pbx: PbxKind, uniqueId: string): Promise<PbxCdr | null>;
  sourceMark(tenantId: string, source: string): Promise<CdrSourceMark | null>;
}
