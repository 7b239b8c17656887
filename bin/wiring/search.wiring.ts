import { createJiebaTokenizer } from '../../adapters/text/jieba';
import type { Tokenizer } from '../../core/search/tokenizer.port';
import type { Capability, CapabilityFactory } from '../capabilities';
import type { Hub } from '../hub';

let tokenizer: Tokenizer | undefined;

/** The process-wide search tokenizer (jieba dictionary loaded once); also for openPostgresCallRepository. */
export function searchTokenizer(): Tokenizer {
  tokenizer ??= createJiebaTokenizer();
  return tokenizer;
}

/**
 * Transcript keyword search (issue 6): gives the call repository its tokenizer, indexes every transcript the
 * analysis pipeline stores (hub.transcriptStored -> indexTranscript) and removes a purged call from the index.
 * The search itself is GET /api/v1/calls with q (adapters/http/server.ts).
 */
export const searchCapability: CapabilityFactory = (hub: Hub): Capability => {
  hub.calls.useTokenizer(searchTokenizer());
  hub.onTranscriptStored(async (tenantId, callId, transcript) => {
    await hub.calls.indexTranscript(tenantId, callId, transcript);
  });
  hub.onCallPurge(async (tenantId, callId) => {
    await hub.calls.removeFromIndex(tenantId, callId);
  });
  return { name: 'search' };
};
