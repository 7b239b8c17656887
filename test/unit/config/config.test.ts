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

  it('takes a PostgreSQL DATABASE_URL and refuses anything else without echoing it', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://callsight:s3cret@db.example:5432/callsight' }).databaseUrl).toBe('postgres://callsight:s3cret@db.example:5432/callsight');
    expect(loadConfig({ DATABASE_URL: 'postgresql://db.example/callsight' }).databaseUrl).toBe('postgresql://db.example/callsight');
    expect(loadConfig({ DATABASE_URL: '' }).databaseUrl).toBeUndefined();
    expect(loadConfig({}).databaseUrl).toBeUndefined();
    expect(() => loadConfig({ DATABASE_URL: 'mysql://root:hunter2@db.example/callsight' })).toThrow(/DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://root:hunter2@db.example/callsight' })).not.toThrow(/hunter2/);
  });
});
