// Adapts the platform's hash-chained audit log to the ports the services declare.
import type { AuditRecordInput, AuditRecorder } from '@parite/contracts';
import type { AuditDetails, AuditLog } from '@parite/platform';
import type { AuditEntry, AuditSink } from '@parite/identity';

export class PlatformAuditRecorder implements AuditRecorder, AuditSink {
  constructor(private readonly log: AuditLog) {}

  async record(entry: AuditRecordInput): Promise<void> {
    await this.log.append({
      actorKind: entry.actorKind, actorId: entry.actorId, action: entry.action, targetKind: entry.targetKind,
      targetId: entry.targetId, details: toAuditDetails(entry.details), requestId: entry.requestId,
    });
  }

  async append(entry: AuditEntry): Promise<void> {
    await this.log.append({ ...entry, details: toAuditDetails(entry.details) });
  }
}

/** Audit details are JSON without floats: integers stay, anything else becomes its string form. */
function toAuditDetails(details: Record<string, unknown>): AuditDetails {
  return JSON.parse(JSON.stringify(details, (_key, value: unknown) => {
    if (typeof value === 'bigint') return value.toString();
    if (typeof value === 'number' && !Number.isSafeInteger(value)) return String(value);
    return value;
  })) as AuditDetails;
}
