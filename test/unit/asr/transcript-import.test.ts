import { describe, expect, it } from 'vitest';
import {
  detectTranscriptFormat,
  importAmazonTranscribe,
  importSegmentsJson,
  importTranscript,
} from '../../../adapters/asr/transcript-import';
import { CallsightError } from '../../../core/shared/errors';
import channelsExample from '../../fixtures/asr/amazon-transcribe-channels.json';
import diarizationExample from '../../fixtures/asr/amazon-transcribe-diarization.json';

function codeOf(run: () => unknown): string | null {
  try {
    run();
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(CallsightError);
    return (error as CallsightError).code;
  }
}

const clone = <T>(value: T): T => structuredClone(value);

describe('Amazon Transcribe import', () => {
  it('groups the documented diarization example into speaker turns with punctuation attached', () => {
    const transcript = importAmazonTranscribe(diarizationExample);
    expect(transcript.segments).toEqual([
      { speaker: 'agent', startS: 4.87, endS: 6.88, text: "I've been on hold for an hour.", confidence: 1 },
      { speaker: 'customer', startS: 8.49, endS: 9.24, text: 'Sorry about that.', confidence: 1 },
    ]);
    expect(transcript.language).toBe('auto');
  });

  it('maps speaker labels through the tenant map', () => {
    const transcript = importAmazonTranscribe(diarizationExample, { speakerMap: { spk_0: 'customer', spk_1: 'agent' } });
    expect(transcript.segments.map((s) => s.speaker)).toEqual(['customer', 'agent']);
  });

  it('finds speakers from speaker_labels.segments when items carry no label (older output)', () => {
    const doc = clone(diarizationExample) as { results: { items: Array<Record<string, unknown>> } };
    for (const item of doc.results.items) delete item.speaker_label;
    const transcript = importAmazonTranscribe(doc);
    expect(transcript.segments.map((s) => [s.speaker, s.text])).toEqual([
      ['agent', "I've been on hold for an hour."],
      ['customer', 'Sorry about that.'],
    ]);
  });

  it('imports the documented channel-identification example, one speaker per channel, in time order', () => {
    const transcript = importAmazonTranscribe(channelsExample, { speakerMap: { ch_0: 'customer', ch_1: 'agent' } });
    expect(transcript.segments).toEqual([
      { speaker: 'customer', startS: 4.86, endS: 6.87, text: "I've been on hold for an hour.", confidence: 1 },
      { speaker: 'agent', startS: 8.5, endS: 9.25, text: 'Sorry about that.', confidence: 1 },
    ]);
  });

  it('cuts a turn at a long pause and takes the language from language_code', () => {
    const doc = clone(diarizationExample) as { results: { language_code?: string; items: Array<{ start_time?: string; end_time?: string }> } };
    doc.results.language_code = 'en-US';
    const an = doc.results.items[5]!;
    const hour = doc.results.items[6]!;
    [an.start_time, an.end_time, hour.start_time, hour.end_time] = ['8.00', '8.10', '8.10', '8.40'];
    const transcript = importAmazonTranscribe(doc, { maxGapS: 1.5 });
    expect(transcript.language).toBe('en');
    expect(transcript.segments.map((s) => s.text)).toEqual(["I've been on hold for", 'an hour.', 'Sorry about that.']);
  });

  it('joins Chinese tokens without spaces', () => {
    const item = (content: string, start: string, end: string) => ({
      start_time: start,
      end_time: end,
      speaker_label: 'spk_0',
      alternatives: [{ confidence: '0.98', content }],
      type: 'pronunciation',
    });
    const doc = {
      results: {
        language_code: 'zh-CN',
        transcripts: [{ transcript: '本次通话将录音。' }],
        speaker_labels: { speakers: 1, segments: [] },
        items: [
          item('本次', '0.10', '0.40'),
          item('通话', '0.40', '0.70'),
          item('将', '0.70', '0.80'),
          item('录音', '0.80', '1.20'),
          { speaker_label: 'spk_0', alternatives: [{ confidence: '0.0', content: '。' }], type: 'punctuation' },
        ],
      },
    };
    expect(importAmazonTranscribe(doc)).toEqual({
      language: 'zh',
      segments: [{ speaker: 'agent', startS: 0.1, endS: 1.2, text: '本次通话将录音。', confidence: 0.98 }],
    });
  });

  it('refuses a label missing from the map, naming the fix', () => {
    const doc = clone(diarizationExample) as { results: { items: Array<{ speaker_label?: string }> } };
    doc.results.items[0]!.speaker_label = 'spk_2';
    expect(codeOf(() => importAmazonTranscribe(doc))).toBe('VALIDATION_FAILED');
    expect(() => importAmazonTranscribe(doc)).toThrow(/spk_2.*speakerMap/);
  });

  it.each([
    ['no results', {}],
    ['a time that is not a decimal string', { results: { items: [{ start_time: 'soon', end_time: '1.0', alternatives: [{ content: 'hi' }], type: 'pronunciation' }] } }],
    ['an item without alternatives', { results: { items: [{ start_time: '0.1', end_time: '1.0', alternatives: [], type: 'pronunciation' }] } }],
    ['an unknown item type', { results: { items: [{ alternatives: [{ content: 'x' }], type: 'mumble' }] } }],
  ])('rejects a document with %s as VALIDATION_FAILED', (_name, doc) => {
    expect(codeOf(() => importAmazonTranscribe(doc))).toBe('VALIDATION_FAILED');
  });

  it('does not echo transcript text in validation errors', () => {
    const doc = { results: { items: [{ start_time: '0.1', end_time: 'x', alternatives: [{ content: '6222021234567890' }], type: 'pronunciation' }] } };
    expect(() => importAmazonTranscribe(doc)).toThrow(CallsightError);
    try {
      importAmazonTranscribe(doc);
    } catch (error) {
      expect((error as Error).message).not.toContain('6222');
    }
  });
});

describe('segments JSON import', () => {
  it('validates our own format and orders segments by time', () => {
    const transcript = importSegmentsJson({
      language: 'zh',
      segments: [
        { speaker: 'customer', startS: 3, endS: 4, text: '好的' },
        { speaker: 'agent', startS: 0, endS: 2.5, text: '您好，本次通话将录音' },
      ],
    });
    expect(transcript.segments.map((s) => s.startS)).toEqual([0, 3]);
    expect(transcript.language).toBe('zh');
  });

  it.each([
    ['a bad speaker', { segments: [{ speaker: 'bot', startS: 0, endS: 1, text: 'x' }] }],
    ['an end before its start', { segments: [{ speaker: 'agent', startS: 2, endS: 1, text: 'x' }] }],
    ['a negative time', { segments: [{ speaker: 'agent', startS: -1, endS: 1, text: 'x' }] }],
    ['no segments', { language: 'en' }],
  ])('rejects %s as VALIDATION_FAILED', (_name, doc) => {
    expect(codeOf(() => importSegmentsJson(doc))).toBe('VALIDATION_FAILED');
  });
});

describe('format detection', () => {
  it.each([
    [diarizationExample, 'amazon-transcribe'],
    [channelsExample, 'amazon-transcribe'],
    [{ language: 'en', segments: [] }, 'segments'],
    [{ hello: 'world' }, null],
    ['text', null],
  ])('detects the format of a document (%#)', (doc, expected) => {
    expect(detectTranscriptFormat(doc)).toBe(expected);
  });

  it('imports by detection and refuses unknown documents', () => {
    expect(importTranscript('auto', channelsExample).segments).toHaveLength(2);
    expect(codeOf(() => importTranscript('auto', { hello: 'world' }))).toBe('VALIDATION_FAILED');
  });
});
