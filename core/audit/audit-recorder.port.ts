import type { AuditEventInput } from './audit-chain';

/** One access to record in the audit trail; the recorder stamps the time and chains it. */
export type AuditEntry = Omit<AuditEventInput, 'at'>;

/**
 * Appends one event to the tenant's audit chain, stamped with the hub clock. Resolves once the event is durable;
 * rejects when it could not be written (the caller's action then fails too: nothing happens unlogged).
 */
export type AuditRecorder = (entry: AuditEntry) => Promise<void>;
