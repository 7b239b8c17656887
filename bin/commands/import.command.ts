import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve, sep } from 'node:path';
import type { Command } from 'commander';
import { parse as parseCsv } from 'csv-parse/sync';
import { SingleBar, Presets } from 'cli-progress';
import { cliActor } from '../../app/calls';
import { isCallsightError } from '../../core/shared/errors';
import { loadConfig } from '../config';
import { openHub } from '../hub';

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
 */
export function registerImportCommand(program: Command): void {
  program
    .command('import <dir>')
    .description('import audio files (WAV/MP3) described by DIR/metadata.csv or DIR/metadata.json')
    .option('--tenant <id>', 'tenant to import into', 'demo')
    .option('--json', 'print the summary as JSON on stdout')
    .action(async (dirArg: string, opts: { tenant: string; json?: boolean }) => {
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
