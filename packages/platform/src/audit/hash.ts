// The audit hash chain. Each entry's hash covers the previous entry's hash and every field that
// carries meaning, in canonical JSON (sorted keys), so editing any stored field, reordering rows
// or splicing one out breaks every later link.
//
// Keep the hashed field set stable: changing it invalidates every existing chain. A future
// change must hash new entries differently by version, never re-hash old ones.
import { assert, canonicalJson, sha256Hex } from '@parite/kernel';
import { redactDetails } from './redact.ts';
import {
  auditDetailsDepthMax,
  auditDetailsSizeBytesMax,
  auditTextLengthMax,
  type AuditDetails,
  type AuditEntryInput,
} from './types.ts';

/** The fields an entry hash covers, in their stored form. */
export interface AuditHashedFields {
  readonly sequence: bigint;
  readonly occurredAtMs: number;
  readonly actorKind: string;
  readonly actorId: string;
  readonly action: string;
  readonly targetKind: string | null;
  readonly targetId: string | null;
  readonly details: Readonly<Record<string, unknown>>;
  readonly requestId: string | null;
}

export function computeAuditEntryHash(previousHash: string | null, fields: AuditHashedFields): string {
  const body = canonicalJson({
    sequence: fields.sequence,
    occurredAtMs: fields.occurredAtMs,
    actorKind: fields.actorKind,
    actorId: fields.actorId,
    action: fields.action,
    targetKind: fields.targetKind,
    targetId: fields.targetId,
    details: fields.details,
    requestId: fields.requestId,
  });
  return sha256Hex((previousHash ?? '') + '\n' + body);
}

/** An input entry validated, redacted and normalised into exactly what will be stored and hashed. */
export interface PreparedAuditEntry {
  readonly actorKind: string;
  readonly actorId: string;
  readonly action: string;
  readonly targetKind: string | null;
  readonly targetId: string | null;
  readonly details: Readonly<Record<string, unknown>>;
  readonly requestId: string | null;
}

const kindPattern = /^[a-z][a-z0-9_]{0,31}$/;
const actionPattern = /^[a-z][a-z0-9_.:-]{0,127}$/;

export function prepareAuditEntry(entry: AuditEntryInput): PreparedAuditEntry {
  assert(kindPattern.test(entry.actorKind), `audit actorKind is malformed: ${entry.actorKind}`);
  assert(actionPattern.test(entry.action), `audit action is malformed: ${entry.action}`);
  if (entry.targetKind !== undefined) assert(kindPattern.test(entry.targetKind), 'audit targetKind is malformed');
  assert((entry.targetKind === undefined) === (entry.targetId === undefined), 'audit target needs both kind and id');
  checkText(entry.actorId, 'actorId');
  if (entry.targetId !== undefined) checkText(entry.targetId, 'targetId');
  if (entry.requestId !== undefined) checkText(entry.requestId, 'requestId');
  const details = normaliseDetails(redactDetails(entry.details ?? {}));
  return {
    actorKind: entry.actorKind,
    actorId: entry.actorId,
    action: entry.action,
    targetKind: entry.targetKind ?? null,
    targetId: entry.targetId ?? null,
    details,
    requestId: entry.requestId ?? null,
  };
}

function checkText(value: string, name: string): void {
  assert(value.length > 0, `audit ${name} must not be empty`);
  assert(value.length <= auditTextLengthMax, `audit ${name} exceeds ${auditTextLengthMax} characters`);
  assert(!hasControlCharacter(value), `audit ${name} contains control characters`);
}

/** PostgreSQL text refuses NUL, and the other control characters are log injection. */
function hasControlCharacter(value: string): boolean {
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/**
 * Turns details into the plain JSON that jsonb will hand back unchanged, so the hash computed
 * now equals the hash recomputed from the stored row: bigints become decimal strings, undefined
 * object members are dropped, and anything that would not survive the round trip is refused.
 */
export function normaliseDetails(details: AuditDetails): Record<string, unknown> {
  const normalised = normaliseValue(details, 0);
  assert(isPlainRecord(normalised), 'audit details must be an object');
  const sizeBytes = Buffer.byteLength(canonicalJson(normalised), 'utf8');
  assert(sizeBytes <= auditDetailsSizeBytesMax, `audit details are ${sizeBytes} bytes, above ${auditDetailsSizeBytesMax}`);
  return normalised;
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const loneSurrogatePattern = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function normaliseValue(value: unknown, depth: number): unknown {
  assert(depth <= auditDetailsDepthMax, `audit details nest deeper than ${auditDetailsDepthMax}`);
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    assert(Number.isSafeInteger(value), 'audit details numbers must be safe integers (use bigint or strings)');
    return value;
  }
  if (typeof value === 'string') {
    assert(!value.includes('\u0000') && !loneSurrogatePattern.test(value), 'audit details string is not storable');
    return value;
  }
  if (Array.isArray(value)) return value.map((item: unknown) => normaliseValue(item ?? null, depth + 1));
  assert(typeof value === 'object', `audit details cannot hold a ${typeof value}`);
  assert(Object.getPrototypeOf(value) === Object.prototype, 'audit details must be plain JSON objects');
  const result: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) {
    // Assigning '__proto__' would change the prototype instead of storing a key.
    assert(key !== '__proto__', 'audit details may not use the key __proto__');
    if (entry !== undefined) result[key] = normaliseValue(entry, depth + 1);
  }
  return result;
}
