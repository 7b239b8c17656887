export * from './audit-chain';
export * from './audit-checkpoint';
export * from './audit-retention';
export * from './canonical-json';
export * from './export-manifest';
export { sha256Hex, equalHex, MIN_HMAC_KEY_BYTES } from './digest';
