// The provider running for real on loopback: the platform's Fastify app (createHttpApp) with the
// OIDC plugin, the PostgreSQL adapter and key store, and a protected route that reports the
// principal a bearer token yields. Clients: a first-party SPA, a third-party web app, a service.
import { randomBytes } from 'node:crypto';
import { createHttpApp, type HttpApp } from '@parite/http';
import { ManualClock } from '@parite/kernel';
import { freePort, type TestDatabase } from '@parite/platform';
import { Type } from '@sinclair/typebox';
import * as client from 'openid-client';
import { SecretBox } from '../../src/app/secret-box.ts';
import {
  BearerTokenAuthenticator, JwtAccessTokenVerifier, storeJwks,
} from '../../src/oidc/access-token-verifier.ts';
import { oidcPlugin } from '../../src/oidc/plugin.ts';
import { postgresOidcAdapter } from '../../src/oidc/postgres-adapter.ts';
import { PostgresSigningKeyStore } from '../../src/oidc/postgres-signing-key-store.ts';
import { OidcProviderHost } from '../../src/oidc/provider-host.ts';
import type { OidcSettings } from '../../src/oidc/settings.ts';
import { MemoryInteractiveLogin } from './oidc-login.ts';

export const spaClientId = 'parite-web';
export const partnerClientId = 'partner-app';
export const serviceClientId = 'rates-service';
export const partnerSecret = 'partner-secret-partner-secret-partner-secret';
export const serviceSecret = 'service-secret-service-secret-service-secret';
export const alice = { publicId: 'usr_AAAAAAAAAAAAAAAA', email: 'alice@example.test', password: 'correct horse battery staple' };
export const bob = { publicId: 'usr_BBBBBBBBBBBBBBBB', email: 'bob@example.test', password: 'bob password 1234', code: '123456' };

export interface OidcHarness {
  readonly app: HttpApp;
  readonly baseUrl: string;
  readonly issuer: string;
  readonly apiResource: string;
  readonly redirectUri: string;
  readonly host: OidcProviderHost;
  readonly keys: PostgresSigningKeyStore;
  readonly login: MemoryInteractiveLogin;
  /** The adapter's clock: advancing it expires stored codes, tokens and sessions. */
  readonly storeClock: ManualClock;
  readonly verifier: JwtAccessTokenVerifier;
  readonly bearer: BearerTokenAuthenticator;
  readonly spa: client.Configuration;
  readonly partner: client.Configuration;
  readonly service: client.Configuration;
  close(): Promise<void>;
}

export async function startOidcHarness(database: TestDatabase): Promise<OidcHarness> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const issuer = `${baseUrl}/oidc`;
  const apiResource = `${baseUrl}/api`;
  const redirectUri = 'http://127.0.0.1:9/callback';
  const masterKey = randomBytes(32);
  const storeClock = new ManualClock(Date.now());
  const login = new MemoryInteractiveLogin();
  login.add({ account: { id: 1, publicId: alice.publicId, email: alice.email, status: 'active', roles: ['customer'] }, password: alice.password });
  login.add({ account: { id: 2, publicId: bob.publicId, email: bob.email, status: 'active', roles: ['customer', 'admin'] },
    password: bob.password, secondFactorCode: bob.code });

  const settings: OidcSettings = {
    issuer,
    apiResource,
    clients: [
      { clientId: spaClientId, kind: 'first-party-web', name: 'Parite', redirectUris: [redirectUri], scopes: ['openid', 'email', 'offline_access', 'read', 'trade'] },
      { clientId: partnerClientId, kind: 'third-party-web', name: 'Partner', redirectUris: [redirectUri], clientSecret: partnerSecret,
        scopes: ['openid', 'read'] },
      { clientId: serviceClientId, kind: 'service', name: 'Rates', clientSecret: serviceSecret, scopes: ['read'] },
    ],
  };
  const keys = new PostgresSigningKeyStore(database.sql, new SecretBox(masterKey));
  const host = await OidcProviderHost.open({
    settings, adapter: postgresOidcAdapter(database.sql, { clock: storeClock }), accounts: login, signingKeys: keys, masterKey,
    onServerError: (error) => console.error('oidc server error', error),
  });
  const verifier = new JwtAccessTokenVerifier({ issuer, audience: apiResource, keys: storeJwks(host.rotation) });
  const bearer = new BearerTokenAuthenticator({ verifier, accounts: login, accountCacheTtlMs: 0 });
  const app = createHttpApp({ authenticator: bearer, openApi: { title: 'oidc test', version: '0' }, rateLimit: false });
  await app.register(oidcPlugin, { host, login });
  app.get('/v1/whoami', {
    config: { permission: 'account:read' },
    schema: { response: { 200: Type.Object({ userPublicId: Type.String(), permissions: Type.Array(Type.String()) }, { additionalProperties: false }) } },
  }, async (request) => {
    const principal = request.principal;
    if (principal.kind !== 'user') throw new Error('unreachable');
    return { userPublicId: principal.userPublicId, permissions: [...principal.permissions].sort() };
  });
  await app.listen({ host: '127.0.0.1', port });

  const options = { execute: [client.allowInsecureRequests] };
  const spa = await client.discovery(new URL(issuer), spaClientId, undefined, client.None(), options);
  const partner = await client.discovery(new URL(issuer), partnerClientId, partnerSecret, undefined, options);
  const service = await client.discovery(new URL(issuer), serviceClientId, serviceSecret, undefined, options);
  return {
    app, baseUrl, issuer, apiResource, redirectUri, host, keys, login, storeClock, verifier, bearer, spa, partner, service,
    close: async () => {
      host.close();
      await app.close();
    },
  };
}
