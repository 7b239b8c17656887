import { describe, expect, it } from 'vitest';
import { redactUrl } from '../../../adapters/http/server';

describe('redactUrl (what a request log line may show)', () => {
  it('removes the signed token of a playback URL', () => {
    expect(redactUrl('/api/v1/playback/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.sig')).toBe('/api/v1/playback/[redacted]');
  });

  it('replaces search text, phone numbers, agent ids and cursors, and keeps harmless parameters readable', () => {
    const logged = redactUrl('/api/v1/calls?customerPhone=%2B8613812345678&q=%E6%88%91%E5%8F%AB%E5%BC%A0%E4%B8%89&agentId=a-li&cursor=abc&limit=20&sort=relevance');
    expect(logged).toBe('/api/v1/calls?customerPhone=[redacted]&q=[redacted]&agentId=[redacted]&cursor=[redacted]&limit=20&sort=relevance');
    expect(logged).not.toContain('13812345678');
    expect(decodeURIComponent(logged)).not.toContain('张三');
  });

  it('leaves a URL without a query as it is', () => {
    expect(redactUrl('/api/v1/calls/c_123/transcript')).toBe('/api/v1/calls/c_123/transcript');
  });
});
