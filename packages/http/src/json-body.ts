// The only body format: JSON, kept as the exact bytes received (request signatures cover those
// bytes) and then parsed strictly. Every other content type is refused by Fastify with 415.
import { ServiceError } from '@parite/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';

// fatal: invalid UTF-8 is an error, not silently replaced by U+FFFD (which would make the parsed
// value differ from what the client signed).
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Keys that could reach an object's prototype if a handler ever merged the body into an object. */
const forbiddenKeys: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export function parseJsonBody(raw: Buffer): unknown {
  // An empty body is no body: a signed DELETE may carry a JSON content type with nothing in it.
  if (raw.length === 0) return undefined;
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw new ServiceError('REQUEST_MALFORMED_JSON', { reason: 'invalid UTF-8' });
  }
  // The reviver costs time, so it only runs when a dangerous key may be present.
  const suspicious = text.includes('__proto__') || text.includes('constructor') || text.includes('prototype');
  try {
    return suspicious ? JSON.parse(text, refuseForbiddenKeys) : JSON.parse(text);
  } catch (error) {
    if (error instanceof ServiceError) throw error;
    throw new ServiceError('REQUEST_MALFORMED_JSON');
  }
}

function refuseForbiddenKeys(key: string, value: unknown): unknown {
  if (forbiddenKeys.has(key)) {
    throw new ServiceError('REQUEST_VALIDATION_FAILED', { location: 'body', keyword: 'forbiddenKey', property: key });
  }
  return value;
}

const charsetPattern = /;\s*charset\s*=\s*"?([^";\s]*)"?/i;

/** JSON is UTF-8 (RFC 8259); a body declared in another charset would be decoded wrongly. */
function refuseForeignCharset(contentType: string | undefined): void {
  const charset = charsetPattern.exec(contentType ?? '')?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new ServiceError('REQUEST_UNSUPPORTED_MEDIA_TYPE', { charset: charset.slice(0, 32) });
  }
}

export function installJsonBodyParser(app: FastifyInstance, bodyLimitBytes: number): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit: bodyLimitBytes },
    (request: FastifyRequest, body: Buffer | string, done: (error: Error | null, body?: unknown) => void) => {
      const raw = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
      request.rawBody = raw;
      try {
        refuseForeignCharset(request.headers['content-type']);
        done(null, parseJsonBody(raw));
      } catch (error) {
        done(error as Error);
      }
    },
  );
}
