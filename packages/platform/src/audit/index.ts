export * from './types.ts';
export * from './redact.ts';
export { computeAuditEntryHash, normaliseDetails, prepareAuditEntry, type AuditHashedFields } from './hash.ts';
export { AuditLog } from './audit-log.ts';
