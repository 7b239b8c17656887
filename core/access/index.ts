export * from './access.policy';
export * from './pii-mask';
