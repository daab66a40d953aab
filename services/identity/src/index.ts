// @parite/identity: users, HMAC-signed API keys and the principal/permission seam.
import { fileURLToPath } from 'node:url';

export * from './domain/user.ts';
export * from './domain/api-key.ts';
export { isRole, permissionsFor, rolePermissions, roles, scopePermissions } from './domain/permissions.ts';
export type { Role } from './domain/permissions.ts';
export type { AuditActor, AuditEntry, AuditSink, IdentityStore, InsertUserResult, NewUserRecord, RandomSource, ReplayGuard, StoredApiKey } from './app/ports.ts';
export { IdentityService } from './app/identity-service.ts';
export type { CreateApiKeyOptions, CreatedApiKey, IdentityServiceDependencies } from './app/identity-service.ts';
export { apiKeyCacheEntriesMaxDefault, apiKeyCacheTtlMsDefault, CachedApiKeyResolver, sealingContext } from './app/api-key-resolver.ts';
export type { ApiKeyCacheOptions, ApiKeyResolver, ResolvedApiKey } from './app/api-key-resolver.ts';
export { ApiKeyAuthenticator, receiveWindowMsDefault, verifyWebSocketLogin } from './app/authenticator.ts';
export type { ApiKeyAuthenticatorOptions } from './app/authenticator.ts';
export {
  canonicalRequest,
  computeSignature,
  emptyBodySha256Hex,
  signatureHeaders,
  signRequest,
  signWebSocketLogin,
  splitRequestTarget,
  webSocketLoginCanonical,
  webSocketLoginPath,
} from './app/signature.ts';
export type { CanonicalRequestParts, SignRequestInput, WebSocketLoginMessage } from './app/signature.ts';
export { masterKeyLengthBytes, SecretBox } from './app/secret-box.ts';
export { cryptoRandom } from './app/ids.ts';
export { parseIpAllowList } from './app/ip-allow-list.ts';
export { MemoryIdentityStore } from './adapters/memory/identity-store.ts';
export { MemoryReplayGuard, memoryReplayGuardEntriesMax } from './adapters/memory/replay-guard.ts';
export { MemoryAuditSink } from './adapters/memory/audit-sink.ts';
export { PostgresIdentityStore } from './adapters/postgres/identity-store.ts';
export { identityPlugin } from './http/plugin.ts';
export type { IdentityPluginOptions } from './http/plugin.ts';

/** For the platform migration runner: `{ module: 'identity', directory: identityMigrationsDirectory }`. */
export const identityMigrationsDirectory = fileURLToPath(new URL('../migrations', import.meta.url));
