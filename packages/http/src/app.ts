import type { Duplex } from 'node:stream';
// The Fastify foundation every service mounts its routes on. createHttpApp() wires, in order:
// strict JSON bodies kept as raw bytes, per-part Ajv validation, the registration-time route
// guard, OpenAPI generation, the access hooks, security headers and the single error mapping.
import { errorCatalogue, ServiceError } from '@parite/contracts';
import { assert } from '@parite/kernel';
import Fastify, { type FastifyServerOptions } from 'fastify';
import { createOnRequestHook, createPreValidationHook, onSendSecurityHeaders, type RateLimitSettings } from './access.ts';
import type { Authenticator } from './authenticator.ts';
import { RouteMethods } from './route-methods.ts';
import { sendError } from './errors.ts';
import { installJsonBodyParser } from './json-body.ts';
import { installOpenApi, type OpenApiInfo } from './openapi.ts';
import { MemoryRateLimiter } from './rate-limit.ts';
import type { Principal } from './permissions.ts';
import { generateRequestId } from './request-id.ts';
import { addErrorResponses, checkRouteDeclaration } from './route-guard.ts';
import type { HttpApp, TypeBoxTypeProvider } from './type-provider.ts';
import { createValidatorCompiler } from './validation.ts';
import './augment.ts';

/** API bodies are small orders and settings; a large limit only helps a flood. */
export const bodyLimitBytesDefault = 256 * 1024;
/** Bounds how long a slow client can hold a request open (slowloris). */
export const requestTimeoutMsDefault = 30_000;

export const rateLimitDefaults = {
  windowMs: 1_000,
  requestsPerIpMax: 500,
  requestsPerPrincipalMax: 200,
} as const;

export interface HttpAppOptions {
  /** Passed to Fastify (pino): false (default) or true or pino options. */
  readonly logger?: FastifyServerOptions['logger'];
  readonly bodyLimitBytes?: number;
  readonly authenticator: Authenticator;
  readonly openApi: OpenApiInfo;
  /** false disables rate limiting; omitted fields take rateLimitDefaults and a MemoryRateLimiter. */
  readonly rateLimit?: Partial<RateLimitSettings> | false;
  /** Fastify's trustProxy: set it when a reverse proxy sets X-Forwarded-For, so request.ip is the client. */
  readonly trustProxy?: boolean | string | string[];
  readonly requestTimeoutMs?: number;
}

/**
 * Broken HTTP framing (bad request line, bad Content-Length, garbage bytes) never reaches a route:
 * Node's parser rejects it on the socket. It still gets a catalogue error, then the socket closes.
 */
function answerClientError(error: { code?: string }, socket: Duplex): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const timedOut = error.code === 'ERR_HTTP_REQUEST_TIMEOUT';
  const code = timedOut ? 'SERVICE_UNAVAILABLE' : 'REQUEST_MALFORMED';
  const status = timedOut ? 408 : errorCatalogue[code].httpStatus;
  const body = JSON.stringify({ error: { code, message: errorCatalogue[code].message } });
  socket.end(`HTTP/1.1 ${status} ${timedOut ? 'Request Timeout' : 'Bad Request'}\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

export function createHttpApp(options: HttpAppOptions): HttpApp {
  const bodyLimitBytes = options.bodyLimitBytes ?? bodyLimitBytesDefault;
  assert(Number.isSafeInteger(bodyLimitBytes) && bodyLimitBytes > 0, 'bodyLimitBytes must be a positive integer');
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: bodyLimitBytes,
    requestTimeout: options.requestTimeoutMs ?? requestTimeoutMsDefault,
    trustProxy: options.trustProxy ?? false,
    requestIdHeader: false,
    genReqId: generateRequestId,
    frameworkErrors: (error, request, reply) => sendError(request, reply, error),
    clientErrorHandler: answerClientError,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(createValidatorCompiler());
  // Fastify 5 refuses object decorations (they would be shared between requests); the access hook
  // sets the real principal on every request before anything reads it.
  app.decorateRequest<Principal, 'principal'>('principal', null as unknown as Principal);
  app.decorateRequest('rawBody', undefined);
  installJsonBodyParser(app, bodyLimitBytes);
  const routeMethods = new RouteMethods();
  // Before swagger's own onRoute hook, so the documented schemas include the error responses.
  app.addHook('onRoute', (route) => {
    checkRouteDeclaration(route);
    addErrorResponses(route);
    routeMethods.add(route.url, route.method);
    // Published as the operation's `x-permission`: clients see what each route needs, and the
    // authorization matrix test checks every route against the role model from it.
    if (route.schema !== undefined) (route.schema as Record<string, unknown>)['x-permission'] = route.config?.permission;
  });
  installOpenApi(app, options.openApi);

  const rateLimit = rateLimitSettings(options.rateLimit);
  app.addHook('onRequest', createOnRequestHook(rateLimit));
  app.addHook('preValidation', createPreValidationHook(options.authenticator, rateLimit));
  app.addHook('onSend', onSendSecurityHeaders);
  app.setErrorHandler((error, request, reply) => sendError(request, reply, error));
  app.setNotFoundHandler((request, reply) => {
    const allowed = routeMethods.allowed(request.url);
    if (allowed.length === 0) return sendError(request, reply, new ServiceError('REQUEST_NOT_FOUND'));
    void reply.header('allow', allowed.join(', '));
    return sendError(request, reply, new ServiceError('REQUEST_METHOD_NOT_ALLOWED'));
  });
  return app;
}

function rateLimitSettings(option: HttpAppOptions['rateLimit']): RateLimitSettings | undefined {
  if (option === false) return undefined;
  const settings: RateLimitSettings = {
    limiter: option?.limiter ?? new MemoryRateLimiter(),
    windowMs: option?.windowMs ?? rateLimitDefaults.windowMs,
    requestsPerIpMax: option?.requestsPerIpMax ?? rateLimitDefaults.requestsPerIpMax,
    requestsPerPrincipalMax: option?.requestsPerPrincipalMax ?? rateLimitDefaults.requestsPerPrincipalMax,
    requestsPerApiKeyMax: option?.requestsPerApiKeyMax,
  };
  assert(Number.isSafeInteger(settings.windowMs) && settings.windowMs > 0, 'rate limit windowMs must be positive');
  return settings;
}
