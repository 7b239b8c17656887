export * from './tokenizer.port';
export * from './stem';
export * from './search-document';
export * from './search-query';
export * from './highlight';
