// Shapes of the audit log API. Details are JSON: strings, booleans, null, safe integers,
// bigints (stored as decimal strings), arrays and plain objects. Floats are refused (money is
// never a float, and a float would not survive the jsonb round trip bit for bit).

export type AuditDetailValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | readonly AuditDetailValue[]
  | { readonly [key: string]: AuditDetailValue | undefined };

export type AuditDetails = { readonly [key: string]: AuditDetailValue | undefined };

export interface AuditEntryInput {
  /** Who acted: 'user', 'admin', 'api_key', 'system', ... (lowercase, underscores). */
  readonly actorKind: string;
  readonly actorId: string;
  /** What was done, e.g. 'market.halt' or 'withdrawal.approve'. */
  readonly action: string;
  readonly targetKind?: string;
  readonly targetId?: string;
  /** Context for the action. Keys that look secret are masked by redactDetails() before storage. */
  readonly details?: AuditDetails;
  readonly requestId?: string;
}

export interface AuditRecord {
  readonly sequence: bigint;
  readonly occurredAtMs: number;
  readonly actorKind: string;
  readonly actorId: string;
  readonly action: string;
  readonly targetKind: string | null;
  readonly targetId: string | null;
  /** As stored: redacted, bigints turned into decimal strings. */
  readonly details: Readonly<Record<string, unknown>>;
  readonly requestId: string | null;
  /** Null for the first entry only. */
  readonly previousHash: string | null;
  readonly entryHash: string;
}

export interface AuditFilter {
  readonly actorId?: string;
  readonly action?: string;
  readonly targetKind?: string;
  readonly targetId?: string;
  /** Inclusive lower bound on occurredAtMs. */
  readonly fromMs?: number;
  /** Exclusive upper bound on occurredAtMs. */
  readonly toMs?: number;
  /** Cursor: only entries older than this sequence (pass the previous page's nextBeforeSequence). */
  readonly beforeSequence?: bigint;
}

export interface AuditPage {
  /** Newest first. */
  readonly records: readonly AuditRecord[];
  /** Present when more entries match; pass it as filter.beforeSequence for the next page. */
  readonly nextBeforeSequence: bigint | undefined;
}

export type AuditBreakReason =
  | 'sequence_gap'
  | 'previous_hash_mismatch'
  | 'entry_hash_mismatch'
  | 'chain_head_mismatch';

export type AuditVerification =
  | { readonly ok: true; readonly entries: number; readonly lastHash: string | null }
  | { readonly ok: false; readonly brokenAtSequence: bigint; readonly reason: AuditBreakReason };

export const auditListPageLimitMax = 500;
export const auditVerifyPageSize = 1000;
export const auditDetailsDepthMax = 8;
export const auditDetailsSizeBytesMax = 16 * 1024;
export const auditTextLengthMax = 256;
