// Identity and access, composed: users and API keys, interactive credentials (argon2id passwords,
// lockout, TOTP, devices, sessions, e-mail), the OpenID Connect provider with its sign-in pages,
// the account pages and the account area, role grants through four eyes, and the API's
// authenticator (a bearer access token or a signed API-key request).
//
// Settings beside the platform configuration (environment variables, read once at start):
//   PARITE_OIDC_ISSUER            the issuer URL; default http://<HOST>:<PORT>/oidc on a loopback HOST, required otherwise
//   PARITE_OIDC_API_RESOURCE      the access tokens' audience; default <issuer origin>/api
//   PARITE_PUBLIC_URL             origin of the account pages and of e-mail links; default the issuer's origin
//   PARITE_WEB_REDIRECT_URIS      comma-separated redirect URIs of the trader web app (client parite-web); default <public>/app/callback
//   PARITE_ADMIN_REDIRECT_URIS    the same for the admin console (client parite-admin); default <public>/admin/callback
//   PARITE_OIDC_SERVICE_SECRET_FILE  secret of the internal-services client (parite-services); generated under the data
//                                 directory in embedded mode, the client is off in production without it
//   PARITE_SMTP_URL               smtps://user:password@host:465 or smtp://...:587 (STARTTLS; plain only to loopback);
//                                 unset: e-mails go to the PostgreSQL outbox (identity_email_outbox)
//   PARITE_SMTP_FROM              sender address; default no-reply@<public host>
//   PARITE_NEW_DEVICE_CONFIRMATION  email | notify: a sign-in from a new device waits for an e-mailed link, or is let
//                                 through with a notification; default notify in demo mode, email otherwise
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { ApprovalService } from '@parite/approvals';
import type { Authenticator, HttpApp, RateLimiter } from '@parite/http';
import type { Clock } from '@parite/kernel';
import {
  accountPagePaths, accountPagesPlugin, accountPlugin, ApiKeyAuthenticator, Argon2PasswordHasher, bearerOrApiKeyAuthenticator,
  BearerTokenAuthenticator, CredentialLogin, credentialLinkTemplates, CredentialService, IdentityService, identityPlugin,
  JwtAccessTokenVerifier, MemoryReplayGuard, oidcPlugin, OidcProviderHost, PostgresCredentialStore, PostgresIdentityStore,
  PostgresOidcSessionLinks, PostgresOutboxEmailSender, PostgresSigningKeyStore, PostgresThrottleStore, postgresOidcAdapter,
  pruneExpiredOidcArtifacts, rolesPlugin, SecretBox, SmtpEmailSender, storeJwks, type EmailSender, type OidcClientDefinition,
  type ReplayGuard, type SecurityEventSink,
} from '@parite/identity';
import { ConfigError, type Cache, type Database, type Logger, type PlatformConfig } from '@parite/platform';
import type { PlatformAuditRecorder } from './audit-recorder.ts';

export const webClientId = 'parite-web';
export const adminClientId = 'parite-admin';
export const serviceClientId = 'parite-services';
export const serviceSecretFileName = 'oidc-service-client-secret';
/** Expired provider artifacts and session links are reclaimed this often (each call bounded). */
export const oidcPruneIntervalMs = 10 * 60_000;

export interface SmtpSettings {
  readonly host: string;
  readonly port: number;
  readonly security: 'implicit-tls' | 'starttls' | 'none-loopback-only';
  readonly username?: string;
  readonly password?: string;
}

export interface IdentitySettings {
  readonly issuer: string;
  readonly apiResource: string;
  readonly publicOrigin: string;
  readonly webRedirectUris: readonly string[];
  readonly adminRedirectUris: readonly string[];
  /** Undefined: no service client. */
  readonly serviceClientSecret: string | undefined;
  /** Undefined: the PostgreSQL outbox. */
  readonly smtp: SmtpSettings | undefined;
  readonly smtpFrom: string;
  readonly newDeviceConfirmation: 'email' | 'notify';
}

type Environment = Readonly<Record<string, string | undefined>>;

function read(environment: Environment, name: string): string | undefined {
  const value = environment[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** Reads the identity settings; every problem at once, as a ConfigError (values of secrets never shown). */
export function loadIdentitySettings(config: PlatformConfig, environment: Environment): IdentitySettings {
  const problems: string[] = [];
  const url = (name: string, fallback: string | undefined): URL | undefined => {
    const raw = read(environment, name) ?? fallback;
    if (raw === undefined) return undefined;
    const parsed = URL.parse(raw);
    if (parsed === null || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) problems.push(`${name} must be an http(s) URL`);
    return parsed ?? undefined;
  };
  // Without a setting, the issuer is the listen address, which only makes sense on loopback (a
  // single machine, or tests); anything reachable from elsewhere must name its public URL.
  const loopbackHost = ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(config.host);
  const localIssuer = config.port === 0 || !loopbackHost ? undefined : `http://${hostForUrl(config.host)}:${config.port}/oidc`;
  const issuer = url('PARITE_OIDC_ISSUER', localIssuer);
  if (issuer === undefined) {
    problems.push('PARITE_OIDC_ISSUER is required unless the server listens on loopback with a fixed PORT (e.g. https://exchange.bank.example/oidc)');
  } else if (issuer.pathname === '/' || issuer.pathname === '') {
    problems.push('PARITE_OIDC_ISSUER needs a path (e.g. /oidc): it is where the provider is mounted');
  }
  const issuerOrigin = issuer?.origin ?? 'http://127.0.0.1';
  const publicUrl = url('PARITE_PUBLIC_URL', issuerOrigin);
  const publicOrigin = publicUrl?.origin ?? issuerOrigin;
  const apiResource = url('PARITE_OIDC_API_RESOURCE', `${issuerOrigin}/api`)?.toString() ?? `${issuerOrigin}/api`;
  const uris = (name: string, fallback: string): string[] => (read(environment, name) ?? fallback).split(',').map((uri) => uri.trim())
    .filter((uri) => uri.length > 0);
  const demoConfirmation = config.demo ? 'notify' : 'email';
  const confirmation = read(environment, 'PARITE_NEW_DEVICE_CONFIRMATION') ?? demoConfirmation;
  if (confirmation !== 'email' && confirmation !== 'notify') problems.push('PARITE_NEW_DEVICE_CONFIRMATION must be email or notify');
  const smtp = parseSmtp(read(environment, 'PARITE_SMTP_URL'), problems);
  const serviceClientSecret = readServiceSecret(config, environment, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    issuer: (issuer as URL).toString().replace(/\/$/, ''),
    apiResource,
    publicOrigin,
    webRedirectUris: uris('PARITE_WEB_REDIRECT_URIS', `${publicOrigin}/app/callback`),
    adminRedirectUris: uris('PARITE_ADMIN_REDIRECT_URIS', `${publicOrigin}/admin/callback`),
    serviceClientSecret,
    smtp,
    smtpFrom: read(environment, 'PARITE_SMTP_FROM') ?? `no-reply@${new URL(publicOrigin).hostname}`,
    newDeviceConfirmation: confirmation as 'email' | 'notify',
  };
}

function hostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

function parseSmtp(raw: string | undefined, problems: string[]): SmtpSettings | undefined {
  if (raw === undefined) return undefined;
  const parsed = URL.parse(raw);
  if (parsed === null || (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') || parsed.hostname === '') {
    problems.push('PARITE_SMTP_URL must be smtp://host:port or smtps://host:port (credentials in the URL; value not shown)');
    return undefined;
  }
  const implicit = parsed.protocol === 'smtps:';
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
  const security = implicit ? 'implicit-tls' : loopback ? 'none-loopback-only' : 'starttls';
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port === '' ? (implicit ? 465 : 587) : Number(parsed.port),
    security,
    ...(parsed.username === '' ? {} : { username: decodeURIComponent(parsed.username) }),
    ...(parsed.password === '' ? {} : { password: decodeURIComponent(parsed.password) }),
  };
}

function readServiceSecret(config: PlatformConfig, environment: Environment, problems: string[]): string | undefined {
  const path = read(environment, 'PARITE_OIDC_SERVICE_SECRET_FILE');
  if (path !== undefined) {
    const secret = existsSync(path) ? readFileSync(path, 'utf8').trim() : '';
    if (secret.length < 32) problems.push('PARITE_OIDC_SERVICE_SECRET_FILE must name a file holding at least 32 characters (value not shown)');
    return secret;
  }
  if (config.databaseUrl !== undefined) return undefined;
  // Embedded mode: generated once next to the data, readable by its owner only (like the master key).
  const file = join(config.dataDirectory, serviceSecretFileName);
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return readFileSync(file, 'utf8').trim();
}

export function oidcClients(settings: IdentitySettings): OidcClientDefinition[] {
  const clients: OidcClientDefinition[] = [
    { clientId: webClientId, kind: 'first-party-web', name: 'Parite', redirectUris: settings.webRedirectUris,
      scopes: ['openid', 'email', 'offline_access', 'read', 'trade'] },
    { clientId: adminClientId, kind: 'first-party-web', name: 'Parite administration', redirectUris: settings.adminRedirectUris,
      scopes: ['openid', 'email', 'offline_access', 'read'] },
  ];
  if (settings.serviceClientSecret !== undefined) {
    clients.push({ clientId: serviceClientId, kind: 'service', name: 'Parite internal services', clientSecret: settings.serviceClientSecret,
      scopes: ['read'] });
  }
  return clients;
}

export interface IdentityAccess {
  readonly settings: IdentitySettings;
  readonly identity: IdentityService;
  readonly credentials: CredentialService;
  readonly host: OidcProviderHost;
  readonly login: CredentialLogin;
  /** Signed API-key requests (also the WebSocket login). */
  readonly apiKeys: ApiKeyAuthenticator;
  readonly bearer: BearerTokenAuthenticator;
  /** The HTTP API's authenticator: a bearer access token, or a signed API-key request. */
  readonly authenticator: Authenticator;
  /** Set when e-mails go to the PostgreSQL outbox (no SMTP relay configured). */
  readonly outbox: PostgresOutboxEmailSender | undefined;
  readonly sessionLinks: PostgresOidcSessionLinks;
  /** For the account pages' form key (derived from it); never leaves the process. */
  readonly masterKey: Buffer;
  close(): Promise<void>;
}

export interface IdentityAccessInput {
  readonly config: PlatformConfig;
  readonly database: Database;
  readonly audit: PlatformAuditRecorder;
  readonly cache: Cache;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly environment: Environment;
}

export async function openIdentityAccess(input: IdentityAccessInput): Promise<IdentityAccess> {
  const { config, database, audit, cache, clock, logger } = input;
  const settings = loadIdentitySettings(config, input.environment);
  const masterKey = Buffer.from(config.masterKeyHex, 'hex');
  const identityStore = new PostgresIdentityStore(database.sql);
  const identity = new IdentityService({ store: identityStore, audit, masterKey, clock });
  // Redis shares seen signatures across instances. In one process, identity's own guard is used:
  // when full it refuses requests instead of forgetting a signature still inside its window.
  const replayGuard = config.redisUrl === undefined ? new MemoryReplayGuard(clock) : cacheReplayGuard(cache);
  const apiKeys = new ApiKeyAuthenticator({ keys: identity, replayGuard, clock });

  const outbox = settings.smtp === undefined ? new PostgresOutboxEmailSender(database.sql, () => clock.nowMs()) : undefined;
  const email: EmailSender = outbox ?? new SmtpEmailSender({ ...(settings.smtp as SmtpSettings), from: settings.smtpFrom });
  const links = new PostgresOidcSessionLinks(database.sql, clock);
  // The bridge needs the credential service, which tells the bridge about revocations: tied after construction.
  const revocations: { bridge?: CredentialLogin } = {};
  const credentials = new CredentialService({
    users: identity, store: new PostgresCredentialStore(database.sql), throttle: new PostgresThrottleStore(database.sql),
    hasher: new Argon2PasswordHasher(), email, events: loggedSecurityEvents(logger), audit, masterKey, clock,
    links: credentialLinkTemplates(settings.publicOrigin), newDeviceConfirmation: settings.newDeviceConfirmation,
    onSessionsRevoked: (sessionIds) => revocations.bridge?.sessionsRevoked(sessionIds) ?? Promise.resolve(),
    onBackgroundError: (task, error) => logger.warn({ task, error: error instanceof Error ? error.name : 'unknown' }, 'identity background task failed'),
  });
  const bridge = new CredentialLogin({ credentials, accounts: identityStore, links });
  revocations.bridge = bridge;

  const host = await OidcProviderHost.open({
    settings: { issuer: settings.issuer, apiResource: settings.apiResource, clients: oidcClients(settings) },
    adapter: postgresOidcAdapter(database.sql, { clock }),
    accounts: identityStore,
    signingKeys: new PostgresSigningKeyStore(database.sql, new SecretBox(masterKey)),
    masterKey, clock, audit,
    sessionOfToken: (token) => bridge.sessionOfToken(token),
    // Messages only: a provider error can quote a request, never log a token with it.
    onServerError: (error) => logger.error({ error: error instanceof Error ? `${error.name}: ${error.message}` : 'unknown' }, 'oidc provider error'),
  });
  host.start();
  const verifier = new JwtAccessTokenVerifier({ issuer: settings.issuer, audience: settings.apiResource, keys: storeJwks(host.rotation, { clock }), clock });
  const bearer = new BearerTokenAuthenticator({ verifier, accounts: identityStore, clock, sessions: credentials,
    securityClientIds: [webClientId, adminClientId] });
  bridge.onSessionsRevoked((sessionIds) => bearer.forgetSessions(sessionIds));
  const prune = setInterval(() => {
    pruneExpiredOidcArtifacts(database.sql, clock.nowMs())
      .then(() => database.sql`delete from identity_oidc_session_links where expires_at <= ${new Date(clock.nowMs())}`)
      .catch((error: unknown) => logger.warn({ error: String(error) }, 'oidc pruning failed'));
  }, oidcPruneIntervalMs);
  prune.unref();

  return {
    settings, identity, credentials, host, login: bridge, apiKeys, bearer, outbox, sessionLinks: links, masterKey,
    authenticator: bearerOrApiKeyAuthenticator(bearer, apiKeys),
    close: async () => {
      clearInterval(prune);
      host.close();
      await host.idle();
      await credentials.idle();
    },
  };
}

function cacheReplayGuard(cache: Cache): ReplayGuard {
  return { firstSeen: (key, ttlMs) => cache.setIfAbsent(`replay:${key}`, '1', ttlMs) };
}

/** Security events for the user-facing notification channel; until one is wired, the log (never a secret). */
function loggedSecurityEvents(logger: Logger): SecurityEventSink {
  return { publish: async (event) => logger.info({ securityEvent: event.kind, user: event.userPublicId, details: event.details }, 'security event') };
}

export interface IdentityRoutesInput {
  readonly approvals: ApprovalService;
  /** The platform's rate limiter (Redis when configured): account pages that send mail or create accounts. */
  readonly limiter: RateLimiter | undefined;
}

/** The identity routes of the api service: account and keys, account area, role grants, sign-in and account pages. */
export async function registerIdentityRoutes(app: HttpApp, access: IdentityAccess, input: IdentityRoutesInput): Promise<void> {
  await app.register(identityPlugin, { service: access.identity, credentials: access.credentials });
  await app.register(accountPlugin, { credentials: access.credentials });
  await app.register(rolesPlugin, { identity: access.identity, approvals: input.approvals });
  await app.register(oidcPlugin, { host: access.host, login: access.login, sessionLinks: access.sessionLinks,
    accountPages: { register: accountPagePaths.register, forgotPassword: accountPagePaths.forgotPassword } });
  await app.register(accountPagesPlugin, { credentials: access.credentials, masterKey: access.masterKey,
    publicOrigin: access.settings.publicOrigin, signInUrl: access.settings.webRedirectUris[0]?.replace(/\/callback$/, '/'),
    ...(input.limiter === undefined ? {} : { limiter: input.limiter }) });
}

export interface DemoLogin {
  readonly email: string;
  readonly password: string;
}

/**
 * Demo users get a password, so a newcomer can sign in through the pages. Each is generated once,
 * stored beside the demo API keys in demo-credentials.json (mode 0600) and reused at every start.
 */
export async function seedDemoPasswords(access: IdentityAccess, file: string, emails: readonly string[]): Promise<DemoLogin[]> {
  const entries = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>[] : [];
  const logins: DemoLogin[] = [];
  for (const email of emails) {
    const entry = entries.find((candidate) => candidate['email'] === email);
    const user = await access.identity.findUserByEmail(email);
    if (entry === undefined || user === undefined) continue;
    let password = typeof entry['password'] === 'string' ? entry['password'] : undefined;
    if (password === undefined) {
      // 18 random bytes: 24 characters, far beyond any guessing, and never a common password.
      password = randomBytes(18).toString('base64url');
      const result = await access.credentials.provisionPassword(user.id, password, { kind: 'system', id: 'seed' });
      if (result.kind !== 'ok') throw new Error(`the demo password of ${email} was refused: ${result.kind}`);
      entry['password'] = password;
    }
    logins.push({ email, password });
  }
  writeFileSync(file, JSON.stringify(entries, null, 2), { mode: 0o600 });
  chmodSync(file, 0o600);
  return logins;
}
