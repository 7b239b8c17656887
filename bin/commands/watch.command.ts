import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { z } from 'zod';
import { systemActor } from '../../app/calls';
import { describeIssues } from '../../core/recordings/call-metadata.schema';
import { CallsightError, isCallsightError } from '../../core/shared/errors';
import {
  ASTERISK_MASTER_COLUMNS,
  DropFolderWatcher,
  FREESWITCH_DEFAULT_COLUMNS,
  PostgresDropLedger,
  SqliteDropLedger,
  parseColumnList,
  type DropFolderOptions,
  type DropLedger,
  type PassReport,
  type PbxKind,
} from '../../adapters/telephony/pbx';
import { openPostgresDatabase } from '../../adapters/storage/postgres/postgres-database';
import { MusicMetadataAudioProbe } from '../../adapters/audio/probe';
import { loadConfig, type HubConfig } from '../config';
import { openHub, type Hub } from '../hub';

/** The audit trail's name for the watcher (a system actor: it passes role checks, is recorded under this id). */
export const PBX_WATCHER_ACTOR = 'pbx-watcher';

const watchEnvSchema = z.object({
  /** Minutes a complete recording waits for its CDR before it is stored flagged `cdr_missing`. */
  CDR_WAIT_MINUTES: z.coerce.number().min(0).max(7 * 24 * 60).default(30),
});

export interface WatchCommandOptions {
  readonly tenant: string;
  readonly pbx: PbxKind;
  readonly cdr: string;
  readonly cdrFormat?: 'csv' | 'json';
  readonly cdrColumns?: string;
  readonly cdrUtcOffset: string;
  readonly cdrEncoding: string;
  readonly agents?: string;
  readonly once?: boolean;
  readonly settleSeconds: number;
  readonly cdrWaitMinutes?: number;
  readonly pollSeconds: number;
}

/** Reads the options into the watcher's settings; throws naming the bad option (never echoing file content). */
export function watchOptionsOf(dirArg: string, opts: WatchCommandOptions, env: NodeJS.ProcessEnv = process.env): DropFolderOptions {
  const folder = resolve(dirArg);
  if (!statSync(folder, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`${folder} is not a folder`);
  if (opts.pbx !== 'asterisk' && opts.pbx !== 'freeswitch') throw new Error('--pbx must be asterisk or freeswitch');
  const cdrPath = resolve(opts.cdr);
  const format = opts.cdrFormat ?? (cdrPath.endsWith('.json') || statSync(cdrPath, { throwIfNoEntry: false })?.isDirectory() ? 'json' : 'csv');
  if (format === 'json' && opts.pbx !== 'freeswitch') throw new Error('JSON CDRs are FreeSWITCH mod_json_cdr files: use --pbx freeswitch');
  const columns = opts.cdrColumns ? parseColumnList(opts.cdrColumns) : [...(opts.pbx === 'asterisk' ? ASTERISK_MASTER_COLUMNS : FREESWITCH_DEFAULT_COLUMNS)];
  if (!/^[+-]\d{2}:\d{2}$/.test(opts.cdrUtcOffset)) throw new Error('--cdr-utc-offset must look like +08:00 or -05:00');
  try {
    new TextDecoder(opts.cdrEncoding);
  } catch {
    throw new Error(`--cdr-encoding ${opts.cdrEncoding} is not an encoding this Node.js knows`);
  }
  if (!Number.isFinite(opts.settleSeconds) || opts.settleSeconds < 0 || opts.settleSeconds > 3600) throw new Error('--settle-seconds must be 0..3600');
  const parsedEnv = watchEnvSchema.safeParse(env);
  if (!parsedEnv.success) throw new Error(`Invalid configuration: ${describeIssues(parsedEnv.error)}`);
  const waitMinutes = opts.cdrWaitMinutes ?? parsedEnv.data.CDR_WAIT_MINUTES;
  if (!Number.isFinite(waitMinutes) || waitMinutes < 0) throw new Error('--cdr-wait-minutes must be a number of minutes, 0 or more');
  return {
    tenantId: opts.tenant,
    folder,
    pbx: opts.pbx,
    cdr: { path: cdrPath, format, columns, utcOffset: opts.cdrUtcOffset, fallbackEncoding: opts.cdrEncoding },
    settleMs: opts.settleSeconds * 1000,
    cdrWaitMs: waitMinutes * 60_000,
    ...(opts.agents ? { extensionAgents: readAgentMap(opts.agents) } : {}),
  };
}

/** `{ "1001": "a-li", ... }`: extension -> agent id. */
function readAgentMap(path: string): Map<string, string> {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(resolve(path), 'utf8'));
  } catch (cause) {
    throw new Error(`--agents ${path} is not a readable JSON file`, { cause });
  }
  const parsed = z.record(z.string().regex(/^\d{2,6}$/), z.string().min(1).max(128)).safeParse(value);
  if (!parsed.success) throw new Error(`--agents: expected {"<extension>": "<agent id>"}: ${describeIssues(parsed.error)}`);
  return new Map(Object.entries(parsed.data));
}

/**
 * Builds the watcher on an open hub: the ledger in the hub's database, ingest through the shared use-case as the
 * `pbx-watcher` system actor. The PostgreSQL ledger gets a small pool of its own (the hub's storage keeps its pool).
 */
export async function createDropFolderWatcher(
  hub: Hub,
  config: HubConfig,
  options: DropFolderOptions,
  onFile?: (outcome: 'ingested' | 'duplicate' | 'failed') => void,
): Promise<{ watcher: DropFolderWatcher; ledger: DropLedger; close(): Promise<void> }> {
  const pg = config.databaseUrl ? await openPostgresDatabase(config.databaseUrl, { maxConnections: 2 }) : null;
  const ledger: DropLedger = pg ? new PostgresDropLedger(pg) : new SqliteDropLedger(hub.storage.sqlite!);
  const actor = systemActor(options.tenantId, PBX_WATCHER_ACTOR);
  const watcher = new DropFolderWatcher(options, {
    ledger,
    probe: new MusicMetadataAudioProbe(),
    clock: hub.clock,
    providerCalls: hub.providerCalls,
    async ingest(metadata, audio) {
      const outcome = await hub.ingestion.ingestCall(actor, { metadata, audio });
      return { callId: outcome.call.id, created: outcome.created };
    },
    async tenant() {
      const tenant = await hub.calls.getTenant(options.tenantId);
      if (!tenant) throw new CallsightError('NOT_FOUND', `No tenant "${options.tenantId}" on this hub`);
      const agents = await hub.calls.listAgents(options.tenantId);
      return { defaultRegion: tenant.defaultRegion, agentIds: new Set(agents.map((a) => a.id)) };
    },
    ...(onFile ? { onFile } : {}),
  });
  return { watcher, ledger, close: async () => pg?.close() };
}

function summary(report: PassReport): string {
  return (
    `${report.ingested} ingested, ${report.duplicates} already stored, ${report.failed} failed, ` +
    `${report.flaggedWithoutCdr} stored without CDR (cdr_missing), ${report.waitingForCdr} waiting for their CDR; ` +
    `${report.cdrRows} CDR rows read, ${report.cdrRowsSkipped} skipped\n`
  );
}

/**
 * `callsight watch DIR --tenant T --pbx asterisk|freeswitch --cdr PATH`: ingests the recordings a PBX writes into
 * DIR, joined with their CDRs (docs/pbx.md). Runs until SIGINT/SIGTERM (the file in hand is finished first);
 * `--once` judges what is there (waiting for files still being written), then exits. Exit code 1 when a file failed.
 */
export function registerWatchCommand(program: Command): void {
  program
    .command('watch <dir>')
    .description('ingest the recordings an Asterisk or FreeSWITCH PBX writes into DIR, joined with their CDRs (docs/pbx.md)')
    .requiredOption('--tenant <id>', 'tenant the calls belong to')
    .requiredOption('--pbx <kind>', 'asterisk or freeswitch')
    .requiredOption('--cdr <path>', 'the CDR CSV file (Master.csv) or the folder of FreeSWITCH JSON CDRs')
    .option('--cdr-format <format>', 'csv or json (default: json for a folder or a .json file, else csv)')
    .option('--cdr-columns <list>', 'CSV column names in order (Asterisk cdr_custom mapping, FreeSWITCH template); default: the PBX\'s standard order')
    .option('--cdr-utc-offset <offset>', 'UTC offset of the CDR date-times (+00:00 with Asterisk usegmtime=yes)', '+00:00')
    .option('--cdr-encoding <name>', 'encoding of CDR text that is not UTF-8', 'gb18030')
    .option('--agents <file>', 'JSON map of extension to agent id, for extensions that are not agent ids')
    .option('--once', 'judge what is in DIR, then exit')
    .option('--settle-seconds <n>', 'seconds a file must stay unchanged before it is judged', '10')
    .option('--cdr-wait-minutes <n>', 'minutes a recording waits for its CDR (default CDR_WAIT_MINUTES, 30)')
    .option('--poll-seconds <n>', 'seconds between passes while watching', '5')
    .option('--json', 'print the summary as JSON on stdout')
    .action(async (dir: string, raw: Record<string, string | boolean | undefined>) => {
      const opts: WatchCommandOptions = {
        tenant: String(raw.tenant),
        pbx: String(raw.pbx) as PbxKind,
        cdr: String(raw.cdr),
        ...(raw.cdrFormat ? { cdrFormat: raw.cdrFormat === 'json' ? 'json' : raw.cdrFormat === 'csv' ? 'csv' : (() => { throw new Error('--cdr-format must be csv or json'); })() } : {}),
        ...(raw.cdrColumns ? { cdrColumns: String(raw.cdrColumns) } : {}),
        cdrUtcOffset: String(raw.cdrUtcOffset),
        cdrEncoding: String(raw.cdrEncoding),
        ...(raw.agents ? { agents: String(raw.agents) } : {}),
        once: raw.once === true,
        settleSeconds: Number(raw.settleSeconds),
        ...(raw.cdrWaitMinutes !== undefined ? { cdrWaitMinutes: Number(raw.cdrWaitMinutes) } : {}),
        pollSeconds: Number(raw.pollSeconds),
      };
      if (!Number.isFinite(opts.pollSeconds) || opts.pollSeconds <= 0) throw new Error('--poll-seconds must be a positive number');
      const options = watchOptionsOf(dir, opts);
      const config = loadConfig();
      const hub = await openHub(config);
      const controller = new AbortController();
      const stop = () => controller.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const tty = process.stderr.isTTY === true;
      const bar = new cliProgress.SingleBar({ format: 'watch {bar} {value} files ({ingested} ingested, {failed} failed)', stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
      const counts = { ingested: 0, failed: 0 };
      let barStarted = false;
      const onFile = (outcome: 'ingested' | 'duplicate' | 'failed') => {
        if (outcome === 'failed') counts.failed++;
        else counts.ingested++;
        if (!tty) {
          process.stderr.write(`watch: ${outcome}\n`);
          return;
        }
        if (!barStarted) {
          bar.start(0, 0, counts);
          barStarted = true;
        }
        bar.setTotal(counts.ingested + counts.failed);
        bar.update(counts.ingested + counts.failed, counts);
      };
      const built = await createDropFolderWatcher(hub, config, options, onFile);
      let failed = 0;
      try {
        if (opts.once) {
          const report = await built.watcher.runUntilSettled(controller.signal);
          failed = report.failed;
          if (barStarted) bar.stop();
          process.stderr.write(summary(report));
          if (raw.json) process.stdout.write(`${JSON.stringify(report)}\n`);
        } else {
          process.stderr.write(`watching ${options.folder} (${options.pbx}); Ctrl-C stops\n`);
          await built.watcher.run(
            controller.signal,
            opts.pollSeconds * 1000,
            (report) => {
              failed += report.failed;
              if (!tty && report.ingested + report.failed + report.duplicates + report.flaggedWithoutCdr > 0) process.stderr.write(summary(report));
            },
            // Codes and messages only: CallsightError messages name fields, never values.
            (error) => process.stderr.write(`watch: pass failed, retrying at the next poll: ${isCallsightError(error) ? error.code : ((error as NodeJS.ErrnoException).code ?? 'INTERNAL')}\n`),
          );
          if (barStarted) bar.stop();
          process.stderr.write('watch stopped\n');
        }
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        await built.close();
        await hub.close();
      }
      if (failed > 0) process.exitCode = 1;
    });
}
