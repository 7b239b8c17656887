/**
 * Ingests calls four at a time until it is killed, printing `stored <callId>` once each call is acknowledged; run by
 * test/storage/ingest-crash.test.ts, which kill -9s it mid-ingest. Configuration from the environment (DATA_DIR,
 * DATABASE_URL, KEY_STORE, MASTER_KEY_FILE); CHILD_RUN makes the provider call ids unique per run.
 */
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../bin/config';
import { openHub } from '../../bin/hub';
import { synthesizeCallWav } from '../support/audio-fixtures';

const hub = await openHub(loadConfig(process.env));
await hub.ensureTenant({ id: 'acme', name: 'Acme', defaultRegion: 'CN', industry: 'general' });
const run = process.env.CHILD_RUN ?? randomBytes(4).toString('hex');
let n = 0;
async function lane(): Promise<never> {
  for (;;) {
    const id = `${run}-${n++}`;
    const { call } = await hub.ingest(
      'acme',
      { providerCallId: id, direction: 'inbound', startedAt: '2026-11-20T08:00:00Z' },
      synthesizeCallWav({ durationS: 8, seed: id }),
    );
    process.stdout.write(`stored ${call.id}\n`);
  }
}
process.stdout.write('ready\n');
await Promise.all([lane(), lane(), lane(), lane()]);
