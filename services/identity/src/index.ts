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

// Interactive credentials: passwords, TOTP, recovery codes, devices, sessions, e-mail.
export { CredentialService } from './credentials/app/credential-service.ts';
export { backgroundTasksMax, credentialLifetimesDefault, credentialThrottlePoliciesDefault, emailDigest } from './credentials/app/context.ts';
export type { CredentialLifetimes, CredentialServiceDependencies, CredentialThrottlePolicies } from './credentials/app/context.ts';
export type * from './credentials/app/ports.ts';
export type { ChangePasswordResult, RegisterInput, RegisterResult, ResetPasswordResult, TokenResult, VerifyEmailOptions } from './credentials/app/account.ts';
export type { DeviceConfirmationResult, LoginInput, LoginResult, SecondFactorInput, SecondFactorResult } from './credentials/app/login.ts';
export type { CodeCheck, StepUpProof, StepUpResult, TotpConfirmation, TotpEnrolment } from './credentials/app/second-factor.ts';
export type { DeviceView, IssuedSession, SessionCheck, SessionView } from './credentials/app/sessions.ts';
export { sessionTouchIntervalMs } from './credentials/app/sessions.ts';
export { Argon2PasswordHasher, argon2ParametersDefault, hashConcurrencyMax, hashQueueMax } from './credentials/app/password-hasher.ts';
export type { Argon2Parameters } from './credentials/app/password-hasher.ts';
export { credentialLinkTemplates } from './credentials/app/messages.ts';
export type { CredentialLinkTemplates } from './credentials/app/messages.ts';
export * from './credentials/domain/password-policy.ts';
export * from './credentials/domain/throttle.ts';
export * from './credentials/domain/totp.ts';
export * from './credentials/domain/recovery-codes.ts';
export * from './credentials/domain/device.ts';
export { MemoryCredentialStore } from './credentials/memory/credential-store.ts';
export { MemoryThrottleStore, memoryThrottleEntriesMax } from './credentials/memory/throttle-store.ts';
export { MemorySecurityEventSink } from './credentials/memory/security-event-sink.ts';
export { PostgresCredentialStore, PostgresThrottleStore } from './adapters/postgres/credential-store.ts';
export { SmtpEmailSender, smtpTimeoutMsDefault } from './adapters/email/smtp-email-sender.ts';
export type { SmtpEmailSenderOptions, SmtpSecurity } from './adapters/email/smtp-email-sender.ts';
export { PostgresOutboxEmailSender, outboxListedMax } from './adapters/email/outbox-email-sender.ts';
export type { OutboxMessage } from './adapters/email/outbox-email-sender.ts';
export { MemoryEmailSender } from './adapters/email/memory-email-sender.ts';

// OpenID Connect provider (oidc-provider mounted in the platform app), its storage, signing keys
// and the bearer-token authenticator. See README.md, "OpenID Connect provider".
export type {
  AccountLookup, AuthenticationMethod as OidcAuthenticationMethod, InteractiveLogin, LoginContext as OidcLoginContext,
  LoginOutcome as OidcLoginOutcome, OidcAccount, PasswordLoginInput as OidcPasswordLoginInput,
  SecondFactorInput as OidcSecondFactorInput,
} from './oidc/login-port.ts';
export {
  apiScopes, checkOidcSettings, clientSecretLengthMin, mountPathOf, oidcClientsMax, oidcTokenLifetimesDefault, openIdScopes,
} from './oidc/settings.ts';
export type { OidcClientDefinition, OidcClientKind, OidcSettings, OidcTokenLifetimes } from './oidc/settings.ts';
export {
  checkRotationPolicy, generateSigningKey, keyRotationPolicyDefault, planRotation, publishedKeys, signingAlgorithm, SigningKeyRotation,
} from './oidc/signing-keys.ts';
export type {
  ActiveSigningKey, KeyRotationPolicy, RotationReport, RotationStep, SigningAlgorithm, SigningKeyRecord, SigningKeyState, SigningKeyStore,
} from './oidc/signing-keys.ts';
export { PostgresSigningKeyStore, sealingContextForKey, signingKeysListedMax } from './oidc/postgres-signing-key-store.ts';
export {
  artifactIdDigest, oidcPruneBatchMax, PostgresOidcAdapter, postgresOidcAdapter, pruneExpiredOidcArtifacts, revokeGrantFamily,
} from './oidc/postgres-adapter.ts';
export { createOidcProvider, isFirstPartyClient, oidcCookieNames } from './oidc/provider.ts';
export type { OidcProviderDependencies } from './oidc/provider.ts';
export { keyRefreshIntervalMsDefault, OidcProviderHost } from './oidc/provider-host.ts';
export type { OidcProviderHostOptions } from './oidc/provider-host.ts';
export { deriveOidcSecrets, InteractionFormTokens } from './oidc/secrets.ts';
export { formBodyLimitBytes, jwksCacheSeconds, oidcPlugin } from './oidc/plugin.ts';
export type { OidcPluginOptions } from './oidc/plugin.ts';
export {
  accessTokenClockToleranceSeconds, accessTokenLengthMax, bearerAccountCacheEntriesMax, bearerOrApiKeyAuthenticator,
  BearerTokenAuthenticator, invalidAccessTokenCode, JwtAccessTokenVerifier, remoteJwks, storeJwks,
} from './oidc/access-token-verifier.ts';
export type {
  BearerTokenAuthenticatorOptions, JwtAccessTokenVerifierOptions, VerifiedAccessToken,
} from './oidc/access-token-verifier.ts';
export type { TokenSessionKeys } from './oidc/provider.ts';
export { MemoryOidcSessionLinks, PostgresOidcSessionLinks } from './oidc/session-links.ts';
export type { OidcSessionLinks, SessionLinkInput } from './oidc/session-links.ts';
export { amrOf, CredentialLogin } from './oidc/credential-login.ts';
export type { CredentialLoginOptions } from './oidc/credential-login.ts';
export { deviceCookieName, ensureDeviceCookie, installFormParser, readDeviceCookie } from './oidc/plugin.ts';
export type { AccountPageLinks } from './oidc/pages.ts';

// The product around them: account pages (HTML), the account area's security routes, role grants.
export { accountPagePaths, accountPagesPlugin, formPostsPerIpMaxDefault, formPostWindowMsDefault } from './http/account-pages.ts';
export type { AccountPagesOptions } from './http/account-pages.ts';
export { accountPlugin, sessionCaller } from './http/account-plugin.ts';
export type { AccountPluginOptions } from './http/account-plugin.ts';
export { roleChangeApprovalKind, rolesPlugin } from './http/roles-plugin.ts';
export type { RolesPluginOptions } from './http/roles-plugin.ts';
