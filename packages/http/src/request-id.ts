import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** A client's x-request-id is echoed only when it is short and plain, so logs cannot be forged. */
const requestIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;

export function generateRequestId(raw: IncomingMessage): string {
  const header = raw.headers['x-request-id'];
  if (typeof header === 'string' && requestIdPattern.test(header)) return header;
  return randomUUID();
}
