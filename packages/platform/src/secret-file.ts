// Small secrets generated on first start (the embedded master key, the embedded PostgreSQL
// password) live in the data directory as files readable by the owner only. Creation uses the
// exclusive flag so two processes starting at once agree on one value instead of racing.
import { closeSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** Owner read/write only. */
export const secretFileMode = 0o600;

export type SecretFileResult =
  | { ok: true; value: string; created: boolean }
  | { ok: false; problem: string };

/**
 * Reads the secret at `path`, or creates it with `generate()` if it does not exist yet.
 * Refuses a file that group or others can read: a leaked key file is worse than a failed start.
 * Problems never include the secret itself.
 */
export function readOrCreateSecretFile(path: string, generate: () => string): SecretFileResult {
  const existing = readSecretFile(path);
  if (existing !== undefined) return existing;
  mkdirSync(dirname(path), { recursive: true });
  let descriptor: number;
  try {
    descriptor = openSync(path, 'wx', secretFileMode);
  } catch (error) {
    // Another process created it between our read and our open: use theirs.
    if (isErrorCode(error, 'EEXIST')) return readSecretFile(path) ?? { ok: false, problem: `${path} vanished` };
    throw error;
  }
  const value = generate();
  try {
    writeSync(descriptor, value + '\n');
  } finally {
    closeSync(descriptor);
  }
  return { ok: true, value, created: true };
}

/** Returns undefined when the file does not exist. */
export function readSecretFile(path: string): SecretFileResult | undefined {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch (error) {
    if (isErrorCode(error, 'ENOENT')) return undefined;
    throw error;
  }
  if ((mode & 0o077) !== 0) {
    return { ok: false, problem: `${path} must be readable by its owner only (chmod 600)` };
  }
  const value = readFileSync(path, 'utf8').trim();
  if (value.length === 0) return { ok: false, problem: `${path} is empty` };
  return { ok: true, value, created: false };
}

export function isErrorCode(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code;
}
