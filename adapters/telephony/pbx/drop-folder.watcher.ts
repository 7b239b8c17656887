import { mkdir, open, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { AudioProbe } from '../../../core/recordings/audio-store.port';
import type { ProviderCallEntry, ProviderCallLedger } from '../../../core/recordings/provider-call-ledger.port';
import type { Clock } from '../../../core/shared/clock.port';
import { isCallsightError } from '../../../core/shared/errors';
import { mp3TruncationOf } from './audio-completeness';
import { callMetadataOf, callMetadataWithoutCdr, uniqueIdOfRecording, type PbxCallMetadata } from './cdr.mapping';
import { cdrDecoder, cdrFromJson, cdrFromRow, completeCsvRows, type PbxCdr, type PbxKind } from './cdr.parsers';
import type { DropFileRow, DropLedger } from './drop-ledger.port';

/** Where the PBX writes its CDRs and how to read them. */
export interface CdrSource {
  /** A CSV file appended to (Master.csv), or a folder of mod_json_cdr files (or one such file). */
  readonly path: string;
  readonly format: 'csv' | 'json';
  /** The CSV column names in order (Asterisk cdr_csv, a cdr_custom mapping, a mod_cdr_csv template). */
  readonly columns: readonly string[];
  /** UTC offset of the CDR's local date-times (`+08:00`); `+00:00` with Asterisk usegmtime=yes. */
  readonly utcOffset: string;
  /** Encoding of CDR bytes that are not valid UTF-8 (default gb18030). */
  readonly fallbackEncoding?: string;
}

export interface DropFolderOptions {
  readonly tenantId: string;
  /** Absolute path of the drop folder; done/ and failed/ are made inside it. */
  readonly folder: string;
  readonly pbx: PbxKind;
  readonly cdr: CdrSource;
  /** A file is judged once its size and mtime have not changed for this long. */
  readonly settleMs: number;
  /** How long a complete recording waits for its CDR before it is stored flagged `cdr_missing`. */
  readonly cdrWaitMs: number;
  /** Extension -> agent id, for extensions that are not themselves agent ids. */
  readonly extensionAgents?: ReadonlyMap<string, string>;
}

/** What the watcher needs of the hub. */
export interface DropFolderDeps {
  readonly ledger: DropLedger;
  /** The shared ingest use-case, bound to the watcher's system actor (idempotent on provider + providerCallId). */
  ingest(metadata: PbxCallMetadata, audio: Uint8Array): Promise<{ readonly callId: string; readonly created: boolean }>;
  /** The tenant's phone region and agent ids (NOT_FOUND when the tenant does not exist). */
  tenant(): Promise<{ readonly defaultRegion: string; readonly agentIds: ReadonlySet<string> }>;
  readonly probe: AudioProbe;
  readonly clock: Clock;
  /** The provider's list of calls (completeness); absent when the hub has none wired. */
  readonly providerCalls?: Pick<ProviderCallLedger, 'record'> | null;
  /** Told of each file dealt with (for a progress bar). */
  onFile?(outcome: 'ingested' | 'duplicate' | 'failed'): void;
}

/** Counts of one pass (never names or numbers: file names may hold a caller's number). */
export interface PassReport {
  cdrRows: number;
  cdrRowsSkipped: number;
  ingested: number;
  duplicates: number;
  failed: number;
  flaggedWithoutCdr: number;
  waitingForCdr: number;
  /** Files still being written (or not yet stable long enough to judge). */
  unsettled: number;
}

/** Ingest outcomes that are the file's fault: it goes to failed/ with the reason. Anything else is retried. */
const FILE_FAULTS = new Set(['AUDIO_CORRUPT', 'AUDIO_EMPTY', 'UNSUPPORTED_MEDIA_TYPE', 'VALIDATION_FAILED', 'PAYLOAD_TOO_LARGE']);
const AUDIO_EXTENSIONS = new Set(['.wav', '.mp3']);
const CSV_READ_CHUNK = 4 * 1024 * 1024;

type DropFileKey = Pick<DropFileRow, 'tenantId' | 'folder' | 'name'>;

class FileFault extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/**
 * A PBX drop folder (issue 19 item 2): recordings that Asterisk MixMonitor or FreeSWITCH record_session write into
 * `folder`, joined with their CDR by the call's unique id and stored through the shared ingest use-case. Each pass
 * reads the CDR source from where it stopped, then judges every file that has stopped growing: complete audio is
 * ingested once (with its CDR, or after `cdrWaitMs` without it, flagged), then moved to done/; bad audio or bad
 * metadata goes to failed/ beside a `<name>.reason` file. Every step is recorded in the ledger before the next, so a
 * watcher killed at any point (SIGKILL included) resumes where it was without storing a call twice or losing a file.
 * One watcher per folder.
 */
export class DropFolderWatcher {
  private readonly seen = new Map<string, { size: number; mtimeMs: number; incompleteSince?: number; durationS?: number }>();
  /** JSON CDR files read in this process (path -> file id and size), so each pass does not ask the ledger again. */
  private readonly jsonRead = new Map<string, string>();
  private readonly decode: (bytes: Uint8Array) => string;

  constructor(
    private readonly options: DropFolderOptions,
    private readonly deps: DropFolderDeps,
  ) {
    this.decode = cdrDecoder(options.cdr.fallbackEncoding);
  }

  /** One pass: read new CDR rows, then judge every file in the folder. */
  async runPass(signal?: AbortSignal): Promise<PassReport> {
    const report: PassReport = { cdrRows: 0, cdrRowsSkipped: 0, ingested: 0, duplicates: 0, failed: 0, flaggedWithoutCdr: 0, waitingForCdr: 0, unsettled: 0 };
    await this.readCdrs(report);
    await mkdir(join(this.options.folder, 'done'), { recursive: true });
    await mkdir(join(this.options.folder, 'failed'), { recursive: true });
    const tenant = await this.deps.tenant();
    const entries = await readdir(this.options.folder, { withFileTypes: true });
    const names = entries.filter((e) => e.isFile() && !e.name.startsWith('.')).map((e) => e.name).sort();
    for (const name of names) {
      if (signal?.aborted) break;
      await this.judge(name, tenant, report);
    }
    for (const name of [...this.seen.keys()]) if (!names.includes(name)) this.seen.delete(name);
    return report;
  }

  /**
   * Passes until nothing in the folder is still being written (used by `--once` and backfill): every complete file
   * is then ingested, failed, or waiting for its CDR.
   */
  async runUntilSettled(signal?: AbortSignal): Promise<PassReport> {
    const total = emptyReport();
    for (;;) {
      const report = await this.runPass(signal);
      addReport(total, report);
      total.waitingForCdr = report.waitingForCdr;
      total.unsettled = report.unsettled;
      if (report.unsettled === 0 || signal?.aborted) return total;
      await sleep(Math.max(50, Math.min(1000, this.options.settleMs / 2)), signal);
    }
  }

  /**
   * Passes every `pollMs` until `signal` aborts; the file in hand is finished first. A pass that fails (the database
   * busy, a CDR file unreadable for a moment) is reported to `onError` and tried again at the next poll: every step is
   * in the ledger, so nothing is lost or repeated. A missing tenant ends the run (NOT_FOUND): it will not fix itself.
   */
  async run(signal: AbortSignal, pollMs: number, onPass?: (report: PassReport) => void, onError?: (error: unknown) => void): Promise<void> {
    while (!signal.aborted) {
      try {
        onPass?.(await this.runPass(signal));
      } catch (error) {
        if ((isCallsightError(error) && error.code === 'NOT_FOUND') || !onError) throw error;
        onError(error);
      }
      await sleep(pollMs, signal);
    }
  }

  private now(): number {
    return this.deps.clock.now().getTime();
  }

  private async readCdrs(report: PassReport): Promise<void> {
    const { cdr } = this.options;
    let info;
    try {
      info = await stat(cdr.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // the PBX has written no CDR yet
      throw error;
    }
    if (cdr.format === 'json') {
      const files = info.isDirectory()
        ? (await readdir(cdr.path)).filter((n) => n.endsWith('.json')).sort().map((n) => join(cdr.path, n))
        : [cdr.path];
      for (const file of files) await this.readJsonCdr(file, report);
      return;
    }
    await this.readCsvCdrs(cdr.path, report);
  }

  private async readCsvCdrs(path: string, report: PassReport): Promise<void> {
    const { tenantId, pbx, cdr } = this.options;
    const handle = await open(path, 'r');
    try {
      const info = await handle.stat();
      const fileId = `${info.dev}:${info.ino}`;
      const mark = await this.deps.ledger.sourceMark(tenantId, path);
      // A rotated file (another inode) or one cut shorter is read from its start; rows seen again are idempotent.
      let offset = mark && mark.fileId === fileId && mark.offset <= info.size ? mark.offset : 0;
      while (offset < info.size) {
        const length = Math.min(CSV_READ_CHUNK, info.size - offset);
        const buffer = Buffer.alloc(length);
        const { bytesRead } = await handle.read(buffer, 0, length, offset);
        const { rows, consumed } = completeCsvRows(buffer.subarray(0, bytesRead), this.decode);
        if (consumed === 0) break; // a partial last line: read again, whole, next pass
        const cdrs: PbxCdr[] = [];
        for (const row of rows) {
          const parsed = cdrFromRow(pbx, cdr.columns, row, { utcOffset: cdr.utcOffset });
          if (typeof parsed === 'string') report.cdrRowsSkipped++;
          else cdrs.push(parsed);
        }
        offset += consumed;
        await this.saveCdrs(path, cdrs, { fileId, offset }, report);
      }
    } finally {
      await handle.close();
    }
  }

  private async readJsonCdr(path: string, report: PassReport): Promise<void> {
    const { tenantId, cdr } = this.options;
    const info = await stat(path);
    const fileId = `${info.dev}:${info.ino}`;
    if (this.jsonRead.get(path) === `${fileId}:${info.size}`) return;
    const mark = await this.deps.ledger.sourceMark(tenantId, path);
    if (mark && mark.fileId === fileId && mark.offset === info.size) {
      this.jsonRead.set(path, `${fileId}:${info.size}`);
      return;
    }
    let document: unknown;
    try {
      document = JSON.parse(this.decode(await readFile(path)));
    } catch {
      return; // still being written (or not JSON): looked at again next pass
    }
    const parsed = cdrFromJson(document, { utcOffset: cdr.utcOffset });
    if (typeof parsed === 'string') report.cdrRowsSkipped++;
    await this.saveCdrs(path, typeof parsed === 'string' ? [] : [parsed], { fileId, offset: info.size }, report);
    this.jsonRead.set(path, `${fileId}:${info.size}`);
  }

  private async saveCdrs(source: string, cdrs: readonly PbxCdr[], mark: { fileId: string; offset: number }, report: PassReport): Promise<void> {
    const at = this.deps.clock.now().toISOString();
    await this.deps.ledger.saveCdrs(this.options.tenantId, source, cdrs, mark, at);
    report.cdrRows += cdrs.length;
    const entries: ProviderCallEntry[] = cdrs
      .filter((c) => c.startedAt !== null)
      .map((c) => ({
        tenantId: this.options.tenantId,
        provider: c.pbx,
        providerCallId: c.uniqueId,
        startedAt: c.startedAt!,
        // An answered call is one the PBX records (MixMonitor / record_session run on answer).
        recorded: (c.billsec ?? 0) > 0 || c.disposition.toUpperCase() === 'ANSWERED',
        source: 'pbx-cdr',
      }));
    if (entries.length > 0 && this.deps.providerCalls) await this.deps.providerCalls.record(entries, at);
  }

  private async judge(name: string, tenant: Awaited<ReturnType<DropFolderDeps['tenant']>>, report: PassReport): Promise<void> {
    const { folder, tenantId, pbx } = this.options;
    const path = join(folder, name);
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    const previous = this.seen.get(name);
    const now = this.now();
    const changed = !previous || previous.size !== info.size || previous.mtimeMs !== info.mtimeMs;
    const entry = changed ? { size: info.size, mtimeMs: info.mtimeMs } : previous!;
    this.seen.set(name, entry);
    if (now - info.mtimeMs < this.options.settleMs || (previous && changed)) {
      report.unsettled++;
      return;
    }

    const key = { tenantId, folder, name };
    let row = await this.deps.ledger.getFile(tenantId, folder, name);
    if (row?.state === 'ingested') return this.moveDone(row, report, false);

    const uniqueId = uniqueIdOfRecording(pbx, name) ?? name.replace(/\.[^.]+$/, '');
    let audio: Uint8Array | null = null;
    let durationS: number;
    try {
      if (!AUDIO_EXTENSIONS.has(extname(name).toLowerCase())) throw new FileFault('UNSUPPORTED_MEDIA_TYPE', 'not a .wav or .mp3 recording');
      if (entry.durationS !== undefined) {
        // Probed whole on an earlier pass and unchanged since (a file waiting for its CDR): not read again until ingest.
        durationS = entry.durationS;
      } else {
        audio = await readFile(path).catch((error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') return null; // taken away by someone else meanwhile
          throw error;
        });
        if (!audio) return;
        const bytes = audio;
        const facts = await this.deps.probe.probe(bytes).catch((error: unknown) => {
          if (isCallsightError(error)) throw new FileFault(error.code, error.message);
          throw error;
        });
        const cut = facts.format === 'mp3' ? mp3TruncationOf(bytes) : null;
        if (cut) throw new FileFault('AUDIO_CORRUPT', `The MP3 audio is incomplete: ${cut}`);
        durationS = facts.durationS;
        entry.durationS = durationS;
        entry.incompleteSince = undefined;
      }
    } catch (error) {
      if (!(error instanceof FileFault)) throw error;
      // A stable file that does not parse yet may be a writer that paused: it gets three settle intervals.
      entry.incompleteSince ??= now;
      if (now - entry.incompleteSince < 2 * this.options.settleMs) {
        report.unsettled++;
        return;
      }
      row ??= await this.deps.ledger.noteFile({ ...key, pbx, providerCallId: uniqueId }, new Date(now).toISOString());
      return this.fail(name, error.code, error.message, report, row);
    }

    // First sight, or the same name dropped again after an earlier file of that name was dealt with.
    const fresh = !row || row.state === 'done' || row.state === 'failed';
    const cdr = await this.deps.ledger.findCdr(tenantId, pbx, uniqueId);
    const fileStartedAt = new Date(info.mtimeMs - durationS * 1000).toISOString();
    const firstSeenMs = fresh ? now : Date.parse(row!.firstSeenAt);
    let metadata: PbxCallMetadata;
    if (cdr) {
      metadata = callMetadataOf(cdr, { ...tenant, extensionAgents: this.options.extensionAgents ?? new Map() }, fileStartedAt);
    } else if ((!fresh && row!.state === 'claimed' && row!.cdrMissing) || now - firstSeenMs >= this.options.cdrWaitMs) {
      metadata = callMetadataWithoutCdr(pbx, uniqueId, fileStartedAt);
    } else {
      if (fresh) await this.record(row, key, uniqueId, 'waiting', false);
      report.waitingForCdr++;
      return;
    }

    const cdrMissing = !cdr;
    if (fresh) await this.record(row, key, uniqueId, 'claimed', cdrMissing);
    else await this.deps.ledger.setState(key, 'claimed', new Date(this.now()).toISOString(), { cdrMissing });
    let outcome;
    try {
      // Read again when it was probed on an earlier pass; a file changed since then is caught by the ingest's own probe.
      outcome = await this.deps.ingest(metadata, audio ?? (await readFile(path)));
    } catch (error) {
      if (isCallsightError(error) && FILE_FAULTS.has(error.code)) {
        return this.fail(name, error.code, error.code === 'VALIDATION_FAILED' ? `bad metadata: ${error.message}` : error.message, report, key);
      }
      throw error;
    }
    await this.deps.ledger.setState(key, 'ingested', new Date(this.now()).toISOString(), { callId: outcome.callId });
    // A CDR row was put in the provider's list when read; only a call it did not expect to be recorded, or one
    // without a CDR, is (re)recorded here.
    const expected = cdr !== null && ((cdr.billsec ?? 0) > 0 || cdr.disposition.toUpperCase() === 'ANSWERED') && cdr.startedAt !== null;
    if (this.deps.providerCalls && !expected) {
      await this.deps.providerCalls.record(
        [{ tenantId, provider: pbx, providerCallId: metadata.providerCallId, startedAt: metadata.startedAt, recorded: true, source: cdr ? 'pbx-cdr' : 'pbx-recording' }],
        new Date(this.now()).toISOString(),
      );
    }
    if (cdrMissing) report.flaggedWithoutCdr++;
    await this.moveDone(key, report, outcome.created);
  }

  /** Writes a file's first row (or resets the row of an earlier file of that name) in the state it starts in. */
  private async record(row: DropFileRow | null, key: DropFileKey, providerCallId: string, state: 'waiting' | 'claimed', cdrMissing: boolean): Promise<void> {
    const at = new Date(this.now()).toISOString();
    if (row) await this.deps.ledger.setState(key, state, at, { callId: null, reason: null, cdrMissing, providerCallId });
    else await this.deps.ledger.noteFile({ ...key, pbx: this.options.pbx, providerCallId }, at, { state, cdrMissing });
  }

  private async moveDone(row: DropFileKey, report: PassReport, created: boolean): Promise<void> {
    await rename(join(this.options.folder, row.name), await freePath(join(this.options.folder, 'done'), row.name));
    await this.deps.ledger.setState(row, 'done', new Date(this.now()).toISOString());
    this.seen.delete(row.name);
    if (created) report.ingested++;
    else report.duplicates++;
    this.deps.onFile?.(created ? 'ingested' : 'duplicate');
  }

  /** Writes failed/<name>.reason first, then moves the file beside it: a crash between the two only repeats the pass. */
  private async fail(name: string, code: string, message: string, report: PassReport, row: DropFileKey | null): Promise<void> {
    const failed = join(this.options.folder, 'failed');
    const target = await freePath(failed, name);
    const reason = `${code}: ${message}\n`;
    const reasonPath = `${target}.reason`;
    await writeFile(`${reasonPath}.tmp`, reason);
    await rename(`${reasonPath}.tmp`, reasonPath);
    await rename(join(this.options.folder, name), target);
    if (row) await this.deps.ledger.setState(row, 'failed', new Date(this.now()).toISOString(), { reason: `${code}: ${message}`.slice(0, 500) });
    this.seen.delete(name);
    report.failed++;
    this.deps.onFile?.('failed');
  }
}

/** `dir/name`, or `dir/name.1`, `.2`, ... when an earlier file of that name is already there. */
async function freePath(dir: string, name: string): Promise<string> {
  for (let n = 0; ; n++) {
    const candidate = join(dir, n === 0 ? name : `${name}.${n}`);
    try {
      await stat(candidate);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return candidate;
      throw error;
    }
  }
}

function emptyReport(): PassReport {
  return { cdrRows: 0, cdrRowsSkipped: 0, ingested: 0, duplicates: 0, failed: 0, flaggedWithoutCdr: 0, waitingForCdr: 0, unsettled: 0 };
}

function addReport(total: PassReport, report: PassReport): void {
  total.cdrRows += report.cdrRows;
  total.cdrRowsSkipped += report.cdrRowsSkipped;
  total.ingested += report.ingested;
  total.duplicates += report.duplicates;
  total.failed += report.failed;
  total.flaggedWithoutCdr += report.flaggedWithoutCdr;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
