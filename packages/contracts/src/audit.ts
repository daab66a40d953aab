// The audit port every service records admin and money-moving actions through. The platform's
// hash-chained audit log implements it; tests may use an in-memory recorder.

export interface AuditRecordInput {
  actorKind: 'user' | 'operator' | 'system' | 'cli';
  actorId: string;
  action: string;
  targetKind: string;
  targetId: string;
  /** Never secrets or raw PII: the recorder redacts known sensitive keys, callers must not rely on it. */
  details: Record<string, unknown>;
  requestId?: string;
}

export interface AuditRecorder {
  record(entry: AuditRecordInput): Promise<void>;
}

/** Keeps records in memory; for tests and tools that have no database. */
export class MemoryAuditRecorder implements AuditRecorder {
  readonly records: AuditRecordInput[] = [];
  async record(entry: AuditRecordInput): Promise<void> {
    this.records.push(structuredClone(entry));
  }
}
