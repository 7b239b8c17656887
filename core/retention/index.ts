export * from './keep-days';
export * from './legal-hold';
export * from './retention.decide';
export * from './retention.plan';
export * from './retention.policy';
export * from './retention.presets';
