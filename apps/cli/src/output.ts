// Where commands write. Results go to stdout (one line per fact, or one JSON document with
// --json); diagnostics and warnings go to stderr. Secrets are never written, except the secret of
// a newly created API key, once, by create-api-key.

export interface Output {
  out(line: string): void;
  err(line: string): void;
}

export const processOutput: Output = {
  out: (line) => void process.stdout.write(line + '\n'),
  err: (line) => void process.stderr.write(line + '\n'),
};

/** Bigints become decimal strings, as in the API. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, (_key, entry: unknown) => (typeof entry === 'bigint' ? entry.toString() : entry), 2);
}
