// The one place where failures become HTTP responses. Every failure, whoever raised it
// (a service, Fastify, Ajv, the JSON parser, the router, a bug), leaves as
// `{ error: { code, message, details?, requestId } }` with the status from the error catalogue.
// Only unexpected errors become INTERNAL_ERROR, and only they are logged at error level:
// bad input must never produce a 500.
import { errorCatalogue, ServiceError, type ErrorBody, type ErrorCode } from '@parite/contracts';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Bounds what a validation error may echo back, so a huge input cannot produce a huge reply. */
const detailTextLengthMax = 128;

export interface MappedError {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details?: Record<string, unknown>;
  /** True when the error is a bug or an outage rather than a property of the request. */
  readonly unexpected: boolean;
}

/** Fastify's own errors, by code, for the ones whose meaning is not just their status. */
const fastifyCodes: Readonly<Record<string, ErrorCode>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'REQUEST_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'REQUEST_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_ROUTE_MISSING_CONTENT_TYPE: 'REQUEST_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'REQUEST_MALFORMED_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'REQUEST_MALFORMED_JSON',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'REQUEST_MALFORMED',
  FST_ERR_BAD_URL: 'REQUEST_MALFORMED',
  FST_ERR_MAX_PARAM_LENGTH: 'REQUEST_NOT_FOUND',
  FST_ERR_NOT_FOUND: 'REQUEST_NOT_FOUND',
};

/** Other client errors (4xx from Fastify, plugins or the body stream), by status. */
const clientStatusCodes: Readonly<Record<number, ErrorCode>> = {
  404: 'REQUEST_NOT_FOUND',
  405: 'REQUEST_METHOD_NOT_ALLOWED',
  413: 'REQUEST_BODY_TOO_LARGE',
  415: 'REQUEST_UNSUPPORTED_MEDIA_TYPE',
  429: 'REQUEST_RATE_LIMITED',
};

interface ErrorShape {
  code?: unknown;
  statusCode?: unknown;
  validation?: unknown;
  validationContext?: unknown;
}

export function mapError(error: unknown): MappedError {
  if (error instanceof ServiceError) {
    const unexpected = error.httpStatus >= 500 && error.code === 'INTERNAL_ERROR';
    return { code: error.code, message: error.message, details: error.details, unexpected };
  }
  if (error === null || typeof error !== 'object') return internal();
  const shape = error as ErrorShape;
  if (Array.isArray(shape.validation)) return validationFailure(shape.validation, shape.validationContext);
  if (typeof shape.code === 'string') {
    const code = fastifyCodes[shape.code];
    if (code !== undefined) return known(code);
  }
  if (typeof shape.statusCode === 'number' && shape.statusCode >= 400 && shape.statusCode < 500) {
    return known(clientStatusCodes[shape.statusCode] ?? 'REQUEST_MALFORMED');
  }
  return internal();
}

function known(code: ErrorCode): MappedError {
  return { code, message: errorCatalogue[code].message, unexpected: false };
}

function internal(): MappedError {
  return { code: 'INTERNAL_ERROR', message: errorCatalogue.INTERNAL_ERROR.message, unexpected: true };
}

interface ValidationIssue {
  instancePath?: unknown;
  keyword?: unknown;
  message?: unknown;
  params?: { additionalProperty?: unknown; missingProperty?: unknown };
}

/**
 * Ajv stops at the first failing keyword (allErrors: false). For a union it first lists each
 * branch's failure and then the union's own, so the last issue is the one that names the field.
 */
function validationFailure(issues: readonly unknown[], context: unknown): MappedError {
  const issue = (issues[issues.length - 1] ?? {}) as ValidationIssue;
  const details: Record<string, unknown> = {
    location: typeof context === 'string' ? context : 'request',
    instancePath: bounded(issue.instancePath),
    keyword: bounded(issue.keyword),
  };
  if (typeof issue.message === 'string') details['reason'] = bounded(issue.message);
  const property = issue.params?.additionalProperty ?? issue.params?.missingProperty;
  if (typeof property === 'string') details['property'] = bounded(property);
  return { code: 'REQUEST_VALIDATION_FAILED', message: errorCatalogue.REQUEST_VALIDATION_FAILED.message, details, unexpected: false };
}

function bounded(value: unknown): string {
  const text = typeof value === 'string' ? value : '';
  return text.length <= detailTextLengthMax ? text : `${text.slice(0, detailTextLengthMax)}...`;
}

export function errorBody(mapped: MappedError, requestId: string): ErrorBody {
  const body: ErrorBody = { error: { code: mapped.code, message: mapped.message, requestId } };
  if (mapped.details !== undefined) body.error.details = mapped.details;
  return body;
}

/** Serialises by hand so a details value JSON cannot express (a bigint, a cycle) cannot fail the reply. */
function serialiseErrorBody(body: ErrorBody): string {
  try {
    return JSON.stringify(body);
  } catch {
    const { details: _dropped, ...rest } = body.error;
    return JSON.stringify({ error: rest });
  }
}

/** The single exit for every failure: the error handler, the 404 handler and framework errors. */
export function sendError(request: FastifyRequest, reply: FastifyReply, error: unknown): void {
  const mapped = mapError(error);
  if (mapped.unexpected) request.log.error({ err: error }, 'unexpected error');
  else request.log.debug({ code: mapped.code }, 'request refused');
  const status = errorCatalogue[mapped.code].httpStatus;
  reply.code(status);
  reply.header('content-type', 'application/json; charset=utf-8');
  reply.header('cache-control', 'no-store');
  reply.header('x-request-id', request.id);
  if (mapped.code === 'REQUEST_RATE_LIMITED') {
    const retryAfterSeconds = mapped.details?.['retryAfterSeconds'];
    if (typeof retryAfterSeconds === 'number') reply.header('retry-after', String(retryAfterSeconds));
  }
  const challenge = bearerChallenge(mapped);
  if (challenge !== undefined) reply.header('www-authenticate', challenge);
  void reply.send(serialiseErrorBody(errorBody(mapped, request.id)));
}

/**
 * RFC 6750 section 3: a refused bearer token is answered with a WWW-Authenticate challenge. Only
 * the fixed error words go in it (never the token or a free-text reason a client could inject).
 */
function bearerChallenge(mapped: MappedError): string | undefined {
  if (mapped.code === 'AUTH_INVALID_ACCESS_TOKEN') return 'Bearer error="invalid_token"';
  if (mapped.code === 'AUTH_REQUIRED' && mapped.details?.['scheme'] === 'Bearer') return 'Bearer';
  return undefined;
}

/** The error body as a schema, added to every route's 4xx and 5xx responses for the OpenAPI document. */
export const ErrorBodySchema = Type.Object(
  {
    error: Type.Object(
      {
        code: Type.String({ description: 'A stable code from the error catalogue; clients must accept new codes.' }),
        message: Type.String(),
        details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
        requestId: Type.String(),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false, description: 'Every failure has this shape.' },
);
