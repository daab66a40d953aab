// JSON with bigint: the journal, snapshots and events carry bigint amounts.
// Encoded as {"$bigint":"123"} so a round trip is exact and unambiguous.

export function jsonStringifyWithBigint(value: unknown): string {
  return JSON.stringify(value, (_key, entry: unknown) =>
    typeof entry === 'bigint' ? { $bigint: entry.toString() } : entry,
  );
}

export function jsonParseWithBigint(text: string): unknown {
  return JSON.parse(text, (_key, entry: unknown) => {
    if (entry !== null && typeof entry === 'object' && !Array.isArray(entry)) {
      const record = entry as Record<string, unknown>;
      const raw = record['$bigint'];
      if (typeof raw === 'string' && Object.keys(record).length === 1) return BigInt(raw);
    }
    return entry;
  });
}
