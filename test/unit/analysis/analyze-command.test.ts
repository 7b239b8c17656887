import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseLexiconFile, runAnalyzeCommand, runEmotionCommand } from '../../../bin/commands/analyze.command';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) }, out, err };
}

async function* lines(list: string[]) {
  for (const l of list) yield l;
}

describe('analyze command', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'callsight-analyze-'));
    writeFileSync(
      join(dir, 'call.json'),
      JSON.stringify({ language: 'en', segments: [{ speaker: 'agent', startS: 0, endS: 5, text: 'This call may be recorded. It is a guaranteed return and Project Falcon.' }] }),
    );
    writeFileSync(join(dir, 'lexicon.txt'), '# tenant terms\nproject falcon\n\n');
    writeFileSync(join(dir, 'bad.json'), '{"segments": [');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints one JSON object with the analysis', () => {
    const c = capture();
    const code = runAnalyzeCommand({ input: join(dir, 'call.json'), industry: 'finance', lexicon: join(dir, 'lexicon.txt') }, c.io);
    expect(code).toBe(0);
    const result = JSON.parse(c.out.join(''));
    expect(result.sensitive.map((h: { term: string }) => h.term)).toEqual(['guaranteed return', 'project falcon']);
    expect(result.scripts[0]).toMatchObject({ id: 'recording_notice', found: true });
  });

  it.each([
    [{ input: 'missing.json' }, /Cannot read input file/],
    [{ input: 'bad.json' }, /not valid JSON/],
    [{ input: 'call.json', industry: 'mining' }, /Unknown --industry/],
  ])('exits 2 with a message on bad input %#', (opts, message) => {
    const c = capture();
    const code = runAnalyzeCommand({ ...opts, input: join(dir, opts.input) }, c.io);
    expect(code).toBe(2);
    expect(c.err.join('')).toMatch(message);
    expect(c.out).toEqual([]);
  });

  it('reads lexicons as lines or JSON arrays', () => {
    expect(parseLexiconFile('保本\n# note\n\n稳赚\n')).toEqual(['保本', '稳赚']);
    expect(parseLexiconFile('["a", {"term": "b"}]')).toEqual(['a', { term: 'b' }]);
    expect(() => parseLexiconFile('[1]')).toThrow(/entry 0/);
  });
});

describe('emotion command', () => {
  it('writes one label line per JSON line', async () => {
    const c = capture();
    const code = await runEmotionCommand(lines(['{"text": "服务太差了，我要投诉"}', '', '{"text": "Thank you so much, great help"}']), c.io);
    expect(code).toBe(0);
    const out = c.out.join('').trim().split('\n').map((l) => JSON.parse(l));
    expect(out.map((o) => o.label)).toEqual(['negative', 'positive']);
    expect(Object.keys(out[0]).sort()).toEqual(['label', 'score']);
  });

  it('exits 2 on a line that is not {"text": string}', async () => {
    const c = capture();
    expect(await runEmotionCommand(lines(['{"text": "ok"}', 'nope']), c.io)).toBe(2);
    expect(c.err.join('')).toMatch(/line 2/);
  });
});
