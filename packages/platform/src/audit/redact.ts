// Secrets and personal data never enter the audit log. redactDetails() returns a copy of a
// details object in which the value of every key that looks sensitive is replaced by
// '[REDACTED]', at any depth. AuditLog.append() applies it to every entry, so callers cannot
// forget; call it yourself when the same details also go to a log line or an event.
//
// A key is sensitive when its name contains (case-insensitive): secret, password, passphrase,
// token, signature, tckn (Turkish national id), iban, apikey / api_key / api-key,
// privatekey / private_key, mnemonic, authorization, cookie. Matching on substrings is
// deliberately broad: masking `tokenCount` is a small loss, leaking `resetToken` is not.

export const redactedValue = '[REDACTED]';
export const sensitiveKeyPattern =
  /secret|password|passphrase|token|signature|tckn|iban|api[-_]?key|private[-_]?key|mnemonic|authorization|cookie/i;
/** Deeper values are replaced wholesale: a structure that deep is not worth the risk. */
export const redactDepthMax = 16;

export function isSensitiveKey(key: string): boolean {
  return sensitiveKeyPattern.test(key);
}

export function redactDetails<T extends Readonly<Record<string, unknown>>>(details: T): T {
  return redactValue(details, 0) as T;
}

function redactValue(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= redactDepthMax) return redactedValue;
  if (Array.isArray(value)) return value.map((item: unknown) => redactValue(item, depth + 1));
  // fromEntries keeps a '__proto__' key as data instead of treating it as the prototype.
  return Object.fromEntries(
    Object.entries(value).map(([key, entry]) => {
      return [key, isSensitiveKey(key) ? redactedValue : redactValue(entry, depth + 1)];
    }),
  );
}
