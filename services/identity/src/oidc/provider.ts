// Builds the oidc-provider instance: the certified library does the protocol (discovery, code flow
// with PKCE, token endpoint, refresh rotation and reuse detection, introspection, revocation,
// client credentials); this file only states Parite's policy.
//
// Policy, in short:
// - response_type `code` only; PKCE S256 required for every client (the library knows no other method);
// - access tokens are JWTs for one audience, the platform API (resource indicator `apiResource`),
//   signed ES256 with the store's active key, short-lived; the userinfo endpoint is off (its
//   tokens would need another audience), ID tokens carry `sub` and, with scope `email`, the e-mail;
// - refresh tokens rotate on every use; a rotated token presented again revokes the whole grant
//   (library behaviour, made race-free by the adapter's compare-and-set consume); a family never
//   outlives `refreshTokenSeconds` from its first issue;
// - the single sign-on session cookie is a browser-session cookie (not persistent);
// - disabled accounts get no token and their refresh tokens stop working (findAccount refuses them).
import { assert } from '@parite/kernel';
import type { EventEmitter } from 'node:events';
import Provider, { errors, type Adapter, type ClientMetadata, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { AuditSink } from '../app/ports.ts';
import type { AccountLookup } from './login-port.ts';
import { errorPage, logoutPage, logoutSuccessPage } from './pages.ts';
import { CookieSigner } from './secrets.ts';
import { apiScopes, checkOidcSettings, lifetimesOf, mountPathOf, openIdScopes, type OidcClientDefinition, type OidcSettings } from './settings.ts';
import type { ActiveSigningKey } from './signing-keys.ts';

export interface OidcProviderDependencies {
  readonly settings: OidcSettings;
  readonly adapter: (model: string) => Adapter;
  readonly accounts: AccountLookup;
  readonly signingKey: ActiveSigningKey;
  readonly cookieKeys: readonly Buffer[];
  /** Unexpected failures inside the provider (never client errors); log them, they carry no secrets. */
  readonly onServerError?: (error: unknown) => void;
  /**
   * The credential session (`ses_...`) a person's token is issued under, carried as the access
   * token's `sid` claim. It may throw an oidc-provider error (e.g. InvalidGrant when that session
   * has ended), which refuses the token request.
   */
  readonly sessionOfToken?: (token: TokenSessionKeys) => Promise<string | undefined>;
  /** Sign-ins, sign-outs and grant revocations are recorded here (never a token or a cookie). */
  readonly audit?: AuditSink;
}

/** What a token being issued knows about where it comes from. */
export interface TokenSessionKeys {
  /** The person's public id (`usr_...`). */
  readonly accountId: string;
  readonly clientId: string;
  readonly grantId?: string;
  readonly sessionUid?: string;
}

/** Cookie names: prefixed, so they never collide with other cookies of the platform's origin. */
export const oidcCookieNames = { session: 'parite_oidc_session', interaction: 'parite_oidc_interaction', resume: 'parite_oidc_resume' } as const;

export function createOidcProvider(dependencies: OidcProviderDependencies): Provider {
  const { settings, signingKey } = dependencies;
  checkOidcSettings(settings);
  const lifetimes = lifetimesOf(settings);
  const mountPath = mountPathOf(settings.issuer);
  const clientsById = new Map(settings.clients.map((client) => [client.clientId, client]));
  const external = !('kty' in signingKey.key && typeof (signingKey.key as { d?: unknown }).d === 'string');

  const configuration: Configuration = {
    adapter: dependencies.adapter,
    clients: settings.clients.map(clientMetadata),
    jwks: { keys: [signingKey.key as never] },
    findAccount: async (_ctx, sub) => {
      const account = await dependencies.accounts.findUserByPublicId(sub);
      if (account === undefined || account.status !== 'active') return undefined;
      return { accountId: account.publicId, claims: () => ({ sub: account.publicId, email: account.email }) };
    },
    extraTokenClaims: async (_ctx, token) => {
      const source = token as unknown as { accountId?: unknown; clientId?: unknown; grantId?: unknown; sessionUid?: unknown };
      if (dependencies.sessionOfToken === undefined || typeof source.accountId !== 'string') return undefined;
      const sid = await dependencies.sessionOfToken({
        accountId: source.accountId, clientId: String(source.clientId),
        ...(typeof source.grantId === 'string' ? { grantId: source.grantId } : {}),
        ...(typeof source.sessionUid === 'string' ? { sessionUid: source.sessionUid } : {}),
      });
      return sid === undefined ? undefined : { sid };
    },
    claims: { acr: null, amr: null, auth_time: null, sid: null, openid: ['sub', 'amr', 'auth_time'], email: ['email'] },
    scopes: [...openIdScopes, ...apiScopes],
    responseTypes: ['code'],
    pkce: { required: () => true },
    clientDefaults: {
      grant_types: ['authorization_code'],
      id_token_signed_response_alg: signingKey.algorithm,
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
    enabledJWA: { idTokenSigningAlgValues: [signingKey.algorithm] },
    clockTolerance: 5,
    conformIdTokenClaims: false,
    rotateRefreshToken: true,
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    ttl: {
      AccessToken: lifetimes.accessTokenSeconds,
      AuthorizationCode: lifetimes.authorizationCodeSeconds,
      ClientCredentials: lifetimes.clientCredentialsSeconds,
      IdToken: lifetimes.idTokenSeconds,
      Interaction: lifetimes.interactionSeconds,
      Session: lifetimes.sessionSeconds,
      Grant: lifetimes.grantSeconds,
      RefreshToken: (ctx) => {
        // A rotated token inherits what is left of its family's lifetime: rotation never extends it.
        const rotated = ctx?.oidc?.entities.RotatedRefreshToken;
        return rotated === undefined ? lifetimes.refreshTokenSeconds : Math.max(1, rotated.remainingTTL);
      },
    },
    cookies: {
      names: oidcCookieNames,
      long: { httpOnly: true, sameSite: 'lax', signed: true },
      short: { httpOnly: true, sameSite: 'lax', signed: true },
    },
    interactions: { url: (_ctx, interaction) => `${mountPath}/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: {
        enabled: true,
        // Internal services (resource servers) may introspect any token; other clients only their own.
        allowedPolicy: async (_ctx, client, token) =>
          clientsById.get(client.clientId)?.kind === 'service' || token.clientId === client.clientId,
      },
      // A client revokes its own tokens only.
      revocation: { enabled: true, allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId },
      userinfo: { enabled: false },
      registration: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => html(ctx, logoutPage(form)),
        postLogoutSuccessSource: (ctx) => html(ctx, logoutSuccessPage()),
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => settings.apiResource,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource, client) => {
          if (resource !== settings.apiResource) throw new errors.InvalidTarget();
          const definition = clientsById.get(client.clientId);
          const scopes = apiScopes.filter((scope) => definition?.scopes.includes(scope) === true);
          return {
            scope: scopes.join(' '),
            audience: settings.apiResource,
            accessTokenTTL: lifetimes.accessTokenSeconds,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: signingKey.algorithm, kid: signingKey.kid } },
          };
        },
      },
      ...(external ? { externalSigningSupport: { enabled: true } } : {}),
    },
    renderError: (ctx, out) => {
      html(ctx, errorPage(String(out.error), typeof out.error_description === 'string' ? out.error_description : undefined));
    },
  };

  const provider = new Provider(settings.issuer, configuration);
  // Koa's cookie signer is Keygrip (HMAC-SHA-1 by default); this one signs with HMAC-SHA-256.
  (provider as unknown as { keys: CookieSigner }).keys = new CookieSigner(dependencies.cookieKeys);
  // The plugin pins Host and X-Forwarded-Proto to the issuer before the provider sees a request,
  // so trusting them makes the advertised endpoints and the cookies' `secure` flag follow the issuer.
  provider.proxy = true;
  provider.on('server_error', (_ctx, error) => dependencies.onServerError?.(error));
  if (dependencies.audit !== undefined) recordProviderEvents(provider, dependencies.audit, dependencies.onServerError);
  // Koa logs unhandled errors to stderr unless the app has a listener; route them to the caller.
  (provider as unknown as EventEmitter).on('error', (error: unknown) => dependencies.onServerError?.(error));
  return provider;
}

/**
 * The audit trail of the provider: a person signing in to a client, signing out, and grants
 * revoked (at the revocation endpoint, or because a used refresh token or code came back). The
 * library emits synchronously; a failed append is reported as a server error, never thrown into
 * the protocol.
 */
function recordProviderEvents(provider: Provider, audit: AuditSink, onError: ((error: unknown) => void) | undefined): void {
  const record = (actor: { kind: string; id: string }, action: string, targetKind: string, targetId: string,
    details: Record<string, unknown>) => {
    audit.append({ actorKind: actor.kind, actorId: actor.id, action, targetKind, targetId, details })
      .catch((error: unknown) => onError?.(error));
  };
  provider.on('authorization.success', (ctx: KoaContextWithOIDC) => {
    const accountId = ctx.oidc.session?.accountId;
    const clientId = ctx.oidc.client?.clientId ?? 'unknown';
    if (accountId === undefined) return;
    record({ kind: 'user', id: accountId }, 'oidc.sign_in', 'user', accountId,
      { clientId, ip: ctx.ip, amr: ctx.oidc.session?.amr ?? null });
  });
  provider.on('end_session.success', (ctx: KoaContextWithOIDC) => {
    const accountId = ctx.oidc.session?.accountId ?? 'unknown';
    record({ kind: 'user', id: accountId }, 'oidc.sign_out', 'user', accountId, { ip: ctx.ip });
  });
  provider.on('grant.revoked', (ctx: KoaContextWithOIDC, grantId: string) => {
    const clientId = ctx.oidc.client?.clientId ?? 'unknown';
    // At the token endpoint a grant is revoked because a used code or refresh token came back.
    const action = ctx.oidc.route === 'revocation' ? 'oidc.token_revoke' : 'oidc.token_reuse_revoke';
    record({ kind: 'client', id: clientId }, action, 'oidc_grant', grantId, { clientId, ip: ctx.ip, route: ctx.oidc.route });
  });
}

function html(ctx: KoaContextWithOIDC, body: string): void {
  ctx.type = 'html';
  ctx.body = body;
}

function clientMetadata(client: OidcClientDefinition): ClientMetadata {
  const base = { client_id: client.clientId, client_name: client.name, scope: client.scopes.join(' ') };
  switch (client.kind) {
    case 'service':
      return { ...base, client_secret: client.clientSecret, grant_types: ['client_credentials'], response_types: [],
        redirect_uris: [], token_endpoint_auth_method: 'client_secret_basic' };
    case 'first-party-web':
    case 'third-party-web': {
      const confidential = client.kind === 'third-party-web';
      assert(!confidential || client.clientSecret !== undefined, 'a third-party client has a secret');
      return {
        ...base,
        ...(confidential ? { client_secret: client.clientSecret } : {}),
        application_type: 'web',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [...(client.redirectUris ?? [])],
        post_logout_redirect_uris: [...(client.postLogoutRedirectUris ?? [])],
        token_endpoint_auth_method: confidential ? 'client_secret_basic' : 'none',
      };
    }
  }
}

export function isFirstPartyClient(settings: OidcSettings, clientId: string): boolean {
  return settings.clients.some((client) => client.clientId === clientId && client.kind === 'first-party-web');
}
