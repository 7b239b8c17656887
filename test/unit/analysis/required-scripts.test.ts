import { describe, it, expect } from 'vitest';
import { buildAnalysisConfig } from '../../../core/analysis/analysis.config';
import { checkScripts } from '../../../core/analysis/scripts/required-scripts';
import { prepareSegments } from '../../../core/analysis/text/segment-text';
import type { Segment } from '../../../core/analysis/transcript.types';

const finance = buildAnalysisConfig({ industry: 'finance' });
const check = (segments: Segment[]) => {
  const results = checkScripts(finance.scripts, prepareSegments(segments));
  return Object.fromEntries(results.map((r) => [r.id, r]));
};
const seg = (speaker: 'agent' | 'customer', startS: number, text: string): Segment => ({ speaker, startS, endS: startS + 5, text });

describe('checkScripts', () => {
  it.each([
    '您好，本次通话将录音。',
    '您好，本次通话可能会被录音，请问有什么可以帮您',
    '您的通话将被录音',
    '本次通话将进行录音',
    '本次通話將錄音',
    'Hi, this call may be recorded for quality purposes.',
    'Please note this call is being recorded',
    'calls are recorded for quality',
    'this call might be recorded',
  ])('finds the recording notice in %j', (text) => {
    const r = check([seg('agent', 2, text)]).recording_notice;
    expect(r).toMatchObject({ found: true, segment: 0, required: true });
    expect(r?.score).toBeGreaterThanOrEqual(0.75);
  });

  it('requires the recording notice within the first 30 s', () => {
    expect(check([seg('agent', 0, '您好'), seg('agent', 45, '本次通话将录音')]).recording_notice?.found).toBe(false);
  });

  it('does not accept the notice from the customer', () => {
    expect(check([seg('customer', 1, '本次通话将录音吗？')]).recording_notice?.found).toBe(false);
  });

  it('does not mistake a passing mention for the notice', () => {
    expect(check([seg('agent', 1, '您要的通话录音我发给您')]).recording_notice?.found).toBe(false);
    expect(check([seg('agent', 1, 'I recorded your address, thanks for the call')]).recording_notice?.found).toBe(false);
  });

  it('finds the risk disclosure anywhere, in both languages and with ASR noise', () => {
    expect(check([seg('agent', 200, '最后提醒您理财有风险，投资需谨慎')]).risk_disclosure?.found).toBe(true);
    expect(check([seg('agent', 200, '理财有风险 投资须谨慎')]).risk_disclosure?.found).toBe(true);
    expect(check([seg('agent', 200, 'remember that investments carry risk')]).risk_disclosure?.found).toBe(true);
    expect(check([seg('agent', 200, '这个产品收益很好')]).risk_disclosure?.found).toBe(false);
  });

  it('finds identity verification and the privacy notice', () => {
    const r = check([seg('agent', 10, '为了您的账户安全，需要核实一下您的身份'), seg('agent', 20, '您的个人信息我们会严格保密')]);
    expect(r.identity_verification).toMatchObject({ found: true, segment: 0 });
    expect(r.privacy_notice).toMatchObject({ found: true, segment: 1 });
  });

  it('marks required scripts per industry preset', () => {
    const general = buildAnalysisConfig({ industry: 'general' });
    const results = checkScripts(general.scripts, prepareSegments([]));
    expect(results.filter((r) => r.required).map((r) => r.id)).toEqual(['recording_notice']);
    expect(results.every((r) => !r.found && r.segment === null)).toBe(true);
  });
});
