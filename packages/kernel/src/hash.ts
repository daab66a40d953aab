import { createHash } from 'node:crypto';

// Canonical JSON: keys sorted, bigint as decimal string. Hashes over it are stable across runs,
// which the audit chain, state hashes and idempotency fingerprints depend on.
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const entry = (value as Record<string, unknown>)[key];
      if (entry !== undefined) result[key] = sortKeys(entry);
    }
    return result;
  }
  return value;
}

export function sha256Hex(input: string | Uint8Array): string {
  return createHash('sha256').update(input).digest('hex');
}

/** Incremental hasher for state hashes built from many small parts. */
export class StateHasher {
  private readonly hash = createHash('sha256');
  add(part: string | number | bigint): this {
    this.hash.update(String(part));
    this.hash.update('\u0000');
    return this;
  }
  digestHex(): string {
    return this.hash.digest('hex');
  }
}
