// Talking to the running server: its URL from the configuration (or --url), signed requests with an
// operator's API key, and a probe used to refuse offline-only work while the server is up.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { signRequest } from '@parite/identity';
import type { PlatformConfig } from '@parite/platform';
import { optionalString, UsageError, type OptionValues } from './command.ts';

export const requestTimeoutMs = 15_000;
export const probeTimeoutMs = 1_000;
const demoCredentialsFileName = 'demo-credentials.json';
const demoOperatorEmail = 'operator@demo.parite.local';

/** The server's base URL: --url, else HOST:PORT from the configuration (a wildcard host means loopback). */
export function serverUrl(config: PlatformConfig, values: OptionValues): string {
  const explicit = optionalString(values, 'url');
  if (explicit !== undefined) {
    if (!/^https?:\/\/[^\s/]+$/.test(explicit.replace(/\/$/, ''))) throw new UsageError('--url must look like http://host:port');
    return explicit.replace(/\/$/, '');
  }
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
}

/** Answers the health probe: something is serving the API at `url`. */
export async function isServerUp(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(probeTimeoutMs) });
    await response.body?.cancel();
    return true;
  } catch {
    return false;
  }
}

export interface OperatorKey {
  keyId: string;
  secret: string;
  /** Where the key came from, for messages (never the secret itself). */
  source: string;
}

/**
 * The operator key: --key with the secret from PARITE_CLI_API_SECRET (or --secret, which other
 * users of the machine can see in the process list), else the `operator` entry of the demo
 * credentials file in the data directory (or --credentials <file>).
 */
/** The demo's second pair of eyes: approves what the demo operator requests. */
export const demoSupervisorEmail = 'supervisor@demo.parite.local';

export function operatorKey(config: PlatformConfig, values: OptionValues, environment: Record<string, string | undefined>,
  demoEmail = demoOperatorEmail): OperatorKey {
  const keyId = optionalString(values, 'key') ?? environment['PARITE_CLI_API_KEY'];
  if (keyId !== undefined) {
    const secret = optionalString(values, 'secret') ?? environment['PARITE_CLI_API_SECRET'];
    if (secret === undefined) throw new UsageError('--key needs its secret in PARITE_CLI_API_SECRET (or --secret)');
    return { keyId, secret, source: `key ${keyId}` };
  }
  const file = optionalString(values, 'credentials') ?? join(config.dataDirectory, demoCredentialsFileName);
  if (!existsSync(file)) {
    throw new UsageError(`no operator key: pass --key (secret in PARITE_CLI_API_SECRET) or --credentials; ${file} does not exist`);
  }
  const entries = JSON.parse(readFileSync(file, 'utf8')) as { email?: string; apiKey?: string; secret?: string }[];
  const entry = entries.find((candidate) => candidate.email === demoEmail);
  if (entry?.apiKey === undefined || entry.secret === undefined) {
    throw new UsageError(`${file} has no ${demoEmail} entry`);
  }
  return { keyId: entry.apiKey, secret: entry.secret, source: `${demoEmail} from ${file}` };
}

export interface ServerAnswer {
  status: number;
  body: unknown;
}

export async function signedRequest(url: string, key: OperatorKey, method: string, path: string, body: unknown):
  Promise<ServerAnswer> {
  const rawBody = JSON.stringify(body);
  const headers = {
    'content-type': 'application/json',
    ...signRequest({ keyId: key.keyId, secret: key.secret, method, url: path, body: rawBody, timestampMs: Date.now(),
      nonce: randomBytes(12).toString('base64url') }),
  };
  let response: Response;
  let text: string;
  try {
    response = await fetch(url + path, { method, headers, body: rawBody, signal: AbortSignal.timeout(requestTimeoutMs) });
    text = await response.text();
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (error instanceof Error ? error.name : String(error));
    throw new ServerUnreachableError(`cannot reach the server at ${url} (${reason}); is it running?`);
  }
  let parsed: unknown = text;
  try {
    parsed = text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON (a proxy's error page): shown as text.
  }
  return { status: response.status, body: parsed };
}

/** A network failure reaching the server (as opposed to an answer from it). */
export class ServerUnreachableError extends Error {
  override readonly name = 'ServerUnreachableError';
}

/** `CODE: message` of a catalogue error body, for operators reading a refusal. */
export function describeError(body: unknown): string {
  const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
  return `${error?.code ?? 'UNKNOWN'}: ${error?.message ?? String(body)}`;
}
