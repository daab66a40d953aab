// Structured JSON logging with pino (the logger Fastify ships with, so one logger instance serves
// both the HTTP layer and the services). Secrets and personal data are censored by path before a
// line is written: request credentials, passwords, tokens, national ids (TCKN) and bank accounts.
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import type { LogLevel } from './config.ts';

export type Logger = PinoLogger;

export const redactionCensor = '[REDACTED]';

const sensitiveFieldNames = [
  'password',
  'passphrase',
  'secret',
  'apiSecret',
  'token',
  'accessToken',
  'refreshToken',
  'signature',
  'tckn',
  'iban',
  'masterKeyHex',
  'privateKey',
  'mnemonic',
  'databaseUrl',
  'redisUrl',
  'natsUrl',
];

const sensitiveHeaderNames = [
  'authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'x-api-signature',
  'x-signature',
  'x-parite-key',
  'x-parite-api-key',
  'x-parite-signature',
];

/**
 * pino redaction paths do not recurse, so each sensitive field name is listed at the top level
 * and up to two levels down (covers `{ user: { password } }` and `{ body: { user: { password } } }`).
 */
export const logRedactionPaths: readonly string[] = [
  ...sensitiveHeaderNames.flatMap((header) => [
    `req.headers["${header}"]`,
    `request.headers["${header}"]`,
    `headers["${header}"]`,
    `res.headers["${header}"]`,
  ]),
  ...sensitiveFieldNames.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]),
];

export interface LoggerOptions {
  readonly level: LogLevel;
  /** Appears as `name` on every line, e.g. the service name. */
  readonly name?: string;
  /** Where lines go; stdout when omitted. Tests pass a stream to inspect output. */
  readonly destination?: DestinationStream;
  /** Further paths to censor, in pino redaction syntax. */
  readonly extraRedactionPaths?: readonly string[];
}

export function createLogger(options: LoggerOptions): Logger {
  const settings = {
    level: options.level,
    redact: {
      paths: [...logRedactionPaths, ...(options.extraRedactionPaths ?? [])],
      censor: redactionCensor,
    },
    ...(options.name === undefined ? {} : { name: options.name }),
  };
  return options.destination === undefined ? pino(settings) : pino(settings, options.destination);
}

/** A logger that writes nothing, for tests and for library defaults. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
