export * from './access.policy';
export * from './pii-mask';
export * from './quality.policy';
export * from './permissions';
