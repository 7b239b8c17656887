import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve, sep } from 'node:path';
import type { Command } from 'commander';
import { parse as parseCsv } from 'csv-parse/sync';
import { SingleBar, Presets } from 'cli-progress';
import { cliActor } from '../../app/calls';
import { isCallsightError } from '../../core/shared/errors';
import type { BackfillProgress } from '../../app/recordings';
import type { PbxKind } from '../../adapters/telephony/pbx';
import { loadConfig } from '../config';
import { openHub } from '../hub';
import { backfillUseCasesOf } from '../wiring/completeness.wiring';
import { parseCliDate } from './completeness.command';
import { createDropFolderWatcher, watchOptionsOf } from './watch.command';

interface ImportRow {
  readonly file: string;
  readonly metadata: Record<string, unknown>;
}

/**
 * Reads `metadata.json` (an array of objects with a `file` field plus call metadata) or `metadata.csv`
 * (a header row; `tags` and `crmLinks` separated by ";", crmLinks as crm:objectType:id).
 */
export function readImportManifest(dir: string): ImportRow[] {
  const jsonPath = join(dir, 'metadata.json');
  const csvPath = join(dir, 'metadata.csv');
  if (existsSync(jsonPath)) {
    const value = JSON.parse(readFileSync(jsonPath, 'utf8')) as unknown;
    if (!Array.isArray(value)) throw new Error('metadata.json must be an array of call objects');
    return value.map((entry, index) => {
      if (typeof entry !== 'object' || entry === null || typeof (entry as { file?: unknown }).file !== 'string') {
        throw new Error(`metadata.json entry ${index + 1} has no "file"`);
      }
      const { file, ...metadata } = entry as { file: string } & Record<string, unknown>;
      return { file, metadata };
    });
  }
  if (existsSync(csvPath)) {
    const records = parseCsv(readFileSync(csvPath, 'utf8'), { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Record<string, string>[];
    return records.map((record) => {
      const { file = '', tags, crmLinks, csat, ...rest } = record;
      const metadata: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(rest)) if (value !== '') metadata[key] = value;
      if (tags) metadata.tags = tags.split(';').map((t) => t.trim()).filter(Boolean);
      if (csat) metadata.csat = Number(csat);
      if (crmLinks) {
        metadata.crmLinks = crmLinks.split(';').filter(Boolean).map((link) => {
          const [crm, objectType, id] = link.split(':');
          return { crm, objectType, id };
        });
      }
      return { file, metadata };
    });
  }
  throw new Error(`No metadata.json or metadata.csv in ${dir}`);
}

/**
 * `callsight import <dir>`: each file goes through the ingest use-case as the operator (`cli`), as an upload or a
 * telephony webhook would, so each leaves one audit event and is refused with the same codes (a missing tenant is
 * NOT_FOUND per file). Exit code 1 when any file was refused.
 *
 * `callsight import --from twilio|connect|dir --since DATE [--until DATE]`: backfill from the provider's own list (see
 * importFromProvider below).
 */
export function registerImportCommand(program: Command): void {
  program
    .command('import [dir]')
    .description('import audio files described by DIR/metadata.csv or DIR/metadata.json; or backfill --from twilio|connect|dir')
    .option('--tenant <id>', 'tenant to import into', 'demo')
    .option('--from <source>', 'backfill from a provider: twilio (Recordings list), connect (contact records the hub has seen, recordings from the bucket), dir (a PBX drop folder, once)')
    .option('--since <date>', 'backfill window start (YYYY-MM-DD UTC, or an ISO-8601 instant)')
    .option('--until <date>', 'backfill window end, exclusive (default now)')
    .option('--account <id>', 'the Twilio Account SID or Connect instance id to read (default: the tenant\'s first)')
    .option('--pbx <kind>', 'with --from dir: asterisk or freeswitch')
    .option('--cdr <path>', 'with --from dir: the CDR file or folder')
    .option('--settle-seconds <n>', 'with --from dir: seconds a file must stay unchanged', '2')
    .option('--page-size <n>', 'with --from twilio: recordings asked of the provider per request (1..1000)', '1000')
    .option('--json', 'print the summary as JSON on stdout')
    .action(async (dirArg: string | undefined, opts: ImportOptions) => {
      if (opts.from) {
        await importFromProvider(dirArg, opts);
        return;
      }
      if (!dirArg) throw new Error('import needs a folder (callsight import DIR) or --from twilio|connect|dir');
      const dir = resolve(dirArg);
      const rows = readImportManifest(dir);
      const hub = await openHub(loadConfig());
      const operator = cliActor(opts.tenant);
      const summary = { total: rows.length, stored: 0, duplicates: 0, refused: [] as { file: string; code: string; message: string }[] };
      const bar = new SingleBar({ format: 'importing {bar} {value}/{total} files', stream: process.stderr }, Presets.shades_classic);
      try {
        bar.start(rows.length, 0);
        for (const row of rows) {
          const path = resolve(dir, row.file);
          try {
            if (!path.startsWith(dir + sep)) throw Object.assign(new Error('file is outside the import folder'), { code: 'VALIDATION_FAILED' });
            if (!existsSync(path)) throw Object.assign(new Error('file not found'), { code: 'NOT_FOUND' });
            const result = await hub.ingestion.ingestCall(operator, { metadata: row.metadata, audio: readFileSync(path) });
            if (result.created) summary.stored++;
            else summary.duplicates++;
          } catch (error) {
            const code = isCallsightError(error) ? error.code : ((error as { code?: string }).code ?? 'INTERNAL');
            summary.refused.push({ file: basename(row.file), code, message: (error as Error).message });
          }
          bar.increment();
        }
        bar.stop();
      } finally {
        bar.stop();
        await hub.close();
      }
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(summary)}\n`);
      } else {
        process.stderr.write(`${summary.stored} stored, ${summary.duplicates} already present, ${summary.refused.length} refused\n`);
        for (const r of summary.refused) process.stderr.write(`  ${r.file}: ${r.code} ${r.message}\n`);
      }
      if (summary.refused.length > 0) process.exitCode = 1;
    });
}

interface ImportOptions {
  readonly tenant: string;
  readonly from?: string;
  readonly since?: string;
  readonly until?: string;
  readonly account?: string;
  readonly pbx?: string;
  readonly cdr?: string;
  readonly settleSeconds: string;
  readonly pageSize: string;
  readonly json?: boolean;
}

/**
 * Backfill (issue 19 item 3), resumable and idempotent with live ingestion:
 * - `twilio`: the Recordings list of the window, page by page; each recording fetched and stored through the ingest
 *   use-case (app/recordings/backfill-recordings.ts); a checkpoint per (tenant, source, window) after every
 *   recording, so a killed run continues where it stopped when run again with the same flags;
 * - `dir`: the PBX drop folder module (`callsight watch DIR --once`), whose own ledger makes each file ingested once
 *   across restarts; the window does not apply (every recording in the folder is imported);
 * - `connect`: the contact records the hub has seen (app/recordings/backfill-recordings.ts says why not the bucket):
 *   each recorded contact of the window without a stored call has its recording fetched from the bucket now;
 * A progress bar on stderr; exit code 1 when a recording failed, 2 on bad input.
 */
async function importFromProvider(dirArg: string | undefined, opts: ImportOptions): Promise<void> {
  if (opts.from === 'dir') {
    await importFromDropFolder(dirArg, opts);
    return;
  }
  if (opts.from !== 'twilio' && opts.from !== 'connect') throw new Error('--from must be twilio, connect or dir');
  if (!opts.since) throw new Error(`--from ${opts.from} needs --since DATE`);
  const from = parseCliDate(opts.since, '--since');
  const to = opts.until ? parseCliDate(opts.until, '--until') : undefined;
  const pageSize = Number(opts.pageSize);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) throw new Error(`--page-size must be a whole number from 1 to 1000, not "${opts.pageSize}"`);
  const config = loadConfig();
  const hub = await openHub(config);
  // Without a terminal (a log file, a CI job) the bar is written as a line every 2 s and once at the end.
  const bar = new SingleBar(
    { format: `backfill ${opts.from} {bar} {value}/{total} recordings ({stored} stored, {present} present, {failed} failed)`, stream: process.stderr, noTTYOutput: true, notTTYSchedule: 2000 },
    Presets.shades_classic,
  );
  const tally = { stored: 0, present: 0, failed: 0 };
  let total = 0;
  let started = false;
  const progress: BackfillProgress = {
    start(done) {
      total = done;
      bar.start(total, done, tally);
      started = true;
    },
    page(items) {
      total += items;
      bar.setTotal(total);
    },
    item(outcome) {
      if (outcome === 'stored') tally.stored++;
      else if (outcome === 'failed') tally.failed++;
      else tally.present++;
      bar.increment(1, tally);
    },
  };
  try {
    const outcome = await backfillUseCasesOf(hub, { progress, pageSize }).backfillRecordings(cliActor(opts.tenant), {
      provider: opts.from,
      from,
      ...(to ? { to } : {}),
      ...(opts.account ? { accountId: opts.account } : {}),
    });
    if (started) bar.stop();
    if (opts.json) process.stdout.write(`${JSON.stringify(outcome)}\n`);
    const c = outcome.counts;
    process.stderr.write(
      `${outcome.resumed ? 'resumed; ' : ''}${c.stored} stored, ${c.present} already present, ${c.queued} queued for the fetch job, ${c.no_audio} without audio, ${c.failed} failed (${outcome.done} done in this window)\n`,
    );
    for (const f of outcome.failures) process.stderr.write(`  ${f.providerCallId} ${f.recordingId}: ${f.code}\n`);
    if (c.failed > 0) process.exitCode = 1;
  } finally {
    if (started) bar.stop();
    await hub.close();
  }
}

async function importFromDropFolder(dirArg: string | undefined, opts: ImportOptions): Promise<void> {
  if (!dirArg) throw new Error('--from dir needs the folder: callsight import DIR --from dir --pbx asterisk|freeswitch --cdr PATH');
  if (!opts.pbx || !opts.cdr) throw new Error('--from dir needs --pbx asterisk|freeswitch and --cdr PATH');
  const options = watchOptionsOf(dirArg, {
    tenant: opts.tenant,
    pbx: opts.pbx as PbxKind,
    cdr: opts.cdr,
    cdrUtcOffset: '+00:00',
    cdrEncoding: 'gb18030',
    once: true,
    // The folder holds finished calls and their CDR file is read before the recordings: a recording without a CDR
    // row will not get one later, so it is stored at once, flagged, instead of waiting for the live watcher's window.
    cdrWaitMinutes: 0,
    settleSeconds: Number(opts.settleSeconds),
    pollSeconds: 1,
  });
  const config = loadConfig();
  const hub = await openHub(config);
  const bar = new SingleBar(
    { format: 'backfill dir {bar} {value} files ({ingested} ingested, {failed} failed)', stream: process.stderr, noTTYOutput: true, notTTYSchedule: 2000 },
    Presets.shades_classic,
  );
  const tally = { ingested: 0, failed: 0 };
  bar.start(0, 0, tally);
  const built = await createDropFolderWatcher(hub, config, options, (outcome) => {
    if (outcome === 'failed') tally.failed++;
    else tally.ingested++;
    bar.setTotal(tally.ingested + tally.failed);
    bar.update(tally.ingested + tally.failed, tally);
  });
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const report = await built.watcher.runUntilSettled(controller.signal);
    bar.stop();
    if (opts.json) process.stdout.write(`${JSON.stringify(report)}\n`);
    process.stderr.write(`${report.ingested} ingested, ${report.duplicates} already stored, ${report.failed} failed, ${report.waitingForCdr} waiting for their CDR\n`);
    if (report.failed > 0) process.exitCode = 1;
  } finally {
    bar.stop();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await built.close();
    await hub.close();
  }
}
