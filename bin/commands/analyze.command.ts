import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { CallsightError, isCallsightError } from '../../core/shared/errors';
import {
  analyzeTranscript,
  buildAnalysisConfig,
  classifyEmotion,
  INDUSTRIES,
  parseTranscript,
  type Industry,
} from '../../core/analysis/index';

/** Where a command writes; injected so tests need no child process. */
export interface CommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const processIo: CommandIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** Exit code for bad input (usage, unreadable or invalid files). */
export const EXIT_BAD_INPUT = 2;

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new CallsightError('VALIDATION_FAILED', `Cannot read ${what} file "${path}" (${reason}).`, { cause });
  }
}

/** Lexicon file: a JSON array of strings (or {term, category?, severity?}) or one term per line; '#' starts a comment line. */
export function parseLexiconFile(content: string): Array<string | { term: string }> {
  const trimmed = content.replace(/^\uFEFF/u, '').trim();
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (cause) {
      throw new CallsightError('VALIDATION_FAILED', 'Lexicon file starts with "[" but is not valid JSON.', { cause });
    }
    if (!Array.isArray(parsed)) throw new CallsightError('VALIDATION_FAILED', 'Lexicon JSON must be an array.');
    return parsed.map((item, i) => {
      if (typeof item === 'string') return item;
      if (item && typeof item === 'object' && typeof (item as { term?: unknown }).term === 'string') return item as { term: string };
      throw new CallsightError('VALIDATION_FAILED', `Lexicon entry ${i} must be a string or an object with a "term" string.`);
    });
  }
  return trimmed
    .split(/\r?\n/u)
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('#'));
}

export interface AnalyzeCommandOptions {
  readonly input: string;
  readonly industry?: string;
  readonly lexicon?: string;
  readonly inquiryType?: string;
}

/** Runs `callsight analyze`; returns the exit code (0, or 2 for bad input). */
export function runAnalyzeCommand(options: AnalyzeCommandOptions, io: CommandIo = processIo): number {
  try {
    const industry = (options.industry ?? 'general') as Industry;
    if (!INDUSTRIES.includes(industry)) {
      throw new CallsightError('VALIDATION_FAILED', `Unknown --industry "${options.industry}"; use one of ${INDUSTRIES.join(', ')}.`);
    }
    let json: unknown;
    try {
      json = JSON.parse(readText(options.input, 'input'));
    } catch (cause) {
      if (isCallsightError(cause)) throw cause;
      throw new CallsightError('VALIDATION_FAILED', `Input file "${options.input}" is not valid JSON.`, { cause });
    }
    const transcript = parseTranscript(json);
    const lexicon = options.lexicon ? parseLexiconFile(readText(options.lexicon, 'lexicon')) : undefined;
    const config = buildAnalysisConfig({ industry, ...(lexicon ? { lexicon } : {}) });
    const analysis = analyzeTranscript(transcript, config, options.inquiryType ? { inquiryType: options.inquiryType } : {});
    io.stdout(`${JSON.stringify(analysis)}\n`);
    return 0;
  } catch (error) {
    if (isCallsightError(error)) {
      io.stderr(`callsight analyze: ${error.message}\n`);
      return EXIT_BAD_INPUT;
    }
    throw error;
  }
}

/**
 * Runs `callsight emotion` over JSON lines `{"text": ...}`, writing one `{"label","score"}` line per
 * input line (blank lines skipped). Stops at the first bad line with exit code 2 and its line number.
 */
export async function runEmotionCommand(lines: AsyncIterable<string>, io: CommandIo = processIo): Promise<number> {
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (line.trim().length === 0) continue;
    let text: unknown;
    try {
      text = (JSON.parse(line) as { text?: unknown } | null)?.text;
    } catch {
      text = undefined;
    }
    if (typeof text !== 'string') {
      io.stderr(`callsight emotion: line ${lineNumber} is not a JSON object with a "text" string.\n`);
      return EXIT_BAD_INPUT;
    }
    const { label, score } = classifyEmotion(text);
    io.stdout(`${JSON.stringify({ label, score: Math.round(score * 1000) / 1000 })}\n`);
  }
  return 0;
}

/** Adds `analyze` and `emotion` to the callsight CLI. */
export function registerAnalyzeCommands(program: Command): void {
  program
    .command('analyze')
    .description('Analyse a transcript JSON file: sensitive words, scripts, PII, metrics, emotion, flags, risk')
    .requiredOption('--input <file>', 'transcript JSON {"language","segments":[{"speaker","startS","endS","text"}]}')
    .option('--industry <industry>', `industry preset: ${INDUSTRIES.join('|')}`, 'general')
    .option('--lexicon <file>', 'extra sensitive terms: one per line, or a JSON array')
    .option('--inquiry-type <type>', 'inquiry type choosing the duration band')
    .action((opts: { input: string; industry: string; lexicon?: string; inquiryType?: string }) => {
      process.exitCode = runAnalyzeCommand(opts);
    });

  program
    .command('emotion')
    .description('Classify customer emotion: JSON lines {"text"} on stdin -> {"label","score"} lines on stdout')
    .action(async () => {
      const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
      process.exitCode = await runEmotionCommand(rl);
    });
}
