// Request lifecycle hooks for access control, in Fastify's order:
// onRequest: request id echo, anonymous principal, per-IP rate limit (before any body is read);
// preValidation: authentication (the raw body is available by then, and it runs before schema
//   validation so anonymous callers learn nothing about a private route's schema), the route's
//   permission, then the per-principal rate limit.
import { ServiceError } from '@parite/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Authenticator } from './authenticator.ts';
import { anonymousPrincipal, principalHasPermission } from './permissions.ts';
import type { RateLimiter } from './rate-limit.ts';

export interface RateLimitSettings {
  readonly limiter: RateLimiter;
  readonly windowMs: number;
  /** Every request from one client address, authenticated or not. */
  readonly requestsPerIpMax: number;
  /** Every request of one authenticated user, whichever key or address it comes from. */
  readonly requestsPerPrincipalMax: number;
  /**
   * Every request signed with one API key (a user's bots each get their own budget inside the
   * user's). Omitted: the per-user limit, i.e. no separate bound.
   */
  readonly requestsPerApiKeyMax?: number;
}

export function createOnRequestHook(rateLimit: RateLimitSettings | undefined) {
  return async function onRequest(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    reply.header('x-request-id', request.id);
    request.principal = anonymousPrincipal;
    if (rateLimit !== undefined) {
      await enforceRateLimit(rateLimit, `ip:${request.ip}`, rateLimit.requestsPerIpMax);
    }
  };
}

export function createPreValidationHook(authenticator: Authenticator, rateLimit: RateLimitSettings | undefined) {
  return async function preValidation(request: FastifyRequest): Promise<void> {
    const permission = request.routeOptions.config.permission;
    // Only the not-found handler has no permission (routes without one never register).
    if (permission === undefined) return;
    const principal = await authenticator.authenticate({
      method: request.method,
      url: request.url,
      headers: request.headers,
      rawBody: request.rawBody,
      ip: request.ip,
    });
    request.principal = principal;
    if (!principalHasPermission(principal, permission)) {
      throw new ServiceError(principal.kind === 'anonymous' ? 'AUTH_REQUIRED' : 'AUTH_FORBIDDEN', { permission });
    }
    if (rateLimit !== undefined && principal.kind === 'user') {
      await enforceRateLimit(rateLimit, `user:${principal.userId}`, rateLimit.requestsPerPrincipalMax);
      if (principal.apiKeyId !== undefined && rateLimit.requestsPerApiKeyMax !== undefined) {
        await enforceRateLimit(rateLimit, `api-key:${principal.apiKeyId}`, rateLimit.requestsPerApiKeyMax);
      }
    }
  };
}

async function enforceRateLimit(settings: RateLimitSettings, key: string, limit: number): Promise<void> {
  let allowed: boolean;
  try {
    allowed = await settings.limiter.hit(key, limit, settings.windowMs);
  } catch {
    // Fail closed: a limiter outage must not switch abuse protection off.
    throw new ServiceError('SERVICE_UNAVAILABLE', { dependency: 'rate-limiter' });
  }
  if (!allowed) {
    throw new ServiceError('REQUEST_RATE_LIMITED', { retryAfterSeconds: Math.ceil(settings.windowMs / 1000) });
  }
}

/** Headers every reply carries; private routes are never cached by browsers or proxies. */
export async function onSendSecurityHeaders(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
  reply.header('x-content-type-options', 'nosniff');
  reply.header('x-frame-options', 'DENY');
  reply.header('referrer-policy', 'no-referrer');
  if (!reply.hasHeader('content-security-policy')) {
    reply.header('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
  }
  if (request.routeOptions.config.permission !== 'public' && !reply.hasHeader('cache-control')) {
    reply.header('cache-control', 'no-store');
  }
  return payload;
}
