import type { AuditEntry, AuditSink } from '../../app/ports.ts';

/** Keeps entries in memory: for tests and demos. Production wires the platform audit log. */
export class MemoryAuditSink implements AuditSink {
  readonly entries: AuditEntry[] = [];

  append(entry: AuditEntry): Promise<void> {
    this.entries.push(structuredClone(entry));
    return Promise.resolve();
  }
}
