import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../bin/config';

describe('loadConfig', () => {
  it('gives working defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8787);
    expect(config.host).toBe('127.0.0.1');
    expect(config.defaultRegion).toBe('CN');
    expect(config.maxAudioBytes).toBe(200 * 1024 * 1024);
  });

  it('names the setting that is wrong and points to the README', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/Invalid configuration: PORT: .*README\.md/);
  });

  it('refuses DATABASE_URL instead of silently keeping the data in SQLite', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://callsight@db.example/callsight' })).toThrow(/DATABASE_URL: .*Unset DATABASE_URL/);
    expect(loadConfig({ DATABASE_URL: '' }).port).toBe(8787);
  });
});
