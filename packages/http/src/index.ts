import './augment.ts';

export { createHttpApp, bodyLimitBytesDefault, requestTimeoutMsDefault, rateLimitDefaults } from './app.ts';
export type { HttpAppOptions } from './app.ts';
export type { RateLimitSettings } from './access.ts';
export { anonymousAuthenticator } from './authenticator.ts';
export type { Authenticator, AuthenticationRequest } from './authenticator.ts';
export { ErrorBodySchema, errorBody, mapError, sendError } from './errors.ts';
export type { MappedError } from './errors.ts';
export { parseJsonBody } from './json-body.ts';
export { openApiPath } from './openapi.ts';
export type { OpenApiInfo } from './openapi.ts';
export { anonymousPrincipal, isPermission, permissions, principalHasPermission } from './permissions.ts';
export type { AnonymousPrincipal, Permission, Principal, UserPrincipal } from './permissions.ts';
export { MemoryRateLimiter, memoryRateLimiterKeysMax } from './rate-limit.ts';
export type { RateLimiter } from './rate-limit.ts';
export { RouteDeclarationError } from './route-guard.ts';
export type { HttpApp, HttpPlugin, TypeBoxTypeProvider } from './type-provider.ts';
