export { createPocketsphinxTranscriber } from './pocketsphinx.transcriber';
export type { PocketsphinxCli, PocketsphinxSettings } from './pocketsphinx.transcriber';
export { parseContinuousOutput, parseJsonLinesOutput } from './pocketsphinx.output';
